"""Queries of what a session's audience sees (see ``audience.py``): tallies read from the counts
the database keeps (``PollCount``), so that no query of a choice or rating poll grows with
the number of votes it summarises."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import BindParameter, and_, bindparam, func, or_, select

from podium.enums import PollState, QuestionState
from podium.kit.sets import among
from podium.kit.writer import Work
from podium.live.types import CastVote
from podium.models import Poll, PollCount, Question, QuestionUpvote, Vote

# built once, for every read of a session's polls (``Work`` jobs: the page's unit of work and
# ``Database.read`` run them)
_POLL_IDS: BindParameter[list[int]] = bindparam("poll_ids", expanding=True)
_AUDIENCE_POLLS = (
    select(*Poll.__table__.c)
    .where(
        Poll.session_id == bindparam("session_id"),
        or_(
            Poll.state == PollState.OPEN.value,
            and_(Poll.state == PollState.CLOSED.value, Poll.show_results.is_(True)),
        ),
    )
    .order_by(Poll.rank, Poll.created_at, Poll.id)
)
# what a voter's page shows of their votes (CastVote)
_CAST = (Vote.id, Vote.poll_id, Vote.attendee_id, Vote.choices, Vote.rating, Vote.text)
_ATTENDEE_VOTES = select(*_CAST).where(
    Vote.poll_id.in_(_POLL_IDS), Vote.attendee_id == bindparam("attendee_id")
)
# the same for several attendees, by dialect (``kit.sets``)
_ATTENDEES_VOTES = {
    dialect: select(*_CAST).where(Vote.poll_id.in_(_POLL_IDS), where)
    for dialect, where in among(Vote.attendee_id, "attendee_ids").items()
}
# a poll's counts of every answer, kept by the database as votes are written (PollCount)
_POLL_COUNTS = select(PollCount.poll_id, PollCount.answer, PollCount.votes).where(
    PollCount.poll_id.in_(_POLL_IDS)
)
_COUNT_TEXTS = (
    select(Vote.poll_id, Vote.text, func.count())
    .where(Vote.poll_id.in_(_POLL_IDS))
    .group_by(Vote.poll_id, Vote.text)
)
# each distinct text with its count and when it was first given (its earliest vote)
_COUNT_TEXTS_FIRST = (
    select(Vote.poll_id, Vote.text, func.count(), func.min(Vote.cast_at), func.min(Vote.id))
    .where(Vote.poll_id.in_(_POLL_IDS))
    .group_by(Vote.poll_id, Vote.text)
)
_NEWEST_FIRST = (
    func.row_number()
    .over(partition_by=Vote.poll_id, order_by=(Vote.cast_at.desc(), Vote.id.desc()))
    .label("newest")
)
_LATEST = (
    select(Vote.poll_id, Vote.text, Vote.cast_at, Vote.id, _NEWEST_FIRST)
    .where(Vote.poll_id.in_(_POLL_IDS))
    .subquery()
)
_LATEST_TEXTS = (
    select(_LATEST.c.poll_id, _LATEST.c.text)
    .where(_LATEST.c.newest <= bindparam("per_poll"))
    .order_by(_LATEST.c.poll_id, _LATEST.c.cast_at, _LATEST.c.id)
)


def list_audience_polls(work: Work, *, session_id: int) -> list[Poll]:
    """The session's open polls and its closed polls whose results are shown, by rank (read
    with Core; the polls are not attached to any ORM session)."""
    rows = work.connection.execute(_AUDIENCE_POLLS, {"session_id": session_id})
    return [Poll(**row._mapping) for row in rows]


def list_attendee_votes(
    work: Work, *, poll_ids: Collection[int], attendee_id: int
) -> list[CastVote]:
    rows = work.connection.execute(
        _ATTENDEE_VOTES, {"poll_ids": list(poll_ids), "attendee_id": attendee_id}
    )
    return [CastVote._make(row) for row in rows]


def list_attendees_votes(
    work: Work, *, poll_ids: Collection[int], attendee_ids: Collection[int]
) -> list[CastVote]:
    """:func:`list_attendee_votes` of several attendees, in one statement."""
    rows = work.connection.execute(
        _ATTENDEES_VOTES[work.dialect],
        {"poll_ids": list(poll_ids), "attendee_ids": list(attendee_ids)},
    )
    return [CastVote._make(row) for row in rows]


def list_poll_counts(work: Work, *, poll_ids: Collection[int]) -> list[tuple[int, int, int]]:
    """(poll id, answer, votes) of the polls' answers given (``PollCount``)."""
    rows = work.connection.execute(_POLL_COUNTS, {"poll_ids": list(poll_ids)})
    return [(poll_id, answer, votes) for poll_id, answer, votes in rows]


def count_texts(work: Work, *, poll_ids: Collection[int]) -> list[tuple[int, str | None, int]]:
    """(poll id, text, votes) per distinct text."""
    rows = work.connection.execute(_COUNT_TEXTS, {"poll_ids": list(poll_ids)})
    return [(poll_id, text, count) for poll_id, text, count in rows]


def count_texts_first(
    work: Work, *, poll_ids: Collection[int]
) -> list[tuple[int, str | None, int, datetime, int]]:
    """(poll id, text, votes, the first vote's time, the first vote's id) per distinct text."""
    rows = work.connection.execute(_COUNT_TEXTS_FIRST, {"poll_ids": list(poll_ids)})
    return [(poll_id, text, count, at, first) for poll_id, text, count, at, first in rows]


def latest_texts(
    work: Work, *, poll_ids: Collection[int], per_poll: int
) -> list[tuple[int, str | None]]:
    """(poll id, text) of the latest ``per_poll`` answers of each poll, oldest first."""
    rows = work.connection.execute(
        _LATEST_TEXTS, {"poll_ids": list(poll_ids), "per_poll": per_poll}
    )
    return [(poll_id, text) for poll_id, text in rows]


_SHOWN_QUESTIONS = (
    select(*Question.__table__.c)
    .where(
        Question.session_id == bindparam("session_id"),
        Question.state == QuestionState.APPROVED.value,
    )
    .order_by(
        Question.pinned.desc(), Question.upvote_count.desc(), Question.created_at, Question.id
    )
    .limit(bindparam("limit"))
)
_WAITING_QUESTIONS = (
    select(*Question.__table__.c)
    .where(
        Question.session_id == bindparam("session_id"),
        Question.state == QuestionState.PENDING.value,
        Question.attendee_id == bindparam("attendee_id"),
    )
    .order_by(
        Question.pinned.desc(), Question.upvote_count.desc(), Question.created_at, Question.id
    )
)
_UPVOTED = (
    select(QuestionUpvote.question_id)
    .join(Question, Question.id == QuestionUpvote.question_id)
    .where(
        Question.session_id == bindparam("session_id"),
        QuestionUpvote.attendee_id == bindparam("attendee_id"),
    )
)


def list_shown_questions(work: Work, *, session_id: int, limit: int) -> list[Question]:
    """The session's first ``limit`` approved questions: pinned first, then most upvoted, then
    oldest (read with Core; the questions are not attached to any ORM session)."""
    rows = work.connection.execute(_SHOWN_QUESTIONS, {"session_id": session_id, "limit": limit})
    return [Question(**row._mapping) for row in rows]


def list_waiting_questions(work: Work, *, session_id: int, attendee_id: int) -> list[Question]:
    """The attendee's own questions of the session waiting for a moderator, oldest first."""
    rows = work.connection.execute(
        _WAITING_QUESTIONS, {"session_id": session_id, "attendee_id": attendee_id}
    )
    return [Question(**row._mapping) for row in rows]


def list_upvoted_question_ids(work: Work, *, session_id: int, attendee_id: int) -> list[int]:
    """The ids of the session's questions the attendee upvoted."""
    rows = work.connection.execute(_UPVOTED, {"session_id": session_id, "attendee_id": attendee_id})
    return [question_id for (question_id,) in rows]
