"""Use cases of attendance — the one module callers import.

Check-in and check-out live in ``checkin.py`` (the one write of a check-out, and the
check-outs Podium makes itself, in ``leaving.py``), codewords in ``codewords.py``, the
session-wide report, preloading and removal in ``roster.py``; credit adjustments and notes are
here. What happened is emitted as domain events (``podium.domain_events``); nothing here calls
the credit recompute or the broker.
"""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.exc import IntegrityError

from podium.attendance import repository
from podium.attendance._checks import field_of_study_named
from podium.attendance.checkin import (
    Arriving,
    perform_checkin,
    perform_checkout,
    record_checkin,
    record_checkins,
    record_checkout,
)
from podium.attendance.codewords import submit_codeword, tally_codewords
from podium.attendance.errors import CheckinNotFound
from podium.attendance.leaving import check_out_ended_sessions
from podium.attendance.lookup import search_preloaded as search_preloaded
from podium.attendance.presence import count_checked_in as count_checked_in
from podium.attendance.roster import (
    attendance_revisions,
    attendance_version,
    clear_attendance,
    list_attendance,
    preload_attendees,
    remove_checkins,
    total_time_attended,
)
from podium.attendance.section import AttendanceSection as AttendanceSection
from podium.attendance.section import SectionRead as SectionRead
from podium.attendance.section import attendance_section as attendance_section
from podium.attendance.status import AttendeeSessionStatus as AttendeeSessionStatus
from podium.attendance.status import attendee_session_status as attendee_session_status
from podium.attendance.status import read_attendee_status as read_attendee_status
from podium.credits.service import audit_adjustment, computed_credits
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import (
    Attendee,
    Checkin,
    CreditAdjustment,
    EventSession,
    FieldOfStudy,
)

__all__ = [
    "Arriving",
    "AttendanceSection",
    "AttendeeSessionStatus",
    "adjust_credits",
    "attendance_revisions",
    "attendance_section",
    "attendance_version",
    "attendee_session_status",
    "check_out_ended_sessions",
    "clear_attendance",
    "count_checked_in",
    "get_checkin",
    "list_attendance",
    "perform_checkin",
    "perform_checkout",
    "preload_attendees",
    "read_attendee_status",
    "record_checkin",
    "record_checkins",
    "record_checkout",
    "remove_checkins",
    "remove_credit_adjustment",
    "search_preloaded",
    "set_admin_note",
    "set_attendee_note",
    "submit_codeword",
    "tally_codewords",
    "total_time_attended",
]

# DecimalAmount is NUMERIC(12, 4): eight digits before the point, four after
_CREDITS_LIMIT = Decimal("100000000")
_CREDITS_PLACES = 4
_ATTEMPTS = 2


async def get_checkin(uow: UnitOfWork, *, session: EventSession, attendee: Attendee) -> Checkin:
    """The attendee's record for the session; CheckinNotFound when they have none."""
    record = await repository.find_checkin(uow, session_id=session.id, attendee_id=attendee.id)
    if record is None:
        raise CheckinNotFound("This attendee has no check-in record for this session.")
    return record


async def adjust_credits(
    uow: UnitOfWork,
    *,
    checkin: Checkin,
    field_of_study_name: str,
    credits: Decimal,
    reason: str | None = None,
    adjusted_by: str | None = None,
) -> CreditAdjustment:
    """Award ``credits`` by hand for one field of study of the record's session (admin).

    Creates the record's adjustment for that field or replaces it (credits, reason, who,
    when); from then on the record shows these credits for the field instead of the computed
    ones, which stay beside them (``credit_awards``). Adds a credit audit log entry with the
    computed, the previous and the new credits, who and why. InvalidInput for an unknown
    field of study or credits that are negative, not a number, or finer than 0.0001. Flushes.
    """
    _check_credits(credits)
    field = await field_of_study_named(uow, session_id=checkin.session_id, name=field_of_study_name)
    reason = reason.strip() if reason and reason.strip() else None
    adjusted_by = adjusted_by.strip()[:255] if adjusted_by and adjusted_by.strip() else None
    for attempt in range(_ATTEMPTS):
        adjustment = await repository.find_credit_adjustment(
            uow, checkin_id=checkin.id, field_of_study_id=field.id
        )
        previous = adjustment.credits if adjustment is not None else None
        try:
            async with uow.session.begin_nested():
                if adjustment is None:
                    adjustment = CreditAdjustment(checkin_id=checkin.id, field_of_study_id=field.id)
                    uow.session.add(adjustment)
                adjustment.credits = credits
                adjustment.reason = reason
                adjustment.adjusted_by = adjusted_by
                adjustment.adjusted_at = utcnow()
        except IntegrityError:
            if attempt + 1 == _ATTEMPTS:
                raise
            continue
        await _audit(
            uow, checkin, field, previous=previous, new=credits, reason=reason, actor=adjusted_by
        )
        return adjustment
    raise AssertionError("unreachable")  # pragma: no cover


async def remove_credit_adjustment(
    uow: UnitOfWork,
    *,
    checkin: Checkin,
    field_of_study_name: str,
    reason: str | None = None,
    removed_by: str | None = None,
) -> bool:
    """Remove an administrator's credits for one field of study of the record: the computed
    credits count again. Adds a credit audit log entry (who, why, the credits removed).
    False when there was no adjustment (nothing written). InvalidInput for an unknown field
    of study. Flushes."""
    field = await field_of_study_named(uow, session_id=checkin.session_id, name=field_of_study_name)
    adjustment = await repository.find_credit_adjustment(
        uow, checkin_id=checkin.id, field_of_study_id=field.id
    )
    if adjustment is None:
        return False
    previous = adjustment.credits
    await uow.session.delete(adjustment)
    await uow.session.flush()
    await _audit(uow, checkin, field, previous=previous, new=None, reason=reason, actor=removed_by)
    return True


async def _audit(
    uow: UnitOfWork,
    checkin: Checkin,
    field: FieldOfStudy,
    *,
    previous: Decimal | None,
    new: Decimal | None,
    reason: str | None,
    actor: str | None,
) -> None:
    session = await uow.session.get(EventSession, checkin.session_id)
    attendee = await uow.session.get(Attendee, checkin.attendee_id)
    assert session is not None and attendee is not None  # a record's own rows
    computed = await computed_credits(uow, checkin_id=checkin.id, field_of_study_id=field.id)
    name = " ".join(p for p in (attendee.first_name, attendee.last_name) if p)
    audit_adjustment(
        uow,
        event_id=session.event_id,
        checkin_id=checkin.id,
        session=session,
        attendee=f"{name} <{attendee.email}>" if attendee.email else name,
        field_of_study=field.name,
        computed=computed,
        previous=previous,
        new=new,
        reason=reason,
        actor=actor,
    )
    await uow.session.flush()


async def set_attendee_note(uow: UnitOfWork, *, checkin: Checkin, note: str | None) -> Checkin:
    """Set the attendee's own note on their record; blank or None removes it. Flushes."""
    checkin.attendee_note = note.strip() if note and note.strip() else None
    await uow.session.flush()
    return checkin


async def set_admin_note(uow: UnitOfWork, *, checkin: Checkin, note: str | None) -> Checkin:
    """Set the administrators' note on a record; blank or None removes it. Flushes."""
    checkin.admin_note = note.strip() if note and note.strip() else None
    await uow.session.flush()
    return checkin


def _check_credits(credits: Decimal) -> None:
    if not credits.is_finite() or credits < 0 or credits >= _CREDITS_LIMIT:
        raise InvalidInput(
            f'credits: "{credits}" is not a number of credits; use a value from 0 to 99999999',
            field="credits",
        )
    exponent = credits.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -_CREDITS_PLACES:
        raise InvalidInput(
            f'credits: "{credits}" has more than {_CREDITS_PLACES} decimal places',
            field="credits",
        )
