"""Attendance records, credit awards and adjustments written straight to the tables, as the
credit ledger would leave them: the data the exports read."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, false, insert, literal, select, true

from podium.kit.db import UnitOfWork
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    CreditAdjustment,
    CreditAward,
    Event,
    EventSession,
    FieldOfStudy,
)
from podium.models.base import DecimalAmount
from tests.factories import make_session


async def fields_of(uow: UnitOfWork, session: EventSession) -> dict[str, FieldOfStudy]:
    """The session's fields of study by name."""
    fields = await uow.session.scalars(
        select(FieldOfStudy).where(FieldOfStudy.session_id == session.id)
    )
    return {field.name: field for field in fields}


async def add_record(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    history: tuple[tuple[str, datetime, str | None], ...] = (),
) -> Checkin:
    """An attendance record with ``history`` entries of (action, at, source)."""
    checkin = Checkin(session_id=session.id, attendee_id=attendee.id, checked_in=bool(history))
    uow.session.add(checkin)
    await uow.session.flush()
    for action, at, source in history:
        uow.session.add(
            CheckinHistoryEntry(checkin_id=checkin.id, action=action, at=at, source=source)
        )
    await uow.session.flush()
    return checkin


def award(
    checkin: Checkin,
    field: FieldOfStudy,
    *,
    credits: str = "1",
    possible: str = "1",
    outcome: str = "awarded",
    reasons: list[dict[str, Any]] | None = None,
    **columns: Any,
) -> dict[str, Any]:
    """A credit_awards row for ``checkin`` in ``field``; ``columns`` override the rest."""
    return {
        "checkin_id": checkin.id,
        "field_of_study_id": field.id,
        "attendee_id": checkin.attendee_id,
        "session_id": checkin.session_id,
        "credits": Decimal(credits),
        "possible": Decimal(possible),
        "outcome": outcome,
        "seconds_attended": 3000,
        "seconds_required": 3000,
        "codewords_valid": 0,
        "codewords_required": 0,
        "codewords_possible": 0,
        "evaluation_required": False,
        "evaluation_submitted": False,
        "reasons": reasons or [],
        **columns,
    }


async def add_awards(uow: UnitOfWork, rows: list[dict[str, Any]]) -> None:
    """Insert credit_awards rows in one executemany."""
    await uow.session.execute(insert(CreditAward), rows)


async def adjust(
    uow: UnitOfWork,
    checkin: Checkin,
    field: FieldOfStudy,
    credits: str,
    *,
    reason: str | None = None,
    adjusted_by: str | None = None,
) -> None:
    uow.session.add(
        CreditAdjustment(
            checkin_id=checkin.id,
            field_of_study_id=field.id,
            credits=Decimal(credits),
            reason=reason,
            adjusted_by=adjusted_by,
        )
    )
    await uow.session.flush()


async def add_many_awards(uow: UnitOfWork, event: Event, *, attendees: int, sessions: int) -> None:
    """An attendance record and an award in one field of study for every attendee in every
    session: ``attendees`` times ``sessions`` rows, made by the database (INSERT … SELECT)
    because 100,000 rows through executemany take longer than the export under test."""
    for n in range(sessions):
        await make_session(
            uow, event, name=f"Session {n:03}", fields_of_study={"Accounting": ("1.5", [])}
        )
    await uow.session.execute(
        insert(Attendee),
        [
            {
                "event_id": event.id,
                "first_name": f"Firstname{n}",
                "last_name": f"Lastname{n:06}",
                "email": f"attendee{n}@example.com",
                "external_id": f"EXT-{n:06}",
            }
            for n in range(attendees)
        ],
    )
    await uow.session.execute(
        insert(Checkin).from_select(
            ["session_id", "attendee_id", "checked_in"],
            select(EventSession.id, Attendee.id, true())
            .join(Attendee, Attendee.event_id == EventSession.event_id)
            .where(EventSession.event_id == event.id),
        )
    )
    reasons = [{"code": "short", "text": "Left 12 minutes before the end of the session."}]
    await uow.session.execute(
        insert(CreditAward).from_select(
            [
                "checkin_id",
                "field_of_study_id",
                "attendee_id",
                "session_id",
                "credits",
                "possible",
                "outcome",
                "seconds_attended",
                "seconds_required",
                "codewords_valid",
                "codewords_required",
                "codewords_possible",
                "evaluation_required",
                "evaluation_submitted",
                "reasons",
            ],
            select(
                Checkin.id,
                FieldOfStudy.id,
                Checkin.attendee_id,
                Checkin.session_id,
                literal(Decimal("1.2"), DecimalAmount()),
                literal(Decimal("1.5"), DecimalAmount()),
                literal("partial"),
                literal(2280),
                literal(3000),
                literal(0),
                literal(0),
                literal(0),
                false(),
                false(),
                literal(reasons, JSON()),
            ).join(FieldOfStudy, FieldOfStudy.session_id == Checkin.session_id),
        )
    )
