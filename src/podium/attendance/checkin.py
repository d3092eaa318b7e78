"""Checking in and out of a session, with the session's codes, re-check-in, and nonces."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any, NamedTuple

from sqlalchemy import update

from podium.attendance import repository
from podium.attendance._checks import check_same_event, clean_nonce, instant
from podium.attendance.errors import (
    AlreadyCheckedIn,
    EvaluationRequired,
    NonceReused,
    NotCheckedIn,
    WrongCheckinCode,
    WrongCheckoutCode,
)
from podium.attendance.leaving import (
    Leaving,
    check_out_records,
    checked_in_elsewhere,
    leave_overlapping,
    leave_overlapping_sessions,
)
from podium.attendance.repository import FirstCheckin
from podium.credits.rules import session_rules
from podium.credits.types import EvaluationRule
from podium.domain_events import CheckedIn
from podium.enums import AttendanceSource, CheckinAction, DeliveryFormat
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import PodiumError
from podium.kit.writer import Work
from podium.models import Attendee, Checkin, EventSession
from podium.people.errors import AttendeeNotFound
from podium.program.types import SessionFacts

# a unique constraint can fail once when a concurrent request made the same row first
_ATTEMPTS = 2


async def perform_checkin(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    code: str | None = None,
    source: AttendanceSource,
    delivery_format: DeliveryFormat | None = None,
    nonce: str | None = None,
    at: datetime | None = None,
) -> Checkin:
    """Check ``attendee`` in to ``session`` in this unit of work (:func:`record_checkin`) and
    return their record, re-read."""
    check_same_event(session, attendee)
    checkin_id = await uow.run(
        partial(
            record_checkin,
            session=SessionFacts.of(session),
            attendee_id=attendee.id,
            code=code,
            source=source,
            delivery_format=delivery_format,
            nonce=nonce,
            at=at,
        )
    )
    record = await uow.session.get(Checkin, checkin_id, populate_existing=True)
    assert record is not None
    return record


def record_checkin(
    work: Work,
    *,
    session: SessionFacts,
    attendee_id: int,
    code: str | None,
    source: AttendanceSource,
    delivery_format: DeliveryFormat | None = None,
    nonce: str | None = None,
    at: datetime | None = None,
) -> int:
    """Check the attendee in to ``session``; the id of their record. A group-commit job
    (:mod:`podium.kit.writer`), also run inside a unit of work by :func:`perform_checkin`.

    Creates the record (or turns a preloaded one into a real check-in: ``preloaded`` becomes
    False), marks it checked in and appends a ``checkin`` history entry. ``checkin_time`` and
    ``checkin_time_actual`` keep the first check-in, ``checkin_source`` its source;
    ``delivery_format`` is the one given, else the session's when that is "in-person" or
    "virtual", else unchanged. Checking in again after a check-out is allowed and grows the
    history.

    Fails with WrongCheckinCode when the session has a check-in code and ``code`` does not
    match it (trimmed, case-insensitive), AlreadyCheckedIn when the attendee is checked in.
    A ``nonce`` that this record already used for a check-in is a replay: nothing is written
    (NonceReused if it was used for a check-out).

    AttendeeNotFound unless the attendee is one of the session's event.

    A first check-in is two statements: an INSERT of the record that does nothing when the
    attendee has one (waiting for one being made by another transaction) or is not the
    event's, and the history INSERT. Otherwise the record's row is locked and re-read, then
    updated. Then checks the attendee out of any other session they are in whose hours overlap
    this one's (``leaving.leave_overlapping_sessions``: one more query when there is none).
    Emits CheckedIn (not for a replay), after the CheckedOut of the sessions it left.
    """
    nonce = clean_nonce(nonce)
    at = instant(at)
    chosen_format = delivery_format or _attendee_format(session.delivery_format)
    for _attempt in range(_ATTEMPTS):
        if _code_matches(session.checkin_code, code):
            # the common case, a first check-in: two statements
            checkin_id = repository.insert_first_checkin(
                work,
                event_id=session.event_id,
                record=_new_record(session.id, attendee_id, source, chosen_format, at),
                entry=_entry(CheckinAction.CHECKIN, at, source, nonce),
            )
            if checkin_id is not None:
                _leave_others(work, session, attendee_id, at)
                _emit_checked_in(work, session, attendee_id, checkin_id, source, at)
                return checkin_id
        record = repository.lock_checkin_row(work, session_id=session.id, attendee_id=attendee_id)
        if record is None:
            _check_code(session.checkin_code, code, error=WrongCheckinCode, action="check in")
            if not repository.is_event_attendee(
                work, event_id=session.event_id, attendee_id=attendee_id
            ):
                raise AttendeeNotFound("There is no such attendee in this session's app.")
            continue  # the record that stopped the insert was removed meanwhile: insert again
        if _is_replayed(work, record.id, nonce, CheckinAction.CHECKIN):
            return int(record.id)
        _check_code(session.checkin_code, code, error=WrongCheckinCode, action="check in")
        if record.checked_in:
            raise AlreadyCheckedIn(
                "You are already checked in to this session; check out before checking in again."
            )
        changes: dict[str, Any] = {"preloaded": False, "checked_in": True}
        if record.checkin_time is None:
            changes["checkin_time"] = at
            changes["checkin_source"] = str(source)
        if record.checkin_time_actual is None:
            changes["checkin_time_actual"] = at
        if chosen_format is not None:
            changes["delivery_format"] = str(chosen_format)
        work.connection.execute(update(Checkin).where(Checkin.id == record.id).values(changes))
        entry = _entry(CheckinAction.CHECKIN, at, source, nonce)
        repository.add_history_entry(work, values={"checkin_id": record.id, **entry})
        _leave_others(work, session, attendee_id, at)
        _emit_checked_in(work, session, attendee_id, int(record.id), source, at)
        return int(record.id)
    raise AssertionError("unreachable")  # pragma: no cover


class Arriving(NamedTuple):
    """A check-in to write: what :func:`record_checkin` takes."""

    session: SessionFacts
    attendee_id: int
    code: str | None
    source: AttendanceSource
    delivery_format: DeliveryFormat | None = None
    nonce: str | None = None
    at: datetime | None = None


def record_checkins(works: Sequence[Work], arriving: Sequence[Arriving]) -> list[int]:
    """:func:`record_checkin` of each of ``arriving``, in order, with the ``Work`` beside it
    (which hears the check-in's events): the id of each record. A run of group-commit jobs
    (``kit.writer.Together``: the check-ins that arrived together).

    The rush at a session's doors — first check-ins, with the right code, of attendees who
    arrive once in the run — is written for the whole run at once instead of check-in by
    check-in: the other records those attendees are checked in to
    (``leaving.checked_in_elsewhere``, one query), then the records with their history entries
    (``repository.insert_first_checkins``: one statement on PostgreSQL, four on SQLite), and the
    overlapping records are checked out as one by one. Every other check-in (an attendee who
    has a record already, a second check-in of the same attendee, a wrong code) is then
    written by :func:`record_checkin`, in order. That order does all that the given order
    would: a check-in reads and writes only its own attendee's records, and each attendee's
    check-ins keep their order."""
    if len(arriving) < 2:
        return [
            record_checkin(work, **checkin._asdict())
            for work, checkin in zip(works, arriving, strict=True)
        ]
    ids: list[int | None] = [None] * len(arriving)
    together: dict[int, FirstCheckin] = {}  # position: the first check-in it would be
    attendees: set[int] = set()
    for position, checkin in enumerate(arriving):
        if checkin.attendee_id not in attendees and _code_matches(
            checkin.session.checkin_code, checkin.code
        ):
            session = checkin.session
            chosen = checkin.delivery_format or _attendee_format(session.delivery_format)
            together[position] = FirstCheckin(
                event_id=session.event_id,
                session_id=session.id,
                attendee_id=checkin.attendee_id,
                at=instant(checkin.at),
                delivery_format=str(chosen) if chosen is not None else None,
                source=str(checkin.source),
                nonce=clean_nonce(checkin.nonce),
            )
        attendees.add(checkin.attendee_id)
    if len(together) > 1:
        elsewhere = checked_in_elsewhere(
            works[0], attendee_ids=[first.attendee_id for first in together.values()]
        )
        made = repository.insert_first_checkins(
            works[0], checkins=list(together.values()), created_at=utcnow()
        )
        for position, first in together.items():
            checkin_id = made.get((first.session_id, first.attendee_id))
            if checkin_id is None:
                continue
            work, session = works[position], arriving[position].session
            leave_overlapping(
                work,
                event_id=session.event_id,
                session_id=session.id,
                attendee_id=first.attendee_id,
                at=first.at,
                others=elsewhere.get(first.attendee_id, ()),
            )
            _emit_checked_in(
                work, session, first.attendee_id, checkin_id, arriving[position].source, first.at
            )
            ids[position] = checkin_id
    recorded: list[int] = []
    for position, checkin in enumerate(arriving):
        checkin_id = ids[position]
        if checkin_id is None:
            checkin_id = record_checkin(works[position], **checkin._asdict())
        recorded.append(checkin_id)
    return recorded


def _leave_others(work: Work, session: SessionFacts, attendee_id: int, at: datetime) -> None:
    leave_overlapping_sessions(
        work, event_id=session.event_id, session_id=session.id, attendee_id=attendee_id, at=at
    )


def _emit_checked_in(
    work: Work,
    session: SessionFacts,
    attendee_id: int,
    checkin_id: int,
    source: AttendanceSource,
    at: datetime,
) -> None:
    work.emit(
        CheckedIn(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            attendee_id=attendee_id,
            checkin_id=checkin_id,
            source=source,
            at=at,
        )
    )


def _new_record(
    session_id: int,
    attendee_id: int,
    source: AttendanceSource,
    delivery_format: DeliveryFormat | None,
    when: datetime,
) -> dict[str, Any]:
    """A new record, checked in: ``repository.NEW_RECORD_COLUMNS``."""
    return {
        "session_id": session_id,
        "attendee_id": attendee_id,
        "preloaded": False,
        "checked_in": True,
        "checkin_time": when,
        "checkin_time_actual": when,
        "delivery_format": str(delivery_format) if delivery_format is not None else None,
        "checkin_source": str(source),
        "created_at": utcnow(),
    }


def _is_replayed(work: Work, checkin_id: int, nonce: str | None, action: CheckinAction) -> bool:
    """Whether ``nonce`` already made an ``action`` entry of the record; NonceReused when it
    made an entry of the other action."""
    if nonce is None:
        return False
    done = repository.history_action_by_nonce(work, checkin_id=checkin_id, nonce=nonce)
    if done is None:
        return False
    if done != action:
        raise NonceReused(
            f"nonce: this nonce was already used for a {done}; send a new one.", field="nonce"
        )
    return True


async def perform_checkout(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    code: str | None = None,
    source: AttendanceSource,
    nonce: str | None = None,
    at: datetime | None = None,
) -> Checkin:
    """Check ``attendee`` out of ``session`` in this unit of work (:func:`record_checkout`)
    and return their record, re-read. AttendeeNotFound unless the attendee is one of the
    session's event."""
    check_same_event(session, attendee)
    checkin_id = await uow.run(
        partial(
            record_checkout,
            session=SessionFacts.of(session),
            attendee_id=attendee.id,
            code=code,
            source=source,
            nonce=nonce,
            at=at,
        )
    )
    record = await uow.session.get(Checkin, checkin_id, populate_existing=True)
    assert record is not None
    return record


def record_checkout(
    work: Work,
    *,
    session: SessionFacts,
    attendee_id: int,
    code: str | None,
    source: AttendanceSource,
    nonce: str | None = None,
    at: datetime | None = None,
) -> int:
    """Check the attendee out of ``session``; the id of their record. A group-commit job, also
    run inside a unit of work by :func:`perform_checkout` (the web page, the kiosk).

    Marks the record checked out and appends a ``checkout`` history entry
    (``leaving.check_out_records``, the one write of a check-out); ``checkout_time``,
    ``checkout_time_actual`` and ``checkout_source`` become those of this (the latest)
    check-out. Check-out is possible whether or not the session requires it.

    Fails with WrongCheckoutCode when the session has a check-out code and ``code`` does not
    match it, NotCheckedIn when the attendee is not checked in, EvaluationRequired when the
    session's credit rules ask for the evaluation before check-out and the attendee (on the
    web or at a kiosk) has not submitted it. Nonces as for :func:`record_checkin`. Locks the
    record's row. Emits CheckedOut (not for a replay), which recomputes the attendee's
    credits.
    """
    nonce = clean_nonce(nonce)
    at = instant(at)
    record = repository.lock_checkout_row(work, session_id=session.id, attendee_id=attendee_id)
    if record is not None and _is_replayed(work, record.id, nonce, CheckinAction.CHECKOUT):
        return int(record.id)
    _check_code(session.checkout_code, code, error=WrongCheckoutCode, action="check out")
    if record is None or not record.checked_in:
        raise NotCheckedIn("You are not checked in to this session, so you cannot check out.")
    if source in (AttendanceSource.WEB, AttendanceSource.KIOSK) and (
        record.evaluation_completed_at is None
    ):
        rules = session_rules(work, event_id=session.event_id, session_id=session.id)
        if rules.evaluation_rule == EvaluationRule.FOR_CHECKOUT:
            raise EvaluationRequired(
                "Submit this session's evaluation before checking out: "
                "the session's credit depends on it."
            )
    leaving = Leaving(
        record.id, session.event_id, session.id, session.public_id, attendee_id, at, nonce
    )
    check_out_records(work, leaving=[leaving], source=source)
    return int(record.id)


def _code_matches(expected: str | None, given: str | None) -> bool:
    """Whether ``given`` passes the session's code (see ``_check_code``)."""
    if expected is None or not expected.strip():
        return True
    return given is not None and given.strip().casefold() == expected.strip().casefold()


def _check_code(
    expected: str | None, given: str | None, *, error: type[PodiumError], action: str
) -> None:
    if expected is None or not expected.strip():
        return
    if given is None or not given.strip():
        raise error(f"code: this session needs a code to {action}; enter it.", field="code")
    if given.strip().casefold() != expected.strip().casefold():
        raise error(
            f"code: that is not this session's code to {action}; check it and try again.",
            field="code",
        )


def _attendee_format(session_format: str | None) -> DeliveryFormat | None:
    """How an attendee attends when the session has only one way to attend it."""
    if session_format in (DeliveryFormat.IN_PERSON, DeliveryFormat.VIRTUAL):
        return DeliveryFormat(session_format)
    return None


def _entry(
    action: CheckinAction, at: datetime, source: AttendanceSource, nonce: str | None
) -> dict[str, Any]:
    """A history entry's columns but its record's (``repository.HISTORY_COLUMNS``)."""
    return {"action": str(action), "at": at, "source": str(source), "nonce": nonce}
