"""Inputs and read models of attendance."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import NamedTuple

from podium.enums import CheckinAction


@dataclass(frozen=True, kw_only=True)
class PreloadAttendee:
    """One person to preload for a session, as an integrator sends them (not yet checked).

    Needs an email or an external_id; the rest is optional.
    """

    email: str | None = None
    external_id: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    field_1: str | None = None
    field_2: str | None = None
    field_3: str | None = None
    field_4: str | None = None
    field_5: str | None = None


@dataclass(frozen=True, kw_only=True)
class CodewordTally:
    """An attendee's codewords of one field of study.

    ``valid`` holds the defined spelling of each codeword they submitted, in submission order;
    ``missed`` the defined codewords they did not submit, in the session's order.
    """

    possible: int
    valid: tuple[str, ...]
    missed: tuple[str, ...]


@dataclass(frozen=True, kw_only=True)
class CodewordResult:
    """What a codeword submission did.

    ``accepted``: the word is one of the field's codewords. ``already_submitted``: it was
    accepted before, so nothing new was recorded. ``codewords``: the tally afterwards.
    """

    accepted: bool
    already_submitted: bool
    field_of_study: str
    codewords: CodewordTally


@dataclass(frozen=True, kw_only=True)
class FieldOfStudyAttendance:
    """A field of study as it appears on a check-in record.

    ``credits`` is what an administrator awarded by hand when ``credits_adjusted``, else what
    the credit rules award the record (``credit_awards``; 0 before any is computed).
    """

    name: str
    credits: Decimal
    credits_adjusted: bool
    codewords: CodewordTally


@dataclass(frozen=True, kw_only=True)
class OtherSession:
    """Another session of the attendee's, as a notice on a session's page names it."""

    public_id: str
    name: str
    date: date | None
    start_time: time | None
    end_time: time | None


@dataclass(frozen=True, kw_only=True)
class HistoryItem:
    action: CheckinAction
    at: datetime
    source: str | None


class CheckinFacts(NamedTuple):
    """The columns of a check-in record a report shows (named as on ``models.Checkin``)."""

    id: int
    preloaded: bool
    checked_in: bool
    checkin_time: datetime | None
    checkout_time: datetime | None
    checkin_time_actual: datetime | None
    checkout_time_actual: datetime | None
    delivery_format: str | None
    admin_note: str | None
    attendee_note: str | None
    checkin_source: str | None
    checkout_source: str | None
    evaluation_completed_at: datetime | None


class AttendeeFacts(NamedTuple):
    """The columns of an attendee a report shows (named as on ``models.Attendee``)."""

    id: int
    first_name: str
    last_name: str
    email: str | None
    external_id: str | None
    field_1: str | None
    field_2: str | None
    field_3: str | None
    field_4: str | None
    field_5: str | None


@dataclass(frozen=True, kw_only=True, slots=True)
class AttendanceRecord:
    """One attendee's attendance of a session, everything a report shows about it (plain
    values read for the report, not ORM rows)."""

    checkin: CheckinFacts
    attendee: AttendeeFacts
    fields_of_study: tuple[FieldOfStudyAttendance, ...]
    history: tuple[HistoryItem, ...]
    total_time_attended: timedelta | None
    # names the present state of what this record shows beyond what every record of the
    # session shares (see AttendanceRevisions): moved by the database with every change
    revision: int

    @property
    def evaluation_complete(self) -> bool:
        return self.checkin.evaluation_completed_at is not None


@dataclass(frozen=True, kw_only=True)
class AttendanceRevisions:
    """Names the present state of each record of a session's attendance list, so that a
    cache of the records' encoded forms knows which to make again.

    A record shows what only it has (its row, history, codewords, credits, attendee), named by
    its revision, and what every record of the session shows alike (the session's fields of
    study and their codewords), named by ``shared``: a record read for ``shared`` and showing
    revision r shows the same thing as long as the session's ``shared`` and its revision stay
    the same. ``shared`` changes too when the database could not move a revision
    (PostgreSQL, a record held by another transaction): then every record is read again.
    """

    shared: tuple[object, ...]
    # (record id, revision) in report order
    records: tuple[tuple[int, int], ...]
    # what list_attendance(revisions=…) reads the records for: the fields of study as read
    fields_of_study: tuple[object, ...]


@dataclass(frozen=True, kw_only=True)
class RemovalFilters:
    """The filter a removal used: exactly one of ``all``, ``email``, ``external_id`` is set."""

    all: bool
    email: str | None
    external_id: str | None


@dataclass(frozen=True, kw_only=True)
class RemovalResult:
    """The records a removal matched (removed, unless ``preview``)."""

    preview: bool
    filters: RemovalFilters
    records: tuple[AttendanceRecord, ...]

    @property
    def found(self) -> int:
        return len(self.records)
