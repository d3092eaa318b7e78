"""A session's attendance as a whole: the report, preloading, clearing and removing records."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol, cast

from sqlalchemy.exc import IntegrityError

from podium.attendance import repository, status_repository
from podium.attendance.types import (
    AttendanceRecord,
    AttendanceRevisions,
    AttendeeFacts,
    CheckinFacts,
    CodewordTally,
    FieldOfStudyAttendance,
    HistoryItem,
    PreloadAttendee,
    RemovalFilters,
    RemovalResult,
)
from podium.domain_events import AttendeesPreloaded, CheckinsRemoved
from podium.enums import CheckinAction
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Checkin, Event, EventSession, FieldOfStudy
from podium.people.service import attendee_details, find_or_create_attendees
from podium.people.types import AttendeeDetails

_ATTEMPTS = 2
_NONE = Decimal(0)
# CheckinAction(value) costs microseconds; a report makes one per history entry
_ACTIONS = {str(action.value): action for action in CheckinAction}


class _Action(Protocol):
    @property
    def action(self) -> str: ...

    @property
    def at(self) -> datetime: ...


def total_time_attended(history: Iterable[_Action]) -> timedelta | None:
    """The sum of the completed check-in → check-out intervals, in time order; None when no
    interval is complete. A check-in while already in, or a check-out while out, is ignored."""
    total: timedelta | None = None
    since: datetime | None = None
    for entry in sorted(history, key=lambda e: e.at):
        if entry.action == CheckinAction.CHECKIN and since is None:
            since = entry.at
        elif entry.action == CheckinAction.CHECKOUT and since is not None:
            total = (total or timedelta()) + max(entry.at - since, timedelta())
            since = None
    return total


async def list_attendance(
    uow: UnitOfWork,
    *,
    session: EventSession,
    revisions: AttendanceRevisions | None = None,
    record_ids: Collection[int] | None = None,
) -> list[AttendanceRecord]:
    """Every record of ``session``, preloaded ones included: earliest check-in first, those
    never checked in last, then by attendee name. A fixed number of queries.

    With ``revisions`` (read before, in this unit of work), the records are read for its
    ``shared`` state (its fields of study, not read again); with ``record_ids`` only those
    records, in the same order (those that are gone are left out): as many queries for one as
    for thousands."""
    fields = cast(list[FieldOfStudy], list(revisions.fields_of_study)) if revisions else None
    by_id = record_ids is not None and len(record_ids) <= repository.CHUNK
    attendance = await repository.load_session_attendance_rows(
        uow,
        session_id=session.id,
        checkin_ids=record_ids if by_id else None,
        fields_of_study=fields,
    )
    records = _records(attendance)
    if record_ids is not None and not by_id:
        wanted = set(record_ids)
        records = [record for record in records if record.checkin.id in wanted]
    return records


async def attendance_revisions(uow: UnitOfWork, *, session: EventSession) -> AttendanceRevisions:
    """The revision of each record of ``session`` in report order, and what names the state
    that every record shows alike (see ``AttendanceRevisions``). Read it after
    :func:`attendance_version`, and the records after it (``list_attendance(revisions=…)``),
    so that a record is never older than the revision it is kept under. Four queries
    (generations, fields of study, their codewords, revisions) whatever the number of
    records."""
    generations = await repository.records_generations(uow, session_id=session.id)
    fields = await status_repository.list_fields_of_study(uow, session_id=session.id)
    shared = tuple(
        (
            field.id,
            field.name,
            str(field.credits),
            field.position,
            tuple((c.id, c.word, c.position) for c in field.codewords),
        )
        for field in fields
    )
    records = await repository.session_checkin_revisions(uow, session_id=session.id)
    return AttendanceRevisions(
        shared=(tuple(generations), shared), records=tuple(records), fields_of_study=tuple(fields)
    )


async def attendance_version(uow: UnitOfWork, *, session: EventSession) -> str | None:
    """Names the present state of what :func:`list_attendance` returns for ``session``: any
    committed write that changes it gives it a new name, whoever writes (database triggers move
    it; see ``models.AttendanceVersion``). Read it before the list, so that a list built in the
    same request is never older than the name. None when the session has no version (only if
    its rows were deleted by hand): nothing may then be cached. One query."""
    versions = await repository.attendance_versions(uow, session_id=session.id)
    return ",".join(f"{slot}:{version}" for slot, version in versions) or None


async def preload_attendees(
    uow: UnitOfWork, *, session: EventSession, attendees: Sequence[PreloadAttendee]
) -> int:
    """Give each of ``attendees`` a record for ``session`` so that they can check in (kiosks).

    Each entry is matched to an attendee of the event as ``people.find_or_create_attendees``
    does (by external_id, else email, case-insensitive; blank values of a matched attendee are
    filled in, others kept), and missing attendees are created. A preloaded record (no
    check-in yet) is created for each attendee who has none; existing records are never
    removed or changed.

    Returns the number of distinct attendees of the request that have a record for the
    session afterwards (an entry repeated, or two entries matching the same person, count
    once). Every entry is checked before anything is written: InvalidInput names ``[i].field``
    of the first bad one, e.g. an entry with neither email nor external_id. Emits
    AttendeesPreloaded.
    """
    people = [_details(index, entry) for index, entry in enumerate(attendees)]
    if not people:
        return 0
    event = await uow.session.get(Event, session.event_id)
    assert event is not None  # a session always belongs to an event
    matched = await find_or_create_attendees(uow, event=event, people=people)
    attendee_ids = sorted({attendee.id for attendee in matched})
    for attempt in range(_ATTEMPTS):
        existing = await repository.find_checkin_ids(
            uow, session_id=session.id, attendee_ids=attendee_ids
        )
        try:
            async with uow.session.begin_nested():
                uow.session.add_all(
                    Checkin(
                        session_id=session.id,
                        attendee_id=attendee_id,
                        preloaded=True,
                        checked_in=False,
                    )
                    for attendee_id in attendee_ids
                    if attendee_id not in existing
                )
        except IntegrityError:
            # someone checked in or preloaded one of them meanwhile; their record stands
            if attempt + 1 == _ATTEMPTS:
                raise
            continue
        break
    await uow.emit(
        AttendeesPreloaded(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            attendee_ids=tuple(attendee_ids),
        )
    )
    return len(attendee_ids)


async def clear_attendance(uow: UnitOfWork, *, session: EventSession) -> int:
    """Delete every record of ``session`` (preloaded ones too) with its history, codewords
    and credit adjustments; returns how many records. The attendees stay in the event. Emits
    CheckinsRemoved (``all_records``) when there were any."""
    removed = await repository.delete_session_checkins(uow, session_id=session.id)
    if removed:
        await uow.emit(
            CheckinsRemoved(
                event_id=session.event_id,
                session_id=session.id,
                session_public_id=session.public_id,
                checkin_ids=(),
                all_records=True,
            )
        )
    return removed


async def remove_checkins(
    uow: UnitOfWork,
    *,
    session: EventSession,
    all: bool = False,
    email: str | None = None,
    external_id: str | None = None,
    preview: bool = False,
) -> RemovalResult:
    """Remove the records of ``session`` that one filter selects, and report them.

    Exactly one filter: ``all`` (every record), ``email`` or ``external_id`` (exact and
    case-insensitive; every attendee with that email or id, so two people sharing an email
    both lose their record). A blank email or external_id counts as not passed. With
    ``preview`` nothing is removed and the result says what would be.

    InvalidInput "Too many possible filters" when more than one filter is used, "No valid
    filters were passed" when none is (the vendor's exact words, with Podium's explanation as
    the detail). Deletes the records with their history, codewords and credit adjustments,
    and emits CheckinsRemoved naming them (when there were any).
    """
    email = email.strip() if email and email.strip() else None
    external_id = external_id.strip() if external_id and external_id.strip() else None
    used = [
        name for name, on in (("all", all), ("email", email), ("external_id", external_id)) if on
    ]
    if len(used) > 1:
        raise InvalidInput(
            "Too many possible filters",
            field=used[1],
            detail="Pass only one of all, email and external_id "
            f"(this request passed {' and '.join(used)}).",
        )
    if not used:
        raise InvalidInput(
            "No valid filters were passed",
            field="all",
            detail='Pass "all": true, an email or an external_id.',
        )
    attendance = await repository.load_session_attendance_rows(
        uow,
        session_id=session.id,
        email_key=email.casefold() if email else None,
        external_id_key=external_id.casefold() if external_id else None,
    )
    records = _records(attendance)
    if not preview and records:
        removed = tuple(record.checkin.id for record in records)
        await repository.delete_checkins(uow, checkin_ids=removed)
        await uow.emit(
            CheckinsRemoved(
                event_id=session.event_id,
                session_id=session.id,
                session_public_id=session.public_id,
                checkin_ids=removed,
            )
        )
    return RemovalResult(
        preview=preview,
        filters=RemovalFilters(all=all, email=email, external_id=external_id),
        records=tuple(records),
    )


def _details(index: int, entry: PreloadAttendee) -> AttendeeDetails:
    try:
        return attendee_details(
            email=entry.email,
            first_name=entry.first_name,
            last_name=entry.last_name,
            external_id=entry.external_id,
            fields={
                "field_1": entry.field_1,
                "field_2": entry.field_2,
                "field_3": entry.field_3,
                "field_4": entry.field_4,
                "field_5": entry.field_5,
            },
        )
    except InvalidInput as exc:
        raise InvalidInput(f"[{index}].{exc.message}", field=f"[{index}].{exc.field}") from exc


def _records(attendance: repository.SessionAttendanceRows) -> list[AttendanceRecord]:
    """The report's records from plain rows; what records without codewords or credits show
    of the fields of study is built once and shared."""
    fields = [(field, _tally(field, ())) for field in attendance.fields_of_study]
    plain = tuple(
        FieldOfStudyAttendance(
            name=field.name, credits=_NONE, credits_adjusted=False, codewords=tally
        )
        for field, tally in fields
    )
    history_of, submissions_of = attendance.history, attendance.submissions
    adjustments_of, awarded_of = attendance.adjustments, attendance.awarded
    records = []
    checkin_facts, attendee_facts = CheckinFacts._make, AttendeeFacts._make
    split = len(CheckinFacts._fields)
    for row in attendance.records:
        checkin = checkin_facts(row[:split])
        revision = row[-1]
        submitted = submissions_of.get(checkin.id)
        adjusted = adjustments_of.get(checkin.id)
        awarded = awarded_of.get(checkin.id)
        if submitted is None and adjusted is None and awarded is None:
            studied = plain
        else:
            adjusted = adjusted or {}
            awarded = awarded or {}
            codeword_ids = [codeword_id for _field_id, codeword_id in submitted or ()]
            studied = tuple(
                FieldOfStudyAttendance(
                    name=field.name,
                    credits=adjusted.get(field.id, awarded.get(field.id, _NONE)),
                    credits_adjusted=field.id in adjusted,
                    codewords=_tally(field, codeword_ids) if submitted else tally,
                )
                for field, tally in fields
            )
        history = tuple(
            HistoryItem(action=_ACTIONS[action], at=at, source=source)
            for action, at, source in history_of.get(checkin.id, ())
        )
        records.append(
            AttendanceRecord(
                checkin=checkin,
                attendee=attendee_facts(row[split:-1]),
                fields_of_study=studied,
                history=history,
                total_time_attended=total_time_attended(history),
                revision=revision,
            )
        )
    return records


def _tally(field: FieldOfStudy, codeword_ids: Sequence[int]) -> CodewordTally:
    """As ``tally_codewords``, from the ids of the codewords a record submitted (any field's)."""
    words = {codeword.id: codeword.word for codeword in field.codewords}
    valid_ids: list[int] = []
    for codeword_id in codeword_ids:
        if codeword_id in words and codeword_id not in valid_ids:
            valid_ids.append(codeword_id)
    return CodewordTally(
        possible=len(field.codewords),
        valid=tuple(words[codeword_id] for codeword_id in valid_ids),
        missed=tuple(c.word for c in field.codewords if c.id not in valid_ids),
    )
