"""Queries of live interaction. Polls and questions are found through their session, so another
event's poll or question is never found."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import Table, bindparam, exists, func, insert, select, update
from sqlalchemy.orm import joinedload

from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.live.types import PollFacts, VisitedPoll
from podium.models import Attendee, Event, EventSession, Poll, Question, QuestionUpvote, Vote
from podium.people.repository import insert_once_for_an_attendee


async def find_poll(uow: UnitOfWork, *, session: EventSession, public_id: str) -> Poll | None:
    return await uow.session.scalar(
        select(Poll).where(Poll.session_id == session.id, Poll.public_id == public_id)
    )


async def find_question(
    uow: UnitOfWork, *, session: EventSession, public_id: str
) -> Question | None:
    return await uow.session.scalar(
        select(Question).where(Question.session_id == session.id, Question.public_id == public_id)
    )


async def next_poll_rank(uow: UnitOfWork, *, session: EventSession) -> int:
    highest = await uow.session.scalar(
        select(func.max(Poll.rank)).where(Poll.session_id == session.id)
    )
    return (highest or 0) + 1


# --- for group-commit jobs (synchronous, on the job's connection) --------------------------

# plain Core on the tables (see attendance/repository.py): built once, compiled once
_POLLS, _VOTES = cast(Table, Poll.__table__), cast(Table, Vote.__table__)
_SESSIONS, _EVENTS = EventSession.__table__, Event.__table__

_VOTE_NONCE = select(_VOTES.c.id, _VOTES.c.nonce).where(
    _VOTES.c.poll_id == bindparam("poll_id"), _VOTES.c.attendee_id == bindparam("attendee_id")
)
# the columns a vote is inserted with
VOTE_COLUMNS = ("poll_id", "attendee_id", "choices", "rating", "text", "nonce", "cast_at")
_INSERT_VOTE_IF_ABSENT = insert_once_for_an_attendee(
    _VOTES, VOTE_COLUMNS, unique=[_VOTES.c.poll_id, _VOTES.c.attendee_id]
)
_VISITED_POLL = (
    select(
        _POLLS.c.id,
        _POLLS.c.public_id,
        _POLLS.c.session_id,
        _SESSIONS.c.public_id,
        _EVENTS.c.id,
        _POLLS.c.type,
        _POLLS.c.choices,
        _POLLS.c.state,
        _EVENTS.c.app_password,
    )
    .join(_SESSIONS, _SESSIONS.c.id == _POLLS.c.session_id)
    .join(_EVENTS, _EVENTS.c.id == _SESSIONS.c.event_id)
    .where(
        _EVENTS.c.id == bindparam("event_id"),
        _EVENTS.c.uri == bindparam("event_uri"),
        _SESSIONS.c.public_id == bindparam("session_public_id"),
        _POLLS.c.public_id == bindparam("poll_public_id"),
    )
)


def visited_poll(
    work: Work, *, event_id: int, event_uri: str, session_public_id: str, poll_public_id: str
) -> VisitedPoll | None:
    """The poll at the page address ``/e/<event_uri>/s/<session_public_id>/polls/<poll>`` of
    the event ``event_id``; None unless the event, the session and the poll are all there. For
    group-commit jobs: one statement, made once per batch (kept in ``work.shared``)."""
    key = ("visited_poll", event_id, event_uri, session_public_id, poll_public_id)
    if key in work.shared:
        found: VisitedPoll | None = work.shared[key]
        return found
    row = work.connection.execute(
        _VISITED_POLL,
        {
            "event_id": event_id,
            "event_uri": event_uri,
            "session_public_id": session_public_id,
            "poll_public_id": poll_public_id,
        },
    ).one_or_none()
    found = None
    if row is not None:
        poll_id, public_id, session_id, session, event, poll_type, choices, state, password = row
        facts = PollFacts(
            poll_id, public_id, session_id, session, event, poll_type, list(choices), state
        )
        found = VisitedPoll(facts, password)
    work.shared[key] = found
    return found


_QUESTIONS = cast(Table, Question.__table__)
_QUESTION_COLUMNS = (
    "session_id",
    "public_id",
    "attendee_id",
    "text",
    "state",
    "answered",
    "pinned",
    "upvote_count",
    "created_at",
)
_INSERT_QUESTION = (
    insert(_QUESTIONS)
    .values({name: bindparam(name, type_=_QUESTIONS.c[name].type) for name in _QUESTION_COLUMNS})
    .returning(_QUESTIONS.c.id)
)


def insert_question(work: Work, *, values: dict[str, Any]) -> int:
    """INSERT the question ``values`` describe (every column but the id); its id. One
    statement."""
    return int(work.connection.execute(_INSERT_QUESTION, values).scalar_one())


def vote_nonce(work: Work, *, poll_id: int, attendee_id: int) -> tuple[int, str | None] | None:
    """The attendee's vote in the poll, if any: its id and nonce."""
    row = work.connection.execute(
        _VOTE_NONCE, {"poll_id": poll_id, "attendee_id": attendee_id}
    ).one_or_none()
    return (row.id, row.nonce) if row is not None else None


def insert_vote_if_absent(work: Work, *, event_id: int, values: dict[str, Any]) -> int | None:
    """INSERT the vote ``values`` describe (the columns of ``VOTE_COLUMNS``) unless the
    attendee has voted in the poll or is not an attendee of the event ``event_id``: its id, or
    None. One statement."""
    statement = _INSERT_VOTE_IF_ABSENT[work.dialect]
    found = work.connection.execute(statement, {**values, "event_id": event_id})
    vote_id = found.scalar_one_or_none()
    return int(vote_id) if vote_id is not None else None


async def has_upvoted(uow: UnitOfWork, *, question: Question, attendee: Attendee) -> bool:
    found = await uow.session.scalar(
        select(
            exists().where(
                QuestionUpvote.question_id == question.id,
                QuestionUpvote.attendee_id == attendee.id,
            )
        )
    )
    return bool(found)


async def upvote_count(uow: UnitOfWork, *, question: Question) -> int:
    count = await uow.session.scalar(
        select(Question.upvote_count).where(Question.id == question.id)
    )
    return int(count or 0)


async def increment_upvotes(uow: UnitOfWork, *, question: Question) -> int:
    """Add one to the question's count in the database (not read-modify-write: concurrent
    upvotes each count) and return the new count."""
    count = await uow.session.scalar(
        update(Question)
        .where(Question.id == question.id)
        .values(upvote_count=Question.upvote_count + 1)
        .returning(Question.upvote_count)
        .execution_options(synchronize_session=False)
    )
    return int(count or 0)


async def list_polls(uow: UnitOfWork, *, session: EventSession) -> list[Poll]:
    return list(
        await uow.session.scalars(
            select(Poll)
            .where(Poll.session_id == session.id)
            .order_by(Poll.rank, Poll.created_at, Poll.id)
        )
    )


async def lock_polls(uow: UnitOfWork, *, session_id: int) -> list[Poll]:
    """The session's polls in their order, locked for this transaction (PostgreSQL; SQLite
    writers are serialised anyway) and re-read even if they are in the identity map."""
    return list(
        await uow.session.scalars(
            select(Poll)
            .where(Poll.session_id == session_id)
            .order_by(Poll.rank, Poll.created_at, Poll.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


async def list_session_votes(uow: UnitOfWork, *, session: EventSession) -> list[Vote]:
    """Every vote in every poll of the session, oldest first."""
    return list(
        await uow.session.scalars(
            select(Vote)
            .join(Poll, Poll.id == Vote.poll_id)
            .where(Poll.session_id == session.id)
            .order_by(Vote.cast_at, Vote.id)
        )
    )


async def list_questions(uow: UnitOfWork, *, session: EventSession) -> list[Question]:
    """The session's questions oldest first, each with its asker loaded."""
    return list(
        await uow.session.scalars(
            select(Question)
            .where(Question.session_id == session.id)
            .options(joinedload(Question.attendee))
            .order_by(Question.created_at, Question.id)
        )
    )
