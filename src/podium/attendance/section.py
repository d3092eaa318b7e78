"""What the attendance section of a session's page shows one attendee: checked in or out and
since when, how they attend, the other sessions a check-in here leaves or left, and the credit
checking out now would lose — read in a fixed, small number of Core statements.

It is a read job (:mod:`podium.kit.writer`'s ``Work``, emitting nothing), so that it runs
wherever the attendance section is answered: in the page's unit of work (``uow.run``), and
right after a check-in's group commit on its own (``Database.read``), where a phone's htmx
form waits for it. The session's part (its hours, time zone, fields of study and codewords,
credit rules) is kept in ``work.shared``: read once for all the attendees a page or a job reads
it for: two statements. Each attendee's part is two more, three while checked in to a session
whose fields of study carry credit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from sqlalchemy import bindparam, or_, select

from podium.attendance.leaving import windows_overlap
from podium.attendance.types import OtherSession
from podium.credits.service import (
    EVENT_RULE_COLUMNS,
    RULE_FIELDS,
    SESSION_RULE_COLUMNS,
    combine_rules,
    credit_at_stake,
)
from podium.credits.types import CreditAtStake, CreditRules, FieldFacts
from podium.enums import AttendanceSource, CheckinAction
from podium.kit.sets import among
from podium.kit.writer import Work
from podium.models import (
    Checkin,
    CheckinHistoryEntry,
    Codeword,
    CodewordSubmission,
    Event,
    EventCreditRules,
    EventSession,
    FieldOfStudy,
    SessionCreditRules,
)
from podium.program.window import session_window


@dataclass(frozen=True, kw_only=True)
class AttendanceSection:
    """One attendee's attendance of one session, as its page's attendance section shows it.

    ``checked_in_since``: the start of the current stay (the latest check-in) while checked in;
    ``checked_out_at``: the latest check-out while checked out. ``delivery_format``: how the
    record says they attend ("in-person", "virtual"; None without a record).
    ``left_for_this``: while checked in, the sessions this stay's check-in checked them out of;
    ``overlapping``: while not checked in here, the sessions they are checked in to whose hours
    overlap this one's (checking in here checks them out of those). ``credit_at_stake``: while
    checked in to a session that has not ended, each field of study where checking out now
    earns less than staying until ``session_ends_at`` (``credits.early_checkout``).
    ``timezone``: the event's, in which the section shows its times.
    """

    timezone: str | None
    checked_in: bool
    delivery_format: str | None
    checked_in_since: dt.datetime | None
    checked_out_at: dt.datetime | None
    session_ends_at: dt.datetime | None
    credit_at_stake: tuple[CreditAtStake, ...] = ()
    overlapping: tuple[OtherSession, ...] = ()
    left_for_this: tuple[OtherSession, ...] = ()

    @property
    def checked_out(self) -> bool:
        return self.checked_out_at is not None


class Place(NamedTuple):
    """The session's part of every attendee's section (and of their status, ``status.py``):
    its name, its event's time zone, when it runs, its fields of study with their codewords
    (``words``: codeword id -> the word as defined) and its credit rules."""

    name: str
    timezone: str | None
    window: tuple[dt.datetime | None, dt.datetime | None]
    fields: tuple[FieldFacts, ...]
    words: Mapping[int, str]
    rules: CreditRules


class Record(NamedTuple):
    """An attendee's record of a session, with its history (action, at) in order."""

    id: int
    checked_in: bool
    delivery_format: str | None
    checkin_time: dt.datetime | None
    checkout_time: dt.datetime | None
    attendee_note: str | None
    evaluation_completed_at: dt.datetime | None
    history: list[tuple[str, dt.datetime]]


# the session's hours, its event's time zone, and the credit rules of both
_PLACE = (
    select(
        EventSession.name,
        EventSession.date,
        EventSession.start_time,
        EventSession.end_time,
        Event.timezone,
        *SESSION_RULE_COLUMNS,
        *EVENT_RULE_COLUMNS,
    )
    .join(Event, Event.id == EventSession.event_id)
    .outerjoin(SessionCreditRules, SessionCreditRules.session_id == EventSession.id)
    .outerjoin(EventCreditRules, EventCreditRules.event_id == EventSession.event_id)
    .where(EventSession.id == bindparam("session_id"))
)
_RULES = len(RULE_FIELDS)
_FIELDS = (
    select(FieldOfStudy.id, FieldOfStudy.name, FieldOfStudy.credits, Codeword.id, Codeword.word)
    .outerjoin(Codeword, Codeword.field_of_study_id == FieldOfStudy.id)
    .where(FieldOfStudy.session_id == bindparam("session_id"))
    .order_by(FieldOfStudy.position, FieldOfStudy.id, Codeword.position, Codeword.id)
)
# the record and its history, one row per entry (one row of NULLs for a record without any),
# after the attendee's id
_RECORD_OF = (
    select(
        Checkin.attendee_id,
        Checkin.id,
        Checkin.checked_in,
        Checkin.delivery_format,
        Checkin.checkin_time,
        Checkin.checkout_time,
        Checkin.attendee_note,
        Checkin.evaluation_completed_at,
        CheckinHistoryEntry.action,
        CheckinHistoryEntry.at,
    )
    .outerjoin(CheckinHistoryEntry, CheckinHistoryEntry.checkin_id == Checkin.id)
    .where(Checkin.session_id == bindparam("session_id"))
    .order_by(Checkin.attendee_id, CheckinHistoryEntry.at, CheckinHistoryEntry.id)
)
_RECORD = _RECORD_OF.where(Checkin.attendee_id == bindparam("attendee_id"))
# the valid codewords a record entered, in the order they were entered
_SUBMISSIONS = (
    select(CodewordSubmission.codeword_id, CodewordSubmission.submitted_at)
    .where(
        CodewordSubmission.checkin_id == bindparam("checkin_id"),
        CodewordSubmission.codeword_id.is_not(None),
    )
    .order_by(CodewordSubmission.id)
)
# the attendee's records of other sessions that are checked in, or were last checked out by a
# check-in elsewhere, in schedule order, after the attendee's id
_OTHERS_OF = (
    select(
        Checkin.attendee_id,
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
        Checkin.session_id != bindparam("session_id"),
        or_(
            Checkin.checked_in.is_(True),
            Checkin.checkout_source == str(AttendanceSource.OTHER_SESSION),
        ),
    )
    .order_by(
        Checkin.attendee_id,
        EventSession.date,
        EventSession.start_time,
        EventSession.name,
        EventSession.id,
    )
)
_OTHERS = _OTHERS_OF.where(Checkin.attendee_id == bindparam("attendee_id"))
# the same for the attendees of a turn's sections of one session, by dialect (``kit.sets``)
_ATTENDEES = among(Checkin.attendee_id, "attendee_ids")
_RECORDS = {dialect: _RECORD_OF.where(where) for dialect, where in _ATTENDEES.items()}
_OTHERS_OF_ALL = {dialect: _OTHERS_OF.where(where) for dialect, where in _ATTENDEES.items()}
_SUBMISSIONS_OF = {
    dialect: select(
        CodewordSubmission.checkin_id,
        CodewordSubmission.codeword_id,
        CodewordSubmission.submitted_at,
    )
    .where(where, CodewordSubmission.codeword_id.is_not(None))
    .order_by(CodewordSubmission.id)
    for dialect, where in among(CodewordSubmission.checkin_id, "checkin_ids").items()
}
# an attendee's record of another session: (checked in there, checked out when, the session)
Other = tuple[bool, dt.datetime | None, OtherSession]


def attendance_section(
    work: Work, *, session_id: int, attendee_id: int, now: dt.datetime
) -> AttendanceSection:
    """The attendance section of ``attendee_id`` (an attendee of the session's event) in
    ``session_id`` as of ``now`` (aware). Reads only."""
    place = session_place(work, session_id)
    record = attendee_record(work, session_id=session_id, attendee_id=attendee_id)
    others = _other_sessions(work, session_id=session_id, attendee_id=attendee_id)
    if record is None:
        return AttendanceSection(
            timezone=place.timezone,
            checked_in=False,
            delivery_format=None,
            checked_in_since=None,
            checked_out_at=None,
            session_ends_at=place.window[1],
            overlapping=_overlapping(place, others),
        )
    history = record.history
    if record.checked_in:
        since = _latest(history, CheckinAction.CHECKIN, record.checkin_time)
        return AttendanceSection(
            timezone=place.timezone,
            checked_in=True,
            delivery_format=record.delivery_format,
            checked_in_since=since,
            checked_out_at=None,
            session_ends_at=place.window[1],
            credit_at_stake=_at_stake(work, place, session_id, record.id, history, now),
            left_for_this=tuple(
                other
                for in_there, left_at, other in others
                if not in_there and left_at is not None and since is not None and left_at >= since
            ),
        )
    return AttendanceSection(
        timezone=place.timezone,
        checked_in=False,
        delivery_format=record.delivery_format,
        checked_in_since=None,
        checked_out_at=_latest(history, CheckinAction.CHECKOUT, record.checkout_time),
        session_ends_at=place.window[1],
        overlapping=_overlapping(place, others),
    )


def _other_sessions(work: Work, *, session_id: int, attendee_id: int) -> list[Other]:
    """The attendee's records of other sessions the section speaks of (``_OTHERS``); one
    statement, unless read already with those of the turn's other attendees."""
    key = ("attendance_section.others", session_id, attendee_id)
    found: list[Other] | None = work.shared.get(key)
    if found is None:
        rows = work.connection.execute(
            _OTHERS, {"session_id": session_id, "attendee_id": attendee_id}
        )
        found = work.shared[key] = [_other(row) for row in rows]
    return found


def _other(row: Sequence[Any]) -> Other:
    """An ``_OTHERS_OF`` row (after the attendee's id) as the section keeps it."""
    _attendee_id, in_there, left_at, public_id, name, date, start_time, end_time = row
    session = OtherSession(
        public_id=public_id, name=name, date=date, start_time=start_time, end_time=end_time
    )
    return in_there, left_at, session


@dataclass(frozen=True, slots=True)
class SectionRead:
    """The read job of one attendee's attendance section (:func:`attendance_section`); on
    PostgreSQL those asked for in one turn are read together (``together``)."""

    session_id: int
    attendee_id: int
    now: dt.datetime

    def __call__(self, work: Work) -> AttendanceSection:
        return attendance_section(
            work, session_id=self.session_id, attendee_id=self.attendee_id, now=self.now
        )

    @staticmethod
    def together(works: Sequence[Work], reads: Sequence[SectionRead]) -> list[AttendanceSection]:
        """Each read's section: the attendees' records with their history, their other
        sessions and the codewords of those checked in are read for all the reads of a session
        at once (three statements instead of three for each), into ``work.shared``, where
        :func:`attendance_section` finds them."""
        _read_attendees(works[0], reads)
        return [read(work) for work, read in zip(works, reads, strict=True)]


def _read_attendees(work: Work, reads: Sequence[SectionRead]) -> None:
    by_session: dict[int, list[int]] = {}
    for read in reads:
        by_session.setdefault(read.session_id, []).append(read.attendee_id)
    checked_in: list[int] = []
    for session_id, attendee_ids in by_session.items():
        params = {"session_id": session_id, "attendee_ids": attendee_ids}
        records: dict[int, list[Sequence[Any]]] = {attendee_id: [] for attendee_id in attendee_ids}
        for row in work.connection.execute(_RECORDS[work.dialect], params):
            records[row[0]].append(row)
        for attendee_id, rows in records.items():
            record = _record(rows)
            work.shared[("attendance_section.record", session_id, attendee_id)] = record
            if record is not None and record.checked_in:
                checked_in.append(record.id)
        others: dict[int, list[Other]] = {attendee_id: [] for attendee_id in attendee_ids}
        for other in work.connection.execute(_OTHERS_OF_ALL[work.dialect], params):
            others[other[0]].append(_other(other))
        for attendee_id, found in others.items():
            work.shared[("attendance_section.others", session_id, attendee_id)] = found
    if checked_in and any(session_place(work, session_id).fields for session_id in by_session):
        submissions: dict[int, list[tuple[int, dt.datetime]]] = {c: [] for c in checked_in}
        for checkin_id, codeword_id, at in work.connection.execute(
            _SUBMISSIONS_OF[work.dialect], {"checkin_ids": checked_in}
        ):
            if codeword_id is not None:
                submissions[checkin_id].append((codeword_id, at))
        for checkin_id, entered in submissions.items():
            work.shared[("attendance_section.submissions", checkin_id)] = entered


def session_place(work: Work, session_id: int) -> Place:
    """The session's part of its attendees' sections and statuses: two statements, made once
    per read transaction (kept in ``work.shared``)."""
    key = ("attendance_section.place", session_id)
    found: Place | None = work.shared.get(key)
    if found is not None:
        return found
    name, date, start_time, end_time, timezone, *rules = work.connection.execute(
        _PLACE, {"session_id": session_id}
    ).one()
    fields: dict[int, tuple[str, Decimal, list[int]]] = {}
    words: dict[int, str] = {}
    for field_id, field_name, credits, codeword_id, word in work.connection.execute(
        _FIELDS, {"session_id": session_id}
    ):
        codewords = fields.setdefault(field_id, (field_name, credits, []))[2]
        if codeword_id is not None:
            codewords.append(codeword_id)
            words[codeword_id] = word
    found = Place(
        name=name,
        timezone=timezone,
        window=session_window(date, start_time, end_time, timezone),
        fields=tuple(
            FieldFacts(id=field_id, name=n, credits=c, codeword_ids=tuple(ids))
            for field_id, (n, c, ids) in fields.items()
        ),
        words=words,
        rules=combine_rules(
            dict(zip(RULE_FIELDS, rules[_RULES:], strict=True)),
            dict(zip(RULE_FIELDS, rules[:_RULES], strict=True)),
        ),
    )
    work.shared[key] = found
    return found


def attendee_record(work: Work, *, session_id: int, attendee_id: int) -> Record | None:
    """The attendee's record of the session with its history; None without one. One
    statement, made once per read job's transaction (kept in ``work.shared``: the page's
    attendance section and status read it once)."""
    key = ("attendance_section.record", session_id, attendee_id)
    if key in work.shared:
        found: Record | None = work.shared[key]
        return found
    rows = work.connection.execute(
        _RECORD, {"session_id": session_id, "attendee_id": attendee_id}
    ).all()
    found = work.shared[key] = _record(rows)
    return found


def _record(rows: Sequence[Sequence[Any]]) -> Record | None:
    """The record in ``_RECORD_OF``'s rows of one attendee (None without any)."""
    if not rows:
        return None
    _attendee_id, checkin_id, checked_in, delivery_format, checkin_time, checkout_time = rows[0][:6]
    note, evaluated = rows[0][6:8]
    return Record(
        id=checkin_id,
        checked_in=checked_in,
        delivery_format=delivery_format,
        checkin_time=checkin_time,
        checkout_time=checkout_time,
        attendee_note=note,
        evaluation_completed_at=evaluated,
        history=[(row[8], row[9]) for row in rows if row[8] is not None],
    )


def entered_codewords(work: Work, *, checkin_id: int) -> list[tuple[int, dt.datetime]]:
    """(codeword id, when) of each valid codeword the record entered, in the order entered.
    One statement, made once per transaction (kept in ``work.shared``)."""
    key = ("attendance_section.submissions", checkin_id)
    found: list[tuple[int, dt.datetime]] | None = work.shared.get(key)
    if found is None:
        rows = work.connection.execute(_SUBMISSIONS, {"checkin_id": checkin_id})
        found = work.shared[key] = [(c, at) for c, at in rows if c is not None]
    return found


def _at_stake(
    work: Work,
    place: Place,
    session_id: int,
    checkin_id: int,
    history: list[tuple[str, dt.datetime]],
    now: dt.datetime,
) -> tuple[CreditAtStake, ...]:
    starts_at, ends_at = place.window
    if starts_at is None or ends_at is None or now >= ends_at or not place.fields:
        return ()  # nothing at stake: no need to read the codewords entered
    submissions = entered_codewords(work, checkin_id=checkin_id)
    return credit_at_stake(
        checkin_id=checkin_id,
        session_id=session_id,
        session_name=place.name,
        starts_at=starts_at,
        ends_at=ends_at,
        rules=place.rules,
        fields=place.fields,
        history=history,
        submissions=submissions,
        now=now,
    )


def _overlapping(
    place: Place, others: list[tuple[bool, dt.datetime | None, OtherSession]]
) -> tuple[OtherSession, ...]:
    return tuple(
        other
        for in_there, _left_at, other in others
        if in_there
        and windows_overlap(
            place.window,
            session_window(other.date, other.start_time, other.end_time, place.timezone),
        )
    )


def _latest(
    history: list[tuple[str, dt.datetime]], action: CheckinAction, recorded: dt.datetime | None
) -> dt.datetime | None:
    """The latest ``action`` of the history; a record made before history was kept still knows
    its time (``recorded``)."""
    times = [at for entry, at in history if entry == action]
    return max(times) if times else recorded
