"""The ledger of awards: ``credit_awards`` kept equal to what the rules decide from the data.

Everything here is a group-commit job or runs inside one (``podium.kit.writer``): plain
functions of a :class:`~podium.kit.writer.Work` (SQLAlchemy Core in an open transaction), so
that a check-in job can refresh an attendee's credits in its own transaction, and a unit of
work can with ``uow.run(partial(refresh_credits, ...))``.

A record's awards are refreshed whenever what decides them changes: a check-out (by the
attendee, at the session's end, or by checking in elsewhere), a codeword, an evaluation, the
session's times, fields of study or codewords, the event's time zone, the rules — each emits a
domain event whose reaction (``credits.subscriber``) calls :func:`refresh_credits` in the same
transaction. ``podium credits recompute`` refreshes a whole event. Only rows whose decision
changed are written, so a refresh that finds nothing new writes nothing (and moves no cache of
the attendance list).
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, insert, select, text, update

from podium.credits.engine import decide_credits
from podium.credits.rules import (
    EVENT_RULE_COLUMNS,
    RULE_FIELDS,
    SESSION_RULE_COLUMNS,
    combine_rules,
)
from podium.credits.types import (
    CreditDecision,
    CreditRules,
    FieldFacts,
    RecordFacts,
    SessionFacts,
    Stay,
    Submission,
)
from podium.enums import CheckinAction
from podium.kit.clock import utcnow
from podium.kit.writer import Work
from podium.models import (
    Checkin,
    CheckinHistoryEntry,
    Codeword,
    CodewordSubmission,
    CreditAward,
    EventCreditRules,
    EventSession,
    FieldOfStudy,
    SessionCreditRules,
)
from podium.models import Event as EventRow
from podium.program.window import session_window

CHUNK = 500

_AWARD_COLUMNS = (
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
)
_AWARDS = cast(Table, CreditAward.__table__)  # Core, not the ORM's bulk path, for executemany
_EVENT_RULES = EVENT_RULE_COLUMNS
_SESSION_RULES = SESSION_RULE_COLUMNS


@dataclass(frozen=True, kw_only=True)
class AttendeeRecords:
    """An attendee's records of an event that credit is decided for (those ever checked in),
    in the order of their sessions' start, and whether each is checked in now."""

    attendee_id: int
    records: tuple[RecordFacts, ...]
    checked_in: frozenset[int]


def refresh_credits(
    work: Work,
    *,
    event_id: int,
    attendee_ids: Iterable[int] | None = None,
    session_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Decide the credits of some attendees of an event again and write what changed.

    Which attendees: ``attendee_ids``; else those with a record of ``session_id``; else every
    attendee of the event with a record. Each one's records of the whole event are decided
    together (time in overlapping sessions counts once). Awards are inserted, updated or
    deleted (a field of study or record that is gone) only where the decision differs from
    the stored one. Reads and writes in chunks of attendees; ``progress`` is called with the
    number of attendees done after each chunk. Returns the number of award rows written.
    """
    if attendee_ids is not None:
        wanted = sorted(set(attendee_ids))
    else:
        query = select(Checkin.attendee_id).distinct()
        if session_id is not None:
            query = query.where(Checkin.session_id == session_id)
        else:
            query = query.join(EventSession, EventSession.id == Checkin.session_id).where(
                EventSession.event_id == event_id
            )
        wanted = sorted(work.connection.scalars(query))
    if not wanted:
        return 0
    sessions = SessionCatalog(work, event_id=event_id)
    written = 0
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        everyone = load_records(work, sessions=sessions, attendee_ids=chunk)
        decisions = [
            decision for attendee in everyone for decision in decide_credits(attendee.records)
        ]
        written += _write(work, attendee_ids=chunk, decisions=decisions)
        if progress is not None:
            progress(len(chunk))
    return written


class SessionCatalog:
    """The sessions of one event as credit sees them (times, fields, rules), read once, when
    first needed, for every attendee a refresh or a transcript handles."""

    def __init__(self, work: Work, *, event_id: int) -> None:
        self._work = work
        self.event_id = event_id
        self._sessions: dict[int, SessionFacts] | None = None
        self.order: dict[int, tuple[Any, ...]] = {}
        # public id, date, start and end time, as the schedule shows them
        self.shown: dict[int, tuple[str, date | None, time | None, time | None]] = {}

    def get(self, session_id: int) -> SessionFacts:
        if self._sessions is None:
            self._sessions = self._load()
        return self._sessions[session_id]

    def order_key(self, session_id: int) -> tuple[Any, ...]:
        """Sorts sessions in schedule order (those without a date last)."""
        self.get(session_id)
        return self.order[session_id]

    def _load(self) -> dict[int, SessionFacts]:
        connection = self._work.connection
        event_id = self.event_id
        timezone = connection.scalar(select(EventRow.timezone).where(EventRow.id == event_id))
        event_rules_row = connection.execute(
            select(*_EVENT_RULES).where(EventCreditRules.event_id == event_id)
        ).first()
        event_rules = dict(zip(RULE_FIELDS, event_rules_row or (), strict=False))
        session_rules = {
            row[0]: dict(zip(RULE_FIELDS, row[1:], strict=True))
            for row in connection.execute(
                select(SessionCreditRules.session_id, *_SESSION_RULES)
                .join(EventSession, EventSession.id == SessionCreditRules.session_id)
                .where(EventSession.event_id == event_id)
            )
        }
        codewords: dict[int, list[int]] = defaultdict(list)
        for field_id, codeword_id in connection.execute(
            select(Codeword.field_of_study_id, Codeword.id)
            .join(FieldOfStudy, FieldOfStudy.id == Codeword.field_of_study_id)
            .join(EventSession, EventSession.id == FieldOfStudy.session_id)
            .where(EventSession.event_id == event_id)
            .order_by(Codeword.field_of_study_id, Codeword.position, Codeword.id)
        ):
            codewords[field_id].append(codeword_id)
        fields: dict[int, list[FieldFacts]] = defaultdict(list)
        for field_id, session_id, name, credits in connection.execute(
            select(
                FieldOfStudy.id, FieldOfStudy.session_id, FieldOfStudy.name, FieldOfStudy.credits
            )
            .join(EventSession, EventSession.id == FieldOfStudy.session_id)
            .where(EventSession.event_id == event_id)
            .order_by(FieldOfStudy.session_id, FieldOfStudy.position, FieldOfStudy.id)
        ):
            fields[session_id].append(
                FieldFacts(
                    id=field_id,
                    name=name,
                    credits=credits,
                    codeword_ids=tuple(codewords.get(field_id, ())),
                )
            )
        rules_cache: dict[tuple[Any, ...], CreditRules] = {}
        sessions = {}
        for session_id, public_id, name, day, start, end in connection.execute(
            select(
                EventSession.id,
                EventSession.public_id,
                EventSession.name,
                EventSession.date,
                EventSession.start_time,
                EventSession.end_time,
            ).where(EventSession.event_id == event_id)
        ):
            starts_at, ends_at = session_window(day, start, end, timezone)
            own = session_rules.get(session_id, {})
            key = tuple(own.get(name) for name in RULE_FIELDS)
            rules = rules_cache.get(key)
            if rules is None:
                rules = rules_cache[key] = combine_rules(event_rules, own)
            sessions[session_id] = SessionFacts(
                id=session_id,
                name=name,
                starts_at=starts_at,
                ends_at=ends_at,
                fields=tuple(fields.get(session_id, ())),
                rules=rules,
            )
            self.order[session_id] = (day or date.max, start or time.min, name, session_id)
            self.shown[session_id] = (public_id, day, start, end)
        return sessions


def load_records(
    work: Work, *, sessions: SessionCatalog, attendee_ids: Sequence[int]
) -> list[AttendeeRecords]:
    """The records of ``attendee_ids`` (attendees of the catalog's event) that were ever
    checked in, with their stays, codewords and evaluation: three queries."""
    connection = work.connection
    records_of = select(Checkin.id).where(
        Checkin.attendee_id.in_(attendee_ids), Checkin.checkin_time_actual.is_not(None)
    )
    rows = connection.execute(
        select(
            Checkin.id,
            Checkin.attendee_id,
            Checkin.session_id,
            Checkin.checked_in,
            Checkin.evaluation_completed_at,
        ).where(Checkin.attendee_id.in_(attendee_ids), Checkin.checkin_time_actual.is_not(None))
    ).all()
    stays: dict[int, list[Stay]] = defaultdict(list)
    arrived: dict[int, datetime] = {}
    for checkin_id, action, at in connection.execute(
        select(CheckinHistoryEntry.checkin_id, CheckinHistoryEntry.action, CheckinHistoryEntry.at)
        .where(CheckinHistoryEntry.checkin_id.in_(records_of))
        .order_by(CheckinHistoryEntry.checkin_id, CheckinHistoryEntry.at, CheckinHistoryEntry.id)
    ):
        if action == CheckinAction.CHECKIN:
            arrived.setdefault(checkin_id, at)
        elif checkin_id in arrived:
            stays[checkin_id].append(Stay(arrived=arrived.pop(checkin_id), left=at))
    for checkin_id, at in arrived.items():
        stays[checkin_id].append(Stay(arrived=at, left=None))
    submissions: dict[int, list[Submission]] = defaultdict(list)
    for checkin_id, codeword_id, at in connection.execute(
        select(
            CodewordSubmission.checkin_id,
            CodewordSubmission.codeword_id,
            CodewordSubmission.submitted_at,
        ).where(
            CodewordSubmission.checkin_id.in_(records_of),
            CodewordSubmission.codeword_id.is_not(None),
        )
    ):
        if codeword_id is not None:
            submissions[checkin_id].append(Submission(codeword_id=codeword_id, at=at))
    by_attendee: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    for row in rows:
        by_attendee[row[1]].append(tuple(row))
    result = []
    for attendee_id in attendee_ids:
        own = by_attendee.get(attendee_id, [])
        own.sort(key=lambda row: (sessions.order_key(row[2]), row[0]))
        result.append(
            AttendeeRecords(
                attendee_id=attendee_id,
                records=tuple(
                    RecordFacts(
                        checkin_id=checkin_id,
                        session=sessions.get(session_id),
                        stays=tuple(stays.get(checkin_id, ())),
                        submissions=tuple(submissions.get(checkin_id, ())),
                        evaluation_submitted=evaluated is not None,
                    )
                    for checkin_id, _attendee, session_id, _in, evaluated in own
                ),
                checked_in=frozenset(row[0] for row in own if row[3]),
            )
        )
    return result


def _write(work: Work, *, attendee_ids: Sequence[int], decisions: Sequence[CreditDecision]) -> int:
    connection = work.connection
    # (id, *_AWARD_COLUMNS) by (record, field of study), as plain tuples: compared whole
    stored = {
        (checkin_id, field_id): values
        for checkin_id, field_id, *values in connection.execute(
            select(
                _AWARDS.c.checkin_id,
                _AWARDS.c.field_of_study_id,
                _AWARDS.c.id,
                *[_AWARDS.c[name] for name in _AWARD_COLUMNS],
            ).where(_AWARDS.c.attendee_id.in_(attendee_ids))
        )
    }
    new_records: set[int] = set()
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for decision in decisions:
        values = _award_values(decision)
        row = stored.pop((decision.checkin_id, decision.field_of_study_id), None)
        if row is None:
            new_records.add(decision.checkin_id)
            inserts.append(
                {
                    "checkin_id": decision.checkin_id,
                    "field_of_study_id": decision.field_of_study_id,
                    "session_id": decision.session_id,
                    "computed_at": now,
                    **dict(zip(_AWARD_COLUMNS, values, strict=True)),
                }
            )
        elif _differs(row[1:], values):
            updates.append(
                {
                    "award_id": row[0],
                    "computed_at": now,
                    **dict(zip(_AWARD_COLUMNS, values, strict=True)),
                }
            )
    if inserts:
        owners = dict(
            connection.execute(
                select(Checkin.id, Checkin.attendee_id).where(Checkin.id.in_(sorted(new_records)))
            ).all()
        )
        for row_values in inserts:
            row_values["attendee_id"] = owners[row_values["checkin_id"]]
        if work.dialect == "postgresql":
            connection.execute(_INSERT_AWARDS, _arrays(inserts, _INSERTED))
        else:
            connection.execute(insert(_AWARDS), inserts)
    if updates and work.dialect == "postgresql":
        connection.execute(_UPDATE_AWARDS, _arrays(updates, _UPDATED))
    elif updates:
        # uncached: for a cached statement SQLAlchemy re-maps the bind parameters of every row
        # of an executemany (its "extracted parameters"), a sixth of a full event's write
        connection.execute(
            update(_AWARDS)
            .where(_AWARDS.c.id == bindparam("award_id"))
            .values({name: bindparam(name) for name in (*_AWARD_COLUMNS, "computed_at")}),
            updates,
            execution_options={"compiled_cache": None},
        )
    if stored:
        connection.execute(
            delete(_AWARDS).where(_AWARDS.c.id.in_([row[0] for row in stored.values()]))
        )
    return len(inserts) + len(updates) + len(stored)


# PostgreSQL: a batch's new awards in one statement, and its changed awards in another (arrays,
# one per column, so that each statement is the same whatever the batch and is prepared once).
# One statement, not one per award: the triggers of ``credit_awards`` (migration 0008) then
# move each session's version and each record's revision once for the batch.
_ARRAY_TYPES = {
    "award_id": "integer",
    "checkin_id": "integer",
    "field_of_study_id": "integer",
    "session_id": "integer",
    "attendee_id": "integer",
    "computed_at": "timestamptz",
    "credits": "numeric",
    "possible": "numeric",
    "outcome": "text",
    "seconds_attended": "integer",
    "seconds_required": "integer",
    "codewords_valid": "integer",
    "codewords_required": "integer",
    "codewords_possible": "integer",
    "evaluation_required": "boolean",
    "evaluation_submitted": "boolean",
    "reasons": "text",  # JSON text, read as json per row
}
_INSERTED = (
    "checkin_id", "field_of_study_id", "session_id", "attendee_id", "computed_at", *_AWARD_COLUMNS
)  # fmt: skip
_UPDATED = ("award_id", "computed_at", *_AWARD_COLUMNS)


def _unnest(columns: Sequence[str]) -> str:
    arrays = ", ".join(f"CAST(:{name} AS {_ARRAY_TYPES[name]}[])" for name in columns)
    return f"unnest({arrays}) AS given({', '.join(columns)})"


def _value(name: str) -> str:
    return "CAST(given.reasons AS json)" if name == "reasons" else f"given.{name}"


_INSERT_AWARDS = text(
    f"INSERT INTO {_AWARDS.name} ({', '.join(_INSERTED)})"
    f" SELECT {', '.join(_value(name) for name in _INSERTED)} FROM {_unnest(_INSERTED)}"
)
_UPDATE_AWARDS = text(
    f"UPDATE {_AWARDS.name} AS award"
    f" SET {', '.join(f'{name} = {_value(name)}' for name in _UPDATED[1:])}"
    f" FROM {_unnest(_UPDATED)} WHERE award.id = given.award_id"
)


def _arrays(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> dict[str, list[Any]]:
    """The rows' values as one list per column (reasons as JSON text)."""
    arrays: dict[str, list[Any]] = {name: [row[name] for row in rows] for name in columns}
    arrays["reasons"] = [json.dumps(reasons) for reasons in arrays["reasons"]]
    return arrays


def _award_values(decision: CreditDecision) -> tuple[Any, ...]:
    """The decision's values of ``_AWARD_COLUMNS``, in that order."""
    return (
        decision.credits,
        decision.possible,
        str(decision.outcome),
        decision.seconds_attended,
        decision.seconds_required,
        decision.codewords_valid,
        decision.codewords_required,
        decision.codewords_possible,
        decision.evaluation_required,
        decision.evaluation_submitted,
        [{"code": r.code, "text": r.text} for r in decision.reasons],
    )


def _differs(stored: Sequence[Any], values: tuple[Any, ...]) -> bool:
    """Whether a stored award's values differ from a decision's (Decimals compare as numbers,
    whatever the database returned them as)."""
    return any(
        (Decimal(old) != new if isinstance(new, Decimal) and old is not None else old != new)
        for old, new in zip(stored, values, strict=True)
    )
