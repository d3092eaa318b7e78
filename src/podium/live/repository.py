"""Queries of live interaction. Polls and questions are found through their session, so another
event's poll or question is never found."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, bindparam, exists, func, insert, select, text, update
from sqlalchemy.orm import joinedload

from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.live.types import PollFacts, VisitedPoll
from podium.models import Attendee, Event, EventSession, Poll, Question, QuestionUpvote, Vote
from podium.people.repository import (
    insert_each_once_for_an_attendee,
    insert_once_for_an_attendee,
)


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


class FirstVote(NamedTuple):
    """A first vote for :func:`insert_first_votes`: the poll (of ``event_id``), the attendee,
    the answer's columns (``choices`` as JSON text), the nonce and when."""

    event_id: int
    poll_id: int
    attendee_id: int
    choices: str | None
    rating: int | None
    text: str | None
    nonce: str | None
    cast_at: datetime


# PostgreSQL: a run of first votes in one statement, whatever its size (an array per column:
# the same statement, prepared once), inserted in the order given
_INSERT_FIRST_VOTES = text(
    f"""
WITH given AS (
    SELECT * FROM unnest(
        CAST(:event_ids AS integer[]), CAST(:poll_ids AS integer[]),
        CAST(:attendee_ids AS integer[]), CAST(:choices AS text[]), CAST(:ratings AS integer[]),
        CAST(:texts AS text[]), CAST(:nonces AS text[]), CAST(:cast_ats AS timestamptz[])
    ) WITH ORDINALITY
    AS given(event_id, poll_id, attendee_id, choices, rating, text, nonce, cast_at, position)
)
INSERT INTO {_VOTES.name} ({", ".join(VOTE_COLUMNS)})
SELECT given.poll_id, given.attendee_id, CAST(given.choices AS json), given.rating, given.text,
    given.nonce, given.cast_at
FROM given JOIN {cast(Table, Attendee.__table__).name} AS attendee
    ON attendee.id = given.attendee_id AND attendee.event_id = given.event_id
ORDER BY given.position
ON CONFLICT (poll_id, attendee_id) DO NOTHING
RETURNING id, poll_id, attendee_id
"""
)


_LARGEST_VOTE_ID = select(func.max(_VOTES.c.id))
_INSERT_EACH_VOTE_IF_ABSENT = insert_each_once_for_an_attendee(
    _VOTES, VOTE_COLUMNS, unique=[_VOTES.c.poll_id, _VOTES.c.attendee_id]
)
_VOTES_AFTER = (
    select(_VOTES.c.id, _VOTES.c.poll_id, _VOTES.c.attendee_id)
    .where(_VOTES.c.id > bindparam("after"))
    .order_by(_VOTES.c.id)
)


def insert_first_votes(work: Work, *, votes: Sequence[FirstVote]) -> dict[tuple[int, int], int]:
    """:func:`insert_vote_if_absent` for each of ``votes`` (each of its own poll and
    attendee): the id of each vote made, by (poll id, attendee id). PostgreSQL: one statement.
    SQLite: the votes in one executemany, then which are new (the ids after the largest before
    it: the transaction is the database's only writer)."""
    if work.dialect == "sqlite":
        after = work.connection.execute(_LARGEST_VOTE_ID).scalar() or 0
        work.connection.execute(
            _INSERT_EACH_VOTE_IF_ABSENT,
            [
                {
                    "event_id": vote.event_id,
                    "poll_id": vote.poll_id,
                    "attendee_id": vote.attendee_id,
                    "choices": json.loads(vote.choices) if vote.choices is not None else None,
                    "rating": vote.rating,
                    "text": vote.text,
                    "nonce": vote.nonce,
                    "cast_at": vote.cast_at,
                }
                for vote in votes
            ],
        )
        rows = work.connection.execute(_VOTES_AFTER, {"after": after})
        return {(poll_id, attendee_id): vote_id for vote_id, poll_id, attendee_id in rows}
    rows = work.connection.execute(
        _INSERT_FIRST_VOTES,
        {
            "event_ids": [vote.event_id for vote in votes],
            "poll_ids": [vote.poll_id for vote in votes],
            "attendee_ids": [vote.attendee_id for vote in votes],
            "choices": [vote.choices for vote in votes],
            "ratings": [vote.rating for vote in votes],
            "texts": [vote.text for vote in votes],
            "nonces": [vote.nonce for vote in votes],
            "cast_ats": [vote.cast_at for vote in votes],
        },
    )
    return {(poll_id, attendee_id): vote_id for vote_id, poll_id, attendee_id in rows}


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
