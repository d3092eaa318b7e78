from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from podium.enums import PollType
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind, InvalidInput
from podium.live.errors import AlreadyVoted, PollNotOpen
from podium.live.service import cast_vote, close_poll, create_poll, open_poll
from podium.models import Attendee, Event, EventSession, Poll, Vote
from podium.people.errors import AttendeeNotFound
from tests.factories import make_attendee
from tests.live.conftest import RecordingBroker


async def _open_poll(
    uow: UnitOfWork,
    session: EventSession,
    poll_type: PollType = PollType.MULTIPLE_CHOICE,
    choices: Sequence[str] | None = ("Audit", "Tax", "Ethics"),
) -> Poll:
    poll = await create_poll(
        uow, session=session, name="Which topic next?", type=poll_type, choices=choices
    )
    return await open_poll(uow, poll=poll)


async def _vote_count(uow: UnitOfWork, poll: Poll) -> int:
    return int(await uow.session.scalar(select(func.count()).where(Vote.poll_id == poll.id)) or 0)


async def test_cast_vote_records_a_choice(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)

    vote = await cast_vote(uow, poll=poll, attendee=attendee, choices=[1], nonce="n-1")

    assert (vote.poll_id, vote.attendee_id, vote.choices, vote.nonce) == (
        poll.id,
        attendee.id,
        [1],
        "n-1",
    )
    assert (vote.rating, vote.text) == (None, None)
    assert await _vote_count(uow, poll) == 1


async def test_cast_vote_rejects_a_draft_poll(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await create_poll(
        uow, session=session, name="Q", type=PollType.MULTIPLE_CHOICE, choices=["A", "B"]
    )

    with pytest.raises(PollNotOpen) as caught:
        await cast_vote(uow, poll=poll, attendee=attendee, choices=[0])

    assert caught.value.kind == ErrorKind.CONFLICT
    assert caught.value.message == "This poll is not open for votes."


async def test_cast_vote_rejects_a_closed_poll(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await close_poll(uow, poll=await _open_poll(uow, session))

    with pytest.raises(PollNotOpen):
        await cast_vote(uow, poll=poll, attendee=attendee, choices=[0])

    assert await _vote_count(uow, poll) == 0


async def test_cast_vote_rejects_a_second_vote(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    first = await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    with pytest.raises(AlreadyVoted) as caught:
        await cast_vote(uow, poll=poll, attendee=attendee, choices=[2], nonce="n-2")

    assert (caught.value.kind, caught.value.message) == (
        ErrorKind.CONFLICT,
        "You have already voted in this poll.",
    )
    assert first.choices == [0]
    assert await _vote_count(uow, poll) == 1


async def test_cast_vote_rejects_a_second_vote_without_nonces(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    await cast_vote(uow, poll=poll, attendee=attendee, choices=[0])

    with pytest.raises(AlreadyVoted):
        await cast_vote(uow, poll=poll, attendee=attendee, choices=[0])


async def test_cast_vote_replay_with_the_same_nonce_returns_the_first_vote(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    first = await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    replay = await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    assert replay is first
    assert await _vote_count(uow, poll) == 1


async def test_cast_vote_replay_succeeds_after_the_poll_closed(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    first = await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")
    await close_poll(uow, poll=poll)

    assert await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1") is first


async def test_cast_vote_one_nonce_per_attendee(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    other = await make_attendee(uow, event, email="other@example.com")
    await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="same")

    theirs = await cast_vote(uow, poll=poll, attendee=other, choices=[1], nonce="same")

    assert (theirs.attendee_id, theirs.choices) == (other.id, [1])
    assert await _vote_count(uow, poll) == 2


async def test_votes_are_unique_per_attendee_and_poll_in_the_database(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    uow.session.add(Vote(poll_id=poll.id, attendee_id=attendee.id, choices=[0]))
    await uow.session.flush()

    uow.session.add(Vote(poll_id=poll.id, attendee_id=attendee.id, choices=[1]))
    with pytest.raises(IntegrityError):
        await uow.session.flush()


async def test_cast_vote_repeated_while_open_finds_the_vote_its_insert_met(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, count_queries: Any
) -> None:
    poll = await _open_poll(uow, session)
    first = await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    with count_queries() as counter:
        replay = await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    # the path of a vote that lost a race to a concurrent one: its INSERT did nothing, and
    # the vote it met answers it (tests/live/test_concurrency.py races real transactions)
    assert [statement.split()[0].upper() for statement in counter.statements] == [
        "INSERT",
        "SELECT",
        "SELECT",  # cast_vote reads the vote back
    ]
    assert replay.id == first.id
    assert await _vote_count(uow, poll) == 1


async def test_cast_vote_second_vote_while_open_is_a_conflict_and_writes_nothing(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session)
    await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    with pytest.raises(AlreadyVoted):
        await cast_vote(uow, poll=poll, attendee=attendee, choices=[1], nonce="n-2")

    assert await _vote_count(uow, poll) == 1


async def test_cast_vote_by_an_attendee_of_another_event_is_refused(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _open_poll(uow, session)
    elsewhere = await create_event(uow, uri="elsewhere", name="Elsewhere")
    stranger = await make_attendee(uow, elsewhere, email="stranger@example.com")

    with pytest.raises(AttendeeNotFound):
        await cast_vote(uow, poll=poll, attendee=stranger, choices=[0])

    assert await _vote_count(uow, poll) == 0


async def test_cast_vote_multiple_answer_stores_sorted_distinct_indexes(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session, PollType.MULTIPLE_ANSWER)

    vote = await cast_vote(uow, poll=poll, attendee=attendee, choices=[2, 0])

    assert vote.choices == [0, 2]


async def test_cast_vote_rating_within_the_scale(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    poll = await _open_poll(uow, session, PollType.RATING, None)

    vote = await cast_vote(uow, poll=poll, attendee=attendee, rating=5)

    assert (vote.rating, vote.choices, vote.text) == (5, None, None)


@pytest.mark.parametrize("poll_type", [PollType.WORD_CLOUD, PollType.OPEN_TEXT])
async def test_cast_vote_text_is_trimmed(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, poll_type: PollType
) -> None:
    poll = await _open_poll(uow, session, poll_type, None)

    vote = await cast_vote(uow, poll=poll, attendee=attendee, text="  ledgers \n")

    assert vote.text == "ledgers"


@pytest.mark.parametrize(
    ("poll_type", "vote", "field"),
    [
        (PollType.MULTIPLE_CHOICE, {}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": []}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": [0, 1]}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": [3]}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": [-1]}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": ["0"]}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": [True]}, "choices"),
        (PollType.MULTIPLE_CHOICE, {"choices": [0], "rating": 3}, "rating"),
        (PollType.MULTIPLE_CHOICE, {"choices": [0], "nonce": "n" * 65}, "nonce"),
        (PollType.MULTIPLE_ANSWER, {"choices": []}, "choices"),
        (PollType.MULTIPLE_ANSWER, {"choices": [1, 1]}, "choices"),
        (PollType.MULTIPLE_ANSWER, {"choices": [0, 3]}, "choices"),
        (PollType.MULTIPLE_ANSWER, {"choices": [0], "text": "x"}, "text"),
        (PollType.RATING, {}, "rating"),
        (PollType.RATING, {"rating": 0}, "rating"),
        (PollType.RATING, {"rating": 6}, "rating"),
        (PollType.RATING, {"rating": 4, "choices": [3]}, "choices"),
        (PollType.WORD_CLOUD, {"text": "   "}, "text"),
        (PollType.WORD_CLOUD, {"text": "x" * 101}, "text"),
        (PollType.WORD_CLOUD, {"text": "ok", "choices": [0]}, "choices"),
        (PollType.OPEN_TEXT, {}, "text"),
        (PollType.OPEN_TEXT, {"text": "x" * 1001}, "text"),
    ],
)
async def test_cast_vote_rejects_an_invalid_vote_naming_the_field(
    uow: UnitOfWork,
    session: EventSession,
    attendee: Attendee,
    poll_type: PollType,
    vote: dict[str, object],
    field: str,
) -> None:
    choices = ("Audit", "Tax", "Ethics") if poll_type.value.startswith("multiple") else None
    poll = await _open_poll(uow, session, poll_type, choices)

    with pytest.raises(InvalidInput) as caught:
        await cast_vote(uow, poll=poll, attendee=attendee, **vote)  # type: ignore[arg-type]

    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")
    assert await _vote_count(uow, poll) == 0


async def test_cast_vote_accepts_the_longest_texts(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    cloud = await _open_poll(uow, session, PollType.WORD_CLOUD, None)
    text = await _open_poll(uow, session, PollType.OPEN_TEXT, None)

    a = await cast_vote(uow, poll=cloud, attendee=attendee, text="x" * 100)
    b = await cast_vote(uow, poll=text, attendee=attendee, text="y" * 1000)

    assert (len(a.text or ""), len(b.text or "")) == (100, 1000)


async def test_cast_vote_broadcasts_poll_voted_once(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, broker: RecordingBroker
) -> None:
    poll = await _open_poll(uow, session)
    await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")
    await cast_vote(uow, poll=poll, attendee=attendee, choices=[0], nonce="n-1")

    await uow.commit()

    votes = [message for _, message in broker.published if message["type"] == "poll.voted"]
    assert votes == [{"type": "poll.voted", "poll": poll.public_id}]
