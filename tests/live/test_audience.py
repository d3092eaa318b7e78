"""audience_polls and audience_questions: a session's live part as one attendee sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from podium.enums import PollType
from podium.kit.db import UnitOfWork
from podium.live.audience import LATEST_TEXTS, audience_polls, audience_questions
from podium.live.service import (
    approve_question,
    ask_question,
    cast_vote,
    close_poll,
    create_poll,
    dismiss_question,
    mark_question_answered,
    open_poll,
    pin_question,
    set_poll_results_visible,
    upvote_question,
)
from podium.models import Attendee, Event, EventSession, Poll
from tests.factories import make_attendee, make_session

T0 = dt.datetime(2026, 6, 1, 13, 30, tzinfo=dt.UTC)


async def _poll(
    uow: UnitOfWork,
    session: EventSession,
    name: str,
    kind: PollType,
    choices: Sequence[str] | None = None,
    *,
    opened: bool = True,
    shown: bool = False,
) -> Poll:
    poll = await create_poll(uow, session=session, name=name, type=kind, choices=choices)
    if opened:
        await open_poll(uow, poll=poll)
    if shown:
        await set_poll_results_visible(uow, poll=poll, visible=True)
    return poll


async def _voters(uow: UnitOfWork, event: Event, n: int, tag: str = "v") -> list[Attendee]:
    return [await make_attendee(uow, event, email=f"{tag}{i}@example.com") for i in range(n)]


async def test_audience_polls_are_open_ones_then_closed_ones_with_results_shown(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    closed_shown = await _poll(uow, session, "Closed, shown", PollType.OPEN_TEXT, shown=True)
    await close_poll(uow, poll=closed_shown)
    closed_hidden = await _poll(uow, session, "Closed, hidden", PollType.OPEN_TEXT)
    await close_poll(uow, poll=closed_hidden)
    await _poll(uow, session, "Draft", PollType.OPEN_TEXT, opened=False)
    first = await _poll(uow, session, "Open A", PollType.RATING)
    second = await _poll(uow, session, "Open B", PollType.WORD_CLOUD)

    polls = await audience_polls(uow, session=session, attendee=attendee)

    assert [p.poll.name for p in polls] == ["Open A", "Open B", "Closed, shown"]
    assert [p.poll.id for p in polls[:2]] == [first.id, second.id]


async def test_audience_polls_carry_the_attendees_own_vote(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    voted = await _poll(uow, session, "Voted", PollType.MULTIPLE_CHOICE, ["A", "B"])
    await _poll(uow, session, "Not voted", PollType.MULTIPLE_CHOICE, ["A", "B"])
    (other,) = await _voters(uow, event, 1)
    await cast_vote(uow, poll=voted, attendee=attendee, choices=[1])
    await cast_vote(uow, poll=voted, attendee=other, choices=[0])

    polls = await audience_polls(uow, session=session, attendee=attendee)

    assert [(p.my_vote.choices if p.my_vote else None) for p in polls] == [[1], None]


async def test_audience_polls_count_results_only_when_shown(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    hidden = await _poll(uow, session, "Hidden", PollType.MULTIPLE_CHOICE, ["A", "B"])
    shown = await _poll(
        uow, session, "Shown", PollType.MULTIPLE_ANSWER, ["A", "B", "C"], shown=True
    )
    for voter, picked in zip(await _voters(uow, event, 3), ([0, 2], [2], [1, 2]), strict=True):
        await cast_vote(uow, poll=hidden, attendee=voter, choices=[0])
        await cast_vote(uow, poll=shown, attendee=voter, choices=picked)

    polls = await audience_polls(uow, session=session, attendee=attendee)

    assert [(p.poll.name, p.votes, p.counts) for p in polls] == [
        ("Hidden", 0, ()),
        ("Shown", 3, (1, 1, 3)),
    ]


async def test_audience_polls_count_each_point_of_a_rating_scale(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    poll = await _poll(uow, session, "Rate", PollType.RATING, shown=True)
    for voter, rating in zip(await _voters(uow, event, 4), (5, 1, 5, 4), strict=True):
        await cast_vote(uow, poll=poll, attendee=voter, rating=rating)

    (shown,) = await audience_polls(uow, session=session, attendee=attendee)

    assert (shown.votes, shown.counts) == (4, (1, 0, 0, 1, 2))


async def test_audience_polls_count_words_whatever_their_case_most_frequent_first(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    poll = await _poll(uow, session, "A word", PollType.WORD_CLOUD, shown=True)
    words = ["calm", "Focus", "CALM", "calm", "focus", "Zeal"]
    for voter, word in zip(await _voters(uow, event, len(words)), words, strict=True):
        await cast_vote(uow, poll=poll, attendee=voter, text=word)

    (shown,) = await audience_polls(uow, session=session, attendee=attendee)

    assert (shown.votes, shown.words) == (6, (("calm", 3), ("Focus", 2), ("Zeal", 1)))


async def test_audience_polls_show_the_latest_open_text_answers_oldest_first(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    poll = await _poll(uow, session, "Comments", PollType.OPEN_TEXT, shown=True)
    total = LATEST_TEXTS + 2
    for n, voter in enumerate(await _voters(uow, event, total)):
        at = T0 + dt.timedelta(seconds=n)
        await cast_vote(uow, poll=poll, attendee=voter, text=f"answer {n}", at=at)

    (shown,) = await audience_polls(uow, session=session, attendee=attendee)

    assert shown.votes == total
    assert list(shown.texts) == [f"answer {n}" for n in range(2, total)]


async def test_audience_polls_run_as_many_queries_for_many_polls_and_votes_as_for_one(
    uow: UnitOfWork, event: Event, attendee: Attendee, count_queries: Any
) -> None:
    async def queries(n: int) -> int:
        session = await make_session(uow, event, name=f"S{n}")
        voters = await _voters(uow, event, n, tag=f"s{n}-")
        for i in range(n):
            for kind, choices in (
                (PollType.MULTIPLE_CHOICE, ["A", "B"]),
                (PollType.RATING, None),
                (PollType.WORD_CLOUD, None),
                (PollType.OPEN_TEXT, None),
            ):
                poll = await _poll(uow, session, f"{kind} {i}", kind, choices, shown=True)
                for voter in [attendee, *voters]:
                    answer: dict[str, Any] = {
                        PollType.MULTIPLE_CHOICE: {"choices": [i % 2]},
                        PollType.RATING: {"rating": 3},
                    }.get(kind, {"text": f"w{i}"})
                    await cast_vote(uow, poll=poll, attendee=voter, **answer)
        with count_queries() as counter:
            await audience_polls(uow, session=session, attendee=attendee)
        return counter.count

    assert await queries(1) == await queries(8)


async def test_audience_questions_show_approved_ones_in_order_and_only_ones_own_waiting(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    other, third = await _voters(uow, event, 2)

    async def asked(text: str, minute: int, by: Attendee = other, moderated: bool = False) -> Any:
        at = T0 + dt.timedelta(minutes=minute)
        return await ask_question(
            uow, session=session, attendee=by, text=text, at=at, moderated=moderated
        )

    await asked("Oldest", 0)
    popular = await asked("Popular", 1)
    pinned = await asked("Pinned", 2)
    answered = await asked("Answered", 3)
    await dismiss_question(uow, question=await asked("Dismissed", 4))
    await asked("Mine, waiting", 5, by=attendee, moderated=True)
    theirs = await asked("Theirs, waiting", 6, moderated=True)
    await upvote_question(uow, question=popular, attendee=attendee)
    await upvote_question(uow, question=popular, attendee=third)
    await upvote_question(uow, question=answered, attendee=third)
    await pin_question(uow, question=pinned)
    await mark_question_answered(uow, question=answered)

    seen = await audience_questions(uow, session=session, attendee=attendee)

    assert [q.text for q in seen.shown] == ["Pinned", "Popular", "Answered", "Oldest"]
    assert [q.text for q in seen.waiting] == ["Mine, waiting"]
    assert seen.upvoted == frozenset({popular.id})
    await approve_question(uow, question=theirs)
    again = await audience_questions(uow, session=session, attendee=attendee)
    assert [q.text for q in again.shown][-1] == "Theirs, waiting"


async def test_audience_questions_know_only_this_sessions_upvotes(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    other_session = await make_session(uow, event, name="Other")
    (asker,) = await _voters(uow, event, 1)
    here = await ask_question(uow, session=session, attendee=asker, text="Here?")
    there = await ask_question(uow, session=other_session, attendee=asker, text="There?")
    await upvote_question(uow, question=here, attendee=attendee)
    await upvote_question(uow, question=there, attendee=attendee)

    seen = await audience_questions(uow, session=session, attendee=attendee)

    assert ([q.text for q in seen.shown], seen.upvoted) == (["Here?"], frozenset({here.id}))
