"""Queries of what a session's audience sees (see ``audience.py``): counts grouped in the
database, so that no query grows with the number of votes it summarises."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import String, and_, cast, func, or_, select

from podium.enums import PollState, QuestionState
from podium.kit.db import UnitOfWork
from podium.models import Poll, Question, QuestionUpvote, Vote


async def list_audience_polls(uow: UnitOfWork, *, session_id: int) -> list[Poll]:
    """The session's open polls and its closed polls whose results are shown, by rank."""
    return list(
        await uow.session.scalars(
            select(Poll)
            .where(
                Poll.session_id == session_id,
                or_(
                    Poll.state == PollState.OPEN.value,
                    and_(Poll.state == PollState.CLOSED.value, Poll.show_results.is_(True)),
                ),
            )
            .order_by(Poll.rank, Poll.created_at, Poll.id)
            .execution_options(populate_existing=True)
        )
    )


async def list_attendee_votes(
    uow: UnitOfWork, *, poll_ids: Collection[int], attendee_id: int
) -> list[Vote]:
    return list(
        await uow.session.scalars(
            select(Vote).where(Vote.poll_id.in_(poll_ids), Vote.attendee_id == attendee_id)
        )
    )


async def count_votes(uow: UnitOfWork, *, poll_ids: Collection[int]) -> dict[int, int]:
    """poll id -> number of votes."""
    rows = await uow.session.execute(
        select(Vote.poll_id, func.count()).where(Vote.poll_id.in_(poll_ids)).group_by(Vote.poll_id)
    )
    return {poll_id: count for poll_id, count in rows}


async def count_choices(
    uow: UnitOfWork, *, poll_ids: Collection[int]
) -> list[tuple[int, str | None, int]]:
    """(poll id, the stored list of choice indexes as JSON text, votes) per distinct list (as
    text: PostgreSQL cannot group json values)."""
    as_text = cast(Vote.choices, String)
    rows = await uow.session.execute(
        select(Vote.poll_id, as_text, func.count())
        .where(Vote.poll_id.in_(poll_ids))
        .group_by(Vote.poll_id, as_text)
    )
    return [(poll_id, text, count) for poll_id, text, count in rows]


async def count_ratings(
    uow: UnitOfWork, *, poll_ids: Collection[int]
) -> list[tuple[int, int | None, int]]:
    """(poll id, rating, votes) per distinct rating."""
    rows = await uow.session.execute(
        select(Vote.poll_id, Vote.rating, func.count())
        .where(Vote.poll_id.in_(poll_ids))
        .group_by(Vote.poll_id, Vote.rating)
    )
    return [(poll_id, rating, count) for poll_id, rating, count in rows]


async def count_texts(
    uow: UnitOfWork, *, poll_ids: Collection[int]
) -> list[tuple[int, str | None, int]]:
    """(poll id, text, votes) per distinct text."""
    rows = await uow.session.execute(
        select(Vote.poll_id, Vote.text, func.count())
        .where(Vote.poll_id.in_(poll_ids))
        .group_by(Vote.poll_id, Vote.text)
    )
    return [(poll_id, text, count) for poll_id, text, count in rows]


async def latest_texts(
    uow: UnitOfWork, *, poll_ids: Collection[int], per_poll: int
) -> list[tuple[int, str | None]]:
    """(poll id, text) of the latest ``per_poll`` answers of each poll, oldest first."""
    newest_first = (
        func.row_number()
        .over(partition_by=Vote.poll_id, order_by=(Vote.cast_at.desc(), Vote.id.desc()))
        .label("newest")
    )
    latest = (
        select(Vote.poll_id, Vote.text, Vote.cast_at, Vote.id, newest_first)
        .where(Vote.poll_id.in_(poll_ids))
        .subquery()
    )
    rows = await uow.session.execute(
        select(latest.c.poll_id, latest.c.text)
        .where(latest.c.newest <= per_poll)
        .order_by(latest.c.poll_id, latest.c.cast_at, latest.c.id)
    )
    return [(poll_id, text) for poll_id, text in rows]


async def list_audience_questions(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> list[Question]:
    """The session's approved questions — pinned first, then most upvoted, then oldest — and
    after them the attendee's own questions waiting for a moderator, oldest first."""
    waiting = and_(
        Question.state == QuestionState.PENDING.value, Question.attendee_id == attendee_id
    )
    return list(
        await uow.session.scalars(
            select(Question)
            .where(
                Question.session_id == session_id,
                or_(Question.state == QuestionState.APPROVED.value, waiting),
            )
            .order_by(
                Question.state != QuestionState.APPROVED.value,
                Question.pinned.desc(),
                Question.upvote_count.desc(),
                Question.created_at,
                Question.id,
            )
            .execution_options(populate_existing=True)
        )
    )


async def list_upvoted_question_ids(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> list[int]:
    """The ids of the session's questions the attendee upvoted."""
    return list(
        await uow.session.scalars(
            select(QuestionUpvote.question_id)
            .join(Question, Question.id == QuestionUpvote.question_id)
            .where(Question.session_id == session_id, QuestionUpvote.attendee_id == attendee_id)
        )
    )
