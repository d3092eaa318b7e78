"""Two transactions at once, for real: on PostgreSQL the second one's insert waits on the unique
index and then fails; on SQLite the second transaction waits for the first to commit."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

import pytest
from sqlalchemy import func, select

from podium.enums import PollType
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.live.errors import AlreadyVoted
from podium.live.service import ask_question, cast_vote, create_poll, open_poll, upvote_question
from podium.models import Attendee, Poll, Question, Vote
from tests.factories import make_attendee, make_session

T = TypeVar("T")


@dataclass
class Room:
    poll_id: int
    question_id: int
    attendee_ids: list[int]


@pytest.fixture
async def room(db: Database) -> Room:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="example", name="Example Event")
        session = await make_session(uow, event)
        attendees = [await make_attendee(uow, event, email=f"a{n}@example.com") for n in range(2)]
        poll = await create_poll(
            uow, session=session, name="Q", type=PollType.MULTIPLE_CHOICE, choices=["A", "B"]
        )
        await open_poll(uow, poll=poll)
        question = await ask_question(uow, session=session, attendee=None, text="Why?")
    return Room(poll.id, question.id, [attendee.id for attendee in attendees])


async def _race(
    db: Database,
    first: Callable[[UnitOfWork], Awaitable[T]],
    second: Callable[[UnitOfWork], Awaitable[T]],
) -> tuple[T, asyncio.Task[T]]:
    """Run ``first`` and leave it uncommitted while ``second`` starts, then commit ``first``
    and let ``second`` finish (and commit, if it succeeds)."""
    one, two = db.unit_of_work(), db.unit_of_work()

    async def run_second() -> T:
        async with two:
            return await second(two)

    try:
        result = await first(one)
        task = asyncio.create_task(run_second())
        await asyncio.sleep(0.3)  # the second transaction is now waiting on the first
        await one.commit()
    finally:
        await one.close()
    await asyncio.wait([task])
    return result, task


async def _vote(uow: UnitOfWork, room: Room, *, choice: int, nonce: str) -> Vote:
    poll = await uow.session.get_one(Poll, room.poll_id)
    attendee = await uow.session.get_one(Attendee, room.attendee_ids[0])
    return await cast_vote(uow, poll=poll, attendee=attendee, choices=[choice], nonce=nonce)


async def test_concurrent_votes_by_one_attendee_keep_the_first(db: Database, room: Room) -> None:
    _, second = await _race(
        db,
        lambda uow: _vote(uow, room, choice=0, nonce="n-1"),
        lambda uow: _vote(uow, room, choice=1, nonce="n-2"),
    )

    assert isinstance(second.exception(), AlreadyVoted)
    async with db.unit_of_work() as uow:
        assert list(await uow.session.scalars(select(Vote.choices))) == [[0]]


async def test_concurrent_replays_of_one_vote_return_the_first(db: Database, room: Room) -> None:
    first, second = await _race(
        db,
        lambda uow: _vote(uow, room, choice=0, nonce="n-1"),
        lambda uow: _vote(uow, room, choice=0, nonce="n-1"),
    )

    assert second.result().id == first.id
    async with db.unit_of_work() as uow:
        assert await uow.session.scalar(select(func.count()).select_from(Vote)) == 1


async def _upvote(uow: UnitOfWork, room: Room, attendee: int) -> int:
    question = await uow.session.get_one(Question, room.question_id)
    voter = await uow.session.get_one(Attendee, room.attendee_ids[attendee])
    return await upvote_question(uow, question=question, attendee=voter)


async def test_concurrent_upvotes_by_two_attendees_both_count(db: Database, room: Room) -> None:
    first, second = await _race(
        db, lambda uow: _upvote(uow, room, 0), lambda uow: _upvote(uow, room, 1)
    )

    assert (first, second.result()) == (1, 2)
    async with db.unit_of_work() as uow:
        assert await uow.session.scalar(select(Question.upvote_count)) == 2


async def test_concurrent_upvotes_by_one_attendee_count_once(db: Database, room: Room) -> None:
    first, second = await _race(
        db, lambda uow: _upvote(uow, room, 0), lambda uow: _upvote(uow, room, 0)
    )

    assert (first, second.result()) == (1, 1)
    async with db.unit_of_work() as uow:
        assert await uow.session.scalar(select(Question.upvote_count)) == 1
