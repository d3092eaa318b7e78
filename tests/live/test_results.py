"""session_results: what the moderator page and the screen show of a session's polls, read in
a fixed number of statements however many votes there are, equal to what the votes say."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from podium.enums import PollType
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.live.service import (
    cast_vote,
    create_poll,
    open_poll,
    session_live_data,
    session_results,
)
from podium.models import Attendee, Event, EventSession, Poll
from tests.factories import make_attendee, make_session

START = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


async def _poll(uow: UnitOfWork, session: EventSession, kind: PollType, **made: Any) -> Poll:
    return await open_poll(uow, poll=await create_poll(uow, session=session, type=kind, **made))


async def _people(uow: UnitOfWork, session: EventSession, count: int) -> list[Attendee]:
    event = await uow.session.get_one(Event, session.event_id)
    return [
        await make_attendee(uow, event, email=f"r{event.id}-{n}@example.com") for n in range(count)
    ]


async def _session(uow: UnitOfWork, uri: str) -> EventSession:
    event = await create_event(uow, uri=uri, name=uri, timezone="UTC")
    return await make_session(uow, event)


async def test_results_are_what_the_votes_say(uow: UnitOfWork) -> None:
    session = await _session(uow, "results")
    choice = await _poll(uow, session, PollType.MULTIPLE_CHOICE, name="Pick", choices=["A", "B"])
    answers = await _poll(uow, session, PollType.MULTIPLE_ANSWER, name="All", choices=["A", "B"])
    rating = await _poll(uow, session, PollType.RATING, name="Rate", scale=5)
    cloud = await _poll(uow, session, PollType.WORD_CLOUD, name="Word")
    texts = await _poll(uow, session, PollType.OPEN_TEXT, name="Say")
    draft = await create_poll(uow, session=session, name="Later", type=PollType.OPEN_TEXT)
    people = await _people(uow, session, 6)
    words = ["audit", "Tax", "AUDIT", "tax", "ethics", "Audit"]
    for n, person in enumerate(people):
        at = START + timedelta(minutes=n)
        await cast_vote(uow, poll=choice, attendee=person, choices=[n % 2], at=at)
        await cast_vote(uow, poll=answers, attendee=person, choices=[0, 1] if n < 2 else [1], at=at)
        await cast_vote(uow, poll=rating, attendee=person, rating=1 + n % 4, at=at)
        await cast_vote(uow, poll=cloud, attendee=person, text=words[n], at=at)
        await cast_vote(uow, poll=texts, attendee=person, text=f"answer {n}", at=at)

    found = {
        result.poll.id: result
        for result in await session_results(uow, session=session, texts_kept=4)
    }

    assert list(found) == [choice.id, answers.id, rating.id, cloud.id, texts.id, draft.id]
    assert (found[choice.id].votes, found[choice.id].counts) == (6, (3, 3))
    assert (found[answers.id].votes, found[answers.id].counts) == (6, (2, 6))
    assert (found[rating.id].votes, found[rating.id].counts) == (6, (2, 2, 1, 1, 0))
    # case-insensitive, spelled as first given, most given first; Tax before ethics (more)
    assert found[cloud.id].words == (("audit", 3), ("Tax", 2), ("ethics", 1))
    assert found[texts.id].texts == ("answer 5", "answer 4", "answer 3", "answer 2")
    assert found[texts.id].votes == 6
    assert (found[draft.id].votes, found[draft.id].texts) == (0, ())
    # the same as counting every vote (what an export reads)
    every = {item.poll.id: item for item in (await session_live_data(uow, session=session)).polls}
    assert all(found[poll_id].votes == len(item.answers) for poll_id, item in every.items())


async def test_a_tie_shows_the_word_given_first(uow: UnitOfWork) -> None:
    session = await _session(uow, "ties")
    cloud = await _poll(uow, session, PollType.WORD_CLOUD, name="Word")
    people = await _people(uow, session, 4)
    for n, (person, word) in enumerate(
        zip(people, ["zeta", "alpha", "Zeta", "ALPHA"], strict=True)
    ):
        await cast_vote(
            uow, poll=cloud, attendee=person, text=word, at=START + timedelta(minutes=n)
        )

    (result,) = await session_results(uow, session=session, texts_kept=10)

    assert result.words == (("zeta", 2), ("alpha", 2))


async def test_the_results_read_does_not_grow_with_the_votes(
    uow: UnitOfWork, count_queries: Any
) -> None:
    statements = []
    for size in (2, 40):
        session = await _session(uow, f"grow{size}")
        polls = [
            await _poll(uow, session, PollType.MULTIPLE_CHOICE, name="Pick", choices=["A", "B"]),
            await _poll(uow, session, PollType.WORD_CLOUD, name="Word"),
            await _poll(uow, session, PollType.OPEN_TEXT, name="Say"),
        ]
        for n, person in enumerate(await _people(uow, session, size)):
            await cast_vote(uow, poll=polls[0], attendee=person, choices=[n % 2])
            await cast_vote(uow, poll=polls[1], attendee=person, text=f"w{n % 3}")
            await cast_vote(uow, poll=polls[2], attendee=person, text=f"t{n}")
        await uow.session.flush()
        with count_queries() as counter:
            results = await session_results(uow, session=session, texts_kept=5)
        statements.append(counter.count)
        assert results[0].votes == size and len(results[2].texts) == min(size, 5)
    assert statements[0] == statements[1] == 4  # polls, counts, words, newest texts
