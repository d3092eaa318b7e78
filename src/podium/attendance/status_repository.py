"""Queries of one attendee's status in one session (see ``status.py``). Callers pass a session
already scoped to their event and an attendee of that event."""

from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import Row, or_, select
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from podium.enums import AttendanceSource
from podium.kit.db import UnitOfWork
from podium.models import (
    Checkin,
    EvaluationQuestion,
    EvaluationResponse,
    EventSession,
    FieldOfStudy,
)

OtherRecord = Row[bool, datetime | None, str, str, date | None, time | None, time | None]


async def find_checkin_with_details(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> Checkin | None:
    """The attendee's record with its history, codeword submissions and credit adjustments
    (re-read, so that a write earlier in the transaction shows). Four queries at most."""
    return await uow.session.scalar(
        select(Checkin)
        .where(Checkin.session_id == session_id, Checkin.attendee_id == attendee_id)
        .options(
            selectinload(Checkin.history),
            selectinload(Checkin.codeword_submissions),
            selectinload(Checkin.credit_adjustments),
        )
        .execution_options(populate_existing=True)
    )


async def list_fields_of_study(uow: UnitOfWork, *, session_id: int) -> list[FieldOfStudy]:
    """The session's fields of study in order, with their codewords; two queries."""
    return list(
        await uow.session.scalars(
            select(FieldOfStudy)
            .where(FieldOfStudy.session_id == session_id)
            .options(selectinload(FieldOfStudy.codewords))
            .order_by(FieldOfStudy.position, FieldOfStudy.id)
            .execution_options(populate_existing=True)
        )
    )


async def list_evaluation_responses(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> list[EvaluationResponse]:
    """The attendee's evaluation answers for the session in the form's order, each with its
    question and presenter; one query."""
    return list(
        await uow.session.scalars(
            select(EvaluationResponse)
            .join(EvaluationResponse.question)
            .where(
                EvaluationResponse.session_id == session_id,
                EvaluationResponse.attendee_id == attendee_id,
            )
            .options(
                contains_eager(EvaluationResponse.question),
                joinedload(EvaluationResponse.presenter),
            )
            .order_by(EvaluationQuestion.position, EvaluationQuestion.id, EvaluationResponse.id)
            .execution_options(populate_existing=True)
        )
    )


async def list_other_records(
    uow: UnitOfWork, *, session_id: int, attendee_id: int
) -> list[OtherRecord]:
    """The attendee's records of other sessions that are checked in, or were last checked out
    by a check-in elsewhere: (checked_in, checkout_time, public id, name, date, start and end
    time of the session), in schedule order. One query (the attendee's records of one event)."""
    rows = await uow.session.execute(
        select(
            Checkin.checked_in,
            Checkin.checkout_time,
            EventSession.public_id,
            EventSession.name,
            EventSession.date,
            EventSession.start_time,
            EventSession.end_time,
        )
        .join(EventSession, EventSession.id == Checkin.session_id)
        .where(
            Checkin.attendee_id == attendee_id,
            Checkin.session_id != session_id,
            or_(
                Checkin.checked_in.is_(True),
                Checkin.checkout_source == str(AttendanceSource.OTHER_SESSION),
            ),
        )
        .order_by(EventSession.date, EventSession.start_time, EventSession.name, EventSession.id)
    )
    return list(rows.all())
