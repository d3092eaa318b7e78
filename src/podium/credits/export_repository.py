"""The queries of the organizer's exports: one statement per report, read in chunks.

Every statement is scoped by the event (through the session's ``event_id``), returns plain
columns rather than ORM objects (nothing lands in the session's identity map however many rows
pass), and is streamed with ``yield_per`` so that only one chunk of rows is held at a time, on
SQLite (aiosqlite's server-side cursor) as on PostgreSQL (an asyncpg cursor).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

from sqlalchemy import Row, Select, and_, func, select

from podium.kit.db import UnitOfWork
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    CreditAdjustment,
    CreditAward,
    EventSession,
    FieldOfStudy,
)

# rows fetched from the database at a time: large enough that a 100,000-row export makes about
# a hundred round trips, small enough that a chunk is a few hundred kilobytes
CHUNK_SIZE = 1000

_ATTENDEE_COLUMNS = (
    Attendee.id.label("attendee_id"),
    Attendee.last_name,
    Attendee.first_name,
    Attendee.email,
    Attendee.external_id,
)
# the attendance list's order of people (lookup.py): by name, then id so that namesakes stay
# apart; lower() so that "de Vries" sorts among the D's on both databases
_ATTENDEE_ORDER = (
    func.lower(Attendee.last_name),
    func.lower(Attendee.first_name),
    Attendee.id,
)
# the schedule's order (program.repository._schedule_order): undated and untimed sessions last
_SCHEDULE_ORDER = (
    EventSession.date.is_(None),
    EventSession.date,
    EventSession.start_time.is_(None),
    EventSession.start_time,
    func.lower(EventSession.name),
    EventSession.id,
)
_FIELD_ORDER = (FieldOfStudy.position, FieldOfStudy.id)

_ADJUSTMENT_JOIN = and_(
    CreditAdjustment.checkin_id == CreditAward.checkin_id,
    CreditAdjustment.field_of_study_id == CreditAward.field_of_study_id,
)


def credit_award_rows(event_id: int) -> Select[*tuple[Any, ...]]:
    """Every computed award of the event's attendance records with its adjustment (if any),
    by attendee, then schedule, then the session's order of its fields of study."""
    return (
        select(
            *_ATTENDEE_COLUMNS,
            EventSession.public_id.label("session_public_id"),
            EventSession.name.label("session_name"),
            EventSession.date,
            EventSession.start_time,
            EventSession.end_time,
            FieldOfStudy.name.label("field_of_study"),
            CreditAward.possible,
            CreditAward.credits.label("computed"),
            CreditAdjustment.credits.label("adjusted"),
            CreditAward.outcome,
            CreditAward.seconds_attended,
            CreditAward.codewords_valid,
            CreditAward.codewords_required,
            CreditAward.evaluation_required,
            CreditAward.evaluation_submitted,
            CreditAdjustment.adjusted_by,
            CreditAdjustment.reason.label("adjustment_reason"),
            CreditAward.reasons,
        )
        .join(EventSession, EventSession.id == CreditAward.session_id)
        .join(Attendee, Attendee.id == CreditAward.attendee_id)
        .join(FieldOfStudy, FieldOfStudy.id == CreditAward.field_of_study_id)
        .outerjoin(CreditAdjustment, _ADJUSTMENT_JOIN)
        .where(EventSession.event_id == event_id)
        .order_by(*_ATTENDEE_ORDER, *_SCHEDULE_ORDER, *_FIELD_ORDER)
    )


def credit_total_rows(event_id: int) -> Select[*tuple[Any, ...]]:
    """The credits of every award of the event, with its field of study's name key and its
    adjustment, grouped by attendee (all of one attendee's rows together, attendees in order)."""
    return (
        select(
            *_ATTENDEE_COLUMNS,
            FieldOfStudy.name_key,
            CreditAward.credits.label("computed"),
            CreditAdjustment.credits.label("adjusted"),
        )
        .join(EventSession, EventSession.id == CreditAward.session_id)
        .join(Attendee, Attendee.id == CreditAward.attendee_id)
        .join(FieldOfStudy, FieldOfStudy.id == CreditAward.field_of_study_id)
        .outerjoin(CreditAdjustment, _ADJUSTMENT_JOIN)
        .where(EventSession.event_id == event_id)
        .order_by(*_ATTENDEE_ORDER)
    )


def attendance_history_rows(event_id: int) -> Select[*tuple[Any, ...]]:
    """Every check-in and check-out of the event's attendance records, oldest first."""
    return (
        select(
            *_ATTENDEE_COLUMNS,
            EventSession.public_id.label("session_public_id"),
            EventSession.name.label("session_name"),
            CheckinHistoryEntry.action,
            CheckinHistoryEntry.at,
            CheckinHistoryEntry.source,
        )
        .join(Checkin, Checkin.id == CheckinHistoryEntry.checkin_id)
        .join(EventSession, EventSession.id == Checkin.session_id)
        .join(Attendee, Attendee.id == Checkin.attendee_id)
        .where(EventSession.event_id == event_id)
        .order_by(CheckinHistoryEntry.at, CheckinHistoryEntry.id)
    )


async def field_names_in_schedule_order(uow: UnitOfWork, *, event_id: int) -> list[tuple[str, str]]:
    """``(name_key, name)`` of every field of study of the event's sessions, in schedule
    order (one row per session and field: as many as the program has, not the attendance)."""
    result = await uow.session.execute(
        select(FieldOfStudy.name_key, FieldOfStudy.name)
        .join(EventSession, EventSession.id == FieldOfStudy.session_id)
        .where(EventSession.event_id == event_id)
        .order_by(*_SCHEDULE_ORDER, *_FIELD_ORDER)
    )
    return [(row.name_key, row.name) for row in result]


@asynccontextmanager
async def streamed(
    uow: UnitOfWork, statement: Select[*tuple[Any, ...]], *, chunk_size: int = CHUNK_SIZE
) -> AsyncIterator[AsyncIterator[Sequence[Row[*tuple[Any, ...]]]]]:
    """The rows of ``statement`` in lists of at most ``chunk_size``; the cursor is closed
    when the block ends, also when its reader stops early.

    A list at a time rather than a row at a time: each step of an async result crosses into
    the database driver's greenlet, which for 100,000 rows took longer than the query.
    """
    # Core, not the ORM's result machinery: plain rows, nothing for the identity map
    connection = await uow.session.connection()
    result = await connection.stream(statement.execution_options(yield_per=chunk_size))
    try:
        yield result.partitions()
    finally:
        await result.close()
