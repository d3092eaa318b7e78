"""record_votes and PollsRead: votes that arrived together are written as record_vote one
after the other would write them (one statement for a burst's first votes on PostgreSQL), and
the polls sections that answer them read the voters' votes at once."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from podium.domain_events import VoteCast
from podium.enums import PollType
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.writer import Work
from podium.live.errors import AlreadyVoted
from podium.live.service import (
    Casting,
    PollsRead,
    cast_vote,
    close_poll,
    create_poll,
    open_poll,
    read_audience_polls,
    record_vote,
    record_votes,
)
from podium.live.types import PollFacts
from podium.models import Attendee, EventSession, Poll, Vote
from tests.factories import make_attendee, make_session


async def _poll(
    uow: UnitOfWork, session: EventSession, kind: PollType, choices: tuple[str, ...] | None
) -> Poll:
    made = await create_poll(uow, session=session, name=str(kind), type=kind, choices=choices)
    return await open_poll(uow, poll=made)


async def _world(uow: UnitOfWork, uri: str) -> tuple[dict[str, PollFacts], dict[str, Attendee]]:
    """Open polls "choice", "answers", "rating", "cloud", and "closed" (closed); attendees, of
    whom ``voted`` has voted in "choice" already."""
    event = await create_event(uow, uri=uri, name=uri, timezone="UTC")
    session = await make_session(uow, event)
    polls = {
        "choice": await _poll(uow, session, PollType.MULTIPLE_CHOICE, ("A", "B", "C")),
        "answers": await _poll(uow, session, PollType.MULTIPLE_ANSWER, ("A", "B", "C")),
        "rating": await _poll(uow, session, PollType.RATING, None),
        "cloud": await _poll(uow, session, PollType.WORD_CLOUD, None),
        "closed": await _poll(uow, session, PollType.MULTIPLE_CHOICE, ("A", "B")),
    }
    people = {
        name: await make_attendee(uow, event, email=f"{name}@example.com", first_name=name)
        for name in ("ann", "bob", "cat", "voted")
    }
    await cast_vote(uow, poll=polls["choice"], attendee=people["voted"], choices=[1], nonce="v1")
    await close_poll(uow, poll=polls["closed"])
    await uow.session.flush()
    facts = {
        name: PollFacts.of(poll, session_public_id=session.public_id, event_id=event.id)
        for name, poll in polls.items()
    }
    return facts, people


def _casting(polls: dict[str, PollFacts], people: dict[str, Attendee]) -> list[Casting]:
    def vote(poll: str, who: str, **answer: Any) -> Casting:
        answer.setdefault("nonce", f"{who}-{poll}")
        return Casting(poll=polls[poll], attendee_id=people[who].id, **answer)

    return [
        vote("choice", "ann", choices=[0]),
        vote("choice", "bob", choices=[2]),
        vote("answers", "ann", choices=[2, 0]),  # stored sorted
        vote("rating", "cat", rating=4),
        vote("cloud", "bob", text="  audit  "),  # trimmed
        vote("choice", "ann", choices=[0]),  # the run's own first vote again: a replay
        vote("choice", "voted", choices=[1], nonce="v1"),  # a replay: the first vote's id
    ]


async def _votes(uow: UnitOfWork, polls: dict[str, PollFacts]) -> list[tuple[Any, ...]]:
    names = {poll.id: name for name, poll in polls.items()}
    rows = await uow.session.execute(
        select(Vote, Attendee.email)
        .join(Attendee, Attendee.id == Vote.attendee_id)
        .where(Vote.poll_id.in_(names))
    )
    return sorted(
        (names[v.poll_id], email, v.choices, v.rating, v.text, v.nonce) for v, email in rows
    )


async def _write(
    uow: UnitOfWork, casting: list[Casting], *, together: bool
) -> tuple[list[int], list[list[object]]]:
    events: list[list[object]] = [[] for _vote in casting]

    def job(work: Work) -> list[int]:
        works = [Work(work.connection, events=mine) for mine in events]
        if together:
            return record_votes(works, casting)
        return [
            record_vote(mine, **vote._asdict()) for mine, vote in zip(works, casting, strict=True)
        ]

    return await uow.run(job), events


async def test_votes_written_together_are_those_written_one_after_the_other(
    uow: UnitOfWork,
) -> None:
    alone_polls, alone_people = await _world(uow, "alone")
    polls, people = await _world(uow, "together")

    alone_ids, alone_events = await _write(uow, _casting(alone_polls, alone_people), together=False)
    ids, events = await _write(uow, _casting(polls, people), together=True)

    def named(events: list[list[object]], people: dict[str, Attendee]) -> list[list[str]]:
        who = {person.id: name for name, person in people.items()}
        return [
            [
                f"{e.poll_public_id != ''}:{who[e.attendee_id]}"
                for e in job
                if isinstance(e, VoteCast)
            ]
            for job in events
        ]

    assert await _votes(uow, polls) == await _votes(uow, alone_polls)
    assert named(events, people) == named(alone_events, alone_people)
    assert ids[-2] == ids[0] and len(set(ids)) == len(ids) - 1 == len(set(alone_ids))
    first_vote = await uow.session.scalar(
        select(Vote.id).where(Vote.poll_id == polls["choice"].id, Vote.nonce == "v1")
    )
    assert ids[-1] == first_vote  # the replay
    stored = {row[0:2]: row[2:] for row in await _votes(uow, polls)}
    assert stored[("answers", "ann@example.com")][0] == [0, 2]
    assert stored[("cloud", "bob@example.com")][2] == "audit"


@pytest.mark.parametrize(
    ("poll", "answer", "error"),
    [
        ("choice", {"choices": [7]}, InvalidInput),
        ("closed", {"choices": [0]}, Exception),  # PollNotOpen
        ("choice", {"choices": [0]}, AlreadyVoted),  # "voted" again, with a new nonce
    ],
)
async def test_a_vote_refused_alone_is_refused_in_a_run(
    uow: UnitOfWork, poll: str, answer: dict[str, Any], error: type[Exception]
) -> None:
    polls, people = await _world(uow, "refusals")
    casting = [
        Casting(poll=polls["rating"], attendee_id=people["ann"].id, rating=3),
        Casting(poll=polls[poll], attendee_id=people["voted"].id, nonce="new", **answer),
    ]

    with pytest.raises(error):
        await _write(uow, casting, together=True)


async def test_first_votes_of_a_burst_are_a_few_statements_whatever_their_number(
    uow: UnitOfWork, count_queries: Any
) -> None:
    event = await create_event(uow, uri="burst", name="Burst", timezone="UTC")
    session = await make_session(uow, event)
    poll = await _poll(uow, session, PollType.MULTIPLE_CHOICE, ("Yes", "No"))
    crowd = [await make_attendee(uow, event, email=f"v{n}@example.com") for n in range(30)]
    await uow.session.flush()
    facts = PollFacts.of(poll, session_public_id=session.public_id, event_id=event.id)
    casting = [Casting(poll=facts, attendee_id=a.id, choices=[n % 2]) for n, a in enumerate(crowd)]

    with count_queries() as counter:
        ids, events = await _write(uow, casting, together=True)

    postgresql = uow.session.bind is not None and uow.session.bind.dialect.name == "postgresql"
    # PostgreSQL: one INSERT … SELECT FROM unnest; SQLite: the largest id, the votes
    # (executemany), the new ones
    assert counter.count == (1 if postgresql else 3)
    assert len(set(ids)) == 30 and [len(job) for job in events] == [1] * 30
    order = await uow.session.scalars(select(Vote.attendee_id).order_by(Vote.id))
    assert list(order) == [a.id for a in crowd]  # in the order they arrived


async def test_polls_read_together_are_those_read_one_by_one(
    db: Database, uow: UnitOfWork, count_queries: Any
) -> None:
    polls, people = await _world(uow, "sections")
    await _write(uow, _casting(polls, people)[:4], together=False)
    await uow.commit()
    session_id = polls["choice"].session_id
    reads = [PollsRead(session_id, person.id) for person in people.values()]

    def alone(work: Work) -> list[Any]:
        return [
            read_audience_polls(work, session_id=session_id, attendee_id=person.id)
            for person in people.values()
        ]

    one_by_one = await db.read(alone)
    with count_queries() as counter:
        together = await asyncio.gather(*(db.read(read) for read in reads))

    def seen(sections: list[Any]) -> list[list[tuple[Any, ...]]]:
        return [
            [(p.poll.id, p.my_vote.id if p.my_vote else None, p.votes, p.counts) for p in polls]
            for polls in sections
        ]

    assert seen(together) == seen(one_by_one)
    assert sum(1 for polls in together for p in polls if p.my_vote) == 5
    session_part = sum(1 for statement in counter.statements if "attendee_id" not in statement)
    # the voters' own votes: one statement for all of them
    assert counter.count - session_part == 1
