"""poll_tally: what the realtime hub sends after votes — voters, and counts per choice or point."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest

from podium.enums import PollType
from podium.kit.db import UnitOfWork
from podium.live.errors import PollNotFound
from podium.live.service import cast_vote, create_poll, open_poll, set_poll_results_visible
from podium.live.tally import PollTally, poll_tally
from podium.models import Attendee, Event, EventSession, Poll
from tests.factories import make_attendee, make_session


async def _poll(
    uow: UnitOfWork,
    session: EventSession,
    poll_type: PollType,
    choices: Sequence[str] | None = None,
    scale: int | None = None,
) -> Poll:
    poll = await create_poll(
        uow, session=session, name="Poll", type=poll_type, choices=choices, scale=scale
    )
    return await open_poll(uow, poll=poll)


async def _attendees(uow: UnitOfWork, event: Event, count: int) -> list[Attendee]:
    return [
        await make_attendee(uow, event, email=f"voter{number}@example.com")
        for number in range(count)
    ]


async def _vote_all(
    uow: UnitOfWork, poll: Poll, voters: list[Attendee], votes: Sequence[dict[str, Any]]
) -> None:
    for attendee, vote in zip(voters, votes, strict=True):
        await cast_vote(uow, poll=poll, attendee=attendee, **vote)


async def _tally(uow: UnitOfWork, session: EventSession, poll: Poll) -> PollTally:
    return await poll_tally(uow, session_public_id=session.public_id, poll_public_id=poll.public_id)


async def test_poll_tally_counts_each_choice_of_a_multiple_choice_poll(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    poll = await _poll(uow, session, PollType.MULTIPLE_CHOICE, ["Audit", "Tax", "Ethics"])
    await _vote_all(
        uow, poll, await _attendees(uow, event, 4), [{"choices": [c]} for c in (1, 1, 0, 1)]
    )

    assert await _tally(uow, session, poll) == PollTally(
        poll=poll.public_id, votes=4, counts=(1, 3, 0), visible=False
    )


async def test_poll_tally_counts_voters_and_every_chosen_answer_of_a_multiple_answer_poll(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    poll = await _poll(uow, session, PollType.MULTIPLE_ANSWER, ["A", "B", "C", "D"])
    await _vote_all(
        uow,
        poll,
        await _attendees(uow, event, 3),
        [{"choices": [0, 2]}, {"choices": [2, 0]}, {"choices": [3]}],
    )

    assert await _tally(uow, session, poll) == PollTally(
        poll=poll.public_id, votes=3, counts=(2, 0, 2, 1), visible=False
    )


async def test_poll_tally_counts_each_point_of_a_rating_poll_at_its_index(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    poll = await _poll(uow, session, PollType.RATING, scale=5)
    await _vote_all(
        uow, poll, await _attendees(uow, event, 4), [{"rating": r} for r in (5, 5, 1, 3)]
    )

    assert await _tally(uow, session, poll) == PollTally(
        poll=poll.public_id, votes=4, counts=(1, 0, 1, 0, 2), visible=False
    )


@pytest.mark.parametrize("poll_type", [PollType.WORD_CLOUD, PollType.OPEN_TEXT])
async def test_poll_tally_of_a_text_poll_counts_voters_only(
    uow: UnitOfWork, event: Event, session: EventSession, poll_type: PollType
) -> None:
    poll = await _poll(uow, session, poll_type)
    await _vote_all(
        uow, poll, await _attendees(uow, event, 2), [{"text": "ledger"}, {"text": "audit"}]
    )

    assert await _tally(uow, session, poll) == PollTally(
        poll=poll.public_id, votes=2, counts=(), visible=False
    )


async def test_poll_tally_of_a_poll_without_votes_is_zeros(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _poll(uow, session, PollType.MULTIPLE_CHOICE, ["A", "B"])

    assert await _tally(uow, session, poll) == PollTally(
        poll=poll.public_id, votes=0, counts=(0, 0), visible=False
    )


async def test_poll_tally_says_whether_the_results_are_visible(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _poll(uow, session, PollType.MULTIPLE_CHOICE, ["A", "B"])
    await set_poll_results_visible(uow, poll=poll, visible=True)

    tally = await _tally(uow, session, poll)

    assert (tally.visible, tally.message()) == (
        True,
        {
            "type": "poll.tally",
            "poll": poll.public_id,
            "votes": 0,
            "counts": [0, 0],
            "visible": True,
        },
    )


async def test_poll_tally_does_not_find_another_sessions_poll(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other = await make_session(uow, event, name="Other")
    poll = await _poll(uow, other, PollType.MULTIPLE_CHOICE, ["A", "B"])

    with pytest.raises(PollNotFound):
        await _tally(uow, session, poll)


@pytest.mark.parametrize("voters", [1, 50])
async def test_poll_tally_reads_with_two_queries_whatever_the_number_of_votes(
    uow: UnitOfWork, event: Event, session: EventSession, count_queries: Any, voters: int
) -> None:
    poll = await _poll(uow, session, PollType.MULTIPLE_ANSWER, ["A", "B", "C"])
    await _vote_all(
        uow,
        poll,
        await _attendees(uow, event, voters),
        [{"choices": [n % 3, (n + 1) % 3]} for n in range(voters)],
    )
    await uow.session.flush()

    with count_queries() as counter:
        tally = await _tally(uow, session, poll)

    assert (counter.count, tally.votes, sum(tally.counts)) == (2, voters, 2 * voters)
