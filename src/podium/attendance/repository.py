"""Queries of attendance. Callers pass a session already scoped to their event."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, NamedTuple, TypeVar, cast

from sqlalchemy import (
    CursorResult,
    Row,
    Select,
    Table,
    bindparam,
    delete,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import selectinload

from podium.attendance.status_repository import list_fields_of_study
from podium.enums import CheckinAction
from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import (
    AttendanceVersion,
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    CodewordSubmission,
    CreditAdjustment,
    CreditAward,
    FieldOfStudy,
)
from podium.people.repository import (
    insert_each_once_for_an_attendee,
    insert_once_for_an_attendee,
)

_CHUNK = 500
# the most records loaded by id at once (load_session_attendance_rows)
CHUNK = _CHUNK


async def lock_checkin(uow: UnitOfWork, *, session_id: int, attendee_id: int) -> Checkin | None:
    """The attendee's record for the session, locked for this transaction (PostgreSQL; SQLite
    writers are serialised anyway) and re-read even if it is in the identity map."""
    return await uow.session.scalar(
        select(Checkin)
        .where(Checkin.session_id == session_id, Checkin.attendee_id == attendee_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


# --- for group-commit jobs (synchronous, on the job's connection) --------------------------

# Built once on the tables (plain Core, not the ORM's statements, whose execution goes through
# the ORM's bulk machinery): executed with parameters, their compiled form is cached.
_CHECKINS = cast(Table, Checkin.__table__)
_HISTORY = cast(Table, CheckinHistoryEntry.__table__)
_ATTENDEES = cast(Table, Attendee.__table__)
# the columns a new record is inserted with (the rest are NULL)
NEW_RECORD_COLUMNS = (
    "session_id",
    "attendee_id",
    "preloaded",
    "checked_in",
    "checkin_time",
    "checkin_time_actual",
    "delivery_format",
    "checkin_source",
    "created_at",
)
_INSERT_CHECKIN_IF_ABSENT = insert_once_for_an_attendee(
    _CHECKINS, NEW_RECORD_COLUMNS, unique=[_CHECKINS.c.session_id, _CHECKINS.c.attendee_id]
)
# PostgreSQL: a first check-in's record and its history entry in one statement (one round
# trip instead of two); SQLite, in process, runs the two statements
_NEW_RECORD = _INSERT_CHECKIN_IF_ABSENT["postgresql"].cte("new_record")
HISTORY_COLUMNS = ("action", "at", "source", "nonce")
_INSERT_FIRST_CHECKIN = (
    insert(_HISTORY)
    .from_select(
        ("checkin_id", *HISTORY_COLUMNS),
        select(
            _NEW_RECORD.c.id,
            *(bindparam(name, type_=_HISTORY.c[name].type) for name in HISTORY_COLUMNS),
        ),
    )
    .returning(_HISTORY.c.checkin_id)
    .add_cte(_NEW_RECORD, nest_here=True)
)
_IS_EVENT_ATTENDEE = select(_ATTENDEES.c.id).where(
    _ATTENDEES.c.id == bindparam("attendee_id"), _ATTENDEES.c.event_id == bindparam("event_id")
)
_INSERT_HISTORY_ENTRY = insert(_HISTORY)
_LOCK_CHECKIN_ROW = (
    select(
        _CHECKINS.c.id,
        _CHECKINS.c.checked_in,
        _CHECKINS.c.checkin_time,
        _CHECKINS.c.checkin_time_actual,
    )
    .where(
        _CHECKINS.c.session_id == bindparam("session_id"),
        _CHECKINS.c.attendee_id == bindparam("attendee_id"),
    )
    .with_for_update()
)
_LOCK_CHECKOUT_ROW = (
    select(_CHECKINS.c.id, _CHECKINS.c.checked_in, _CHECKINS.c.evaluation_completed_at)
    .where(
        _CHECKINS.c.session_id == bindparam("session_id"),
        _CHECKINS.c.attendee_id == bindparam("attendee_id"),
    )
    .with_for_update()
)
_HISTORY_ACTION_BY_NONCE = select(_HISTORY.c.action).where(
    _HISTORY.c.checkin_id == bindparam("checkin_id"), _HISTORY.c.nonce == bindparam("nonce")
)


def insert_checkin_if_absent(work: Work, *, event_id: int, values: dict[str, Any]) -> int | None:
    """INSERT the record ``values`` describe (the columns of ``NEW_RECORD_COLUMNS``) unless
    the attendee has one for the session or is not an attendee of the event ``event_id``: its
    new id, or None. A record another transaction is making meanwhile is waited for
    (PostgreSQL) — no unique violation. One statement."""
    statement = _INSERT_CHECKIN_IF_ABSENT[work.dialect]
    found = work.connection.execute(statement, {**values, "event_id": event_id})
    checkin_id = found.scalar_one_or_none()
    return int(checkin_id) if checkin_id is not None else None


def insert_first_checkin(
    work: Work, *, event_id: int, record: dict[str, Any], entry: dict[str, Any]
) -> int | None:
    """:func:`insert_checkin_if_absent`, and when it made the record, its first history entry
    (``entry``: the columns of ``HISTORY_COLUMNS``): the new record's id, or None."""
    if work.dialect == "postgresql":
        found = work.connection.execute(
            _INSERT_FIRST_CHECKIN, {**record, **entry, "event_id": event_id}
        )
        checkin_id = found.scalar_one_or_none()
        return int(checkin_id) if checkin_id is not None else None
    made = insert_checkin_if_absent(work, event_id=event_id, values=record)
    if made is not None:
        add_history_entry(work, values={"checkin_id": made, **entry})
    return made


class FirstCheckin(NamedTuple):
    """A first check-in for :func:`insert_first_checkins`: the record's session and attendee
    (of ``event_id``), its check-in instant, how the attendee attends, the source, and the
    history entry's nonce."""

    event_id: int
    session_id: int
    attendee_id: int
    at: datetime
    delivery_format: str | None
    source: str
    nonce: str | None


# PostgreSQL: a run of first check-ins in one statement, whatever its size (arrays, one per
# column, so that the statement is the same and is prepared once). Records in the order given.
_INSERT_FIRST_CHECKINS = text(
    f"""
WITH given AS (
    SELECT * FROM unnest(
        CAST(:event_ids AS integer[]), CAST(:session_ids AS integer[]),
        CAST(:attendee_ids AS integer[]), CAST(:times AS timestamptz[]),
        CAST(:formats AS text[]), CAST(:sources AS text[]), CAST(:nonces AS text[])
    ) WITH ORDINALITY
    AS given(event_id, session_id, attendee_id, at, delivery_format, source, nonce, position)
), new_record AS (
    INSERT INTO {_CHECKINS.name} ({", ".join(NEW_RECORD_COLUMNS)})
    SELECT given.session_id, given.attendee_id, false, true, given.at, given.at,
        given.delivery_format, given.source, CAST(:created_at AS timestamptz)
    FROM given JOIN {_ATTENDEES.name} AS attendee
        ON attendee.id = given.attendee_id AND attendee.event_id = given.event_id
    ORDER BY given.position
    ON CONFLICT (session_id, attendee_id) DO NOTHING
    RETURNING id, session_id, attendee_id
), entry AS (
    INSERT INTO {_HISTORY.name} (checkin_id, {", ".join(HISTORY_COLUMNS)})
    SELECT new_record.id, :action, given.at, given.source, given.nonce
    FROM new_record JOIN given USING (session_id, attendee_id)
    ORDER BY given.position
)
SELECT id, session_id, attendee_id FROM new_record
"""
)


def insert_first_checkins(
    work: Work, *, checkins: Sequence[FirstCheckin], created_at: datetime
) -> dict[tuple[int, int], int]:
    """:func:`insert_first_checkin` for each of ``checkins`` (of distinct attendees): the id
    of each record made, by (session id, attendee id). None is made for an attendee who has a
    record for the session (waiting for one another transaction is making, on PostgreSQL) or
    is not an attendee of the event. PostgreSQL: one statement. SQLite: the records in one
    executemany, then which are new (the ids after the largest before it: the transaction is
    the database's only writer), then their history entries in one executemany."""
    if work.dialect == "sqlite":
        return _insert_first_checkins_sqlite(work, checkins, created_at)
    rows = work.connection.execute(
        _INSERT_FIRST_CHECKINS,
        {
            "event_ids": [checkin.event_id for checkin in checkins],
            "session_ids": [checkin.session_id for checkin in checkins],
            "attendee_ids": [checkin.attendee_id for checkin in checkins],
            "times": [checkin.at for checkin in checkins],
            "formats": [checkin.delivery_format for checkin in checkins],
            "sources": [checkin.source for checkin in checkins],
            "nonces": [checkin.nonce for checkin in checkins],
            "created_at": created_at,
            "action": str(CheckinAction.CHECKIN),
        },
    )
    return {(session_id, attendee_id): checkin_id for checkin_id, session_id, attendee_id in rows}


_LARGEST_CHECKIN_ID = select(func.max(_CHECKINS.c.id))
_INSERT_EACH_CHECKIN_IF_ABSENT = insert_each_once_for_an_attendee(
    _CHECKINS, NEW_RECORD_COLUMNS, unique=[_CHECKINS.c.session_id, _CHECKINS.c.attendee_id]
)
_CHECKINS_AFTER = (
    select(_CHECKINS.c.id, _CHECKINS.c.session_id, _CHECKINS.c.attendee_id)
    .where(_CHECKINS.c.id > bindparam("after"))
    .order_by(_CHECKINS.c.id)
)


def _insert_first_checkins_sqlite(
    work: Work, checkins: Sequence[FirstCheckin], created_at: datetime
) -> dict[tuple[int, int], int]:
    after = work.connection.execute(_LARGEST_CHECKIN_ID).scalar() or 0
    work.connection.execute(
        _INSERT_EACH_CHECKIN_IF_ABSENT,
        [
            {
                "event_id": checkin.event_id,
                "session_id": checkin.session_id,
                "attendee_id": checkin.attendee_id,
                "preloaded": False,
                "checked_in": True,
                "checkin_time": checkin.at,
                "checkin_time_actual": checkin.at,
                "delivery_format": checkin.delivery_format,
                "checkin_source": checkin.source,
                "created_at": created_at,
            }
            for checkin in checkins
        ],
    )
    made = {
        (session_id, attendee_id): checkin_id
        for checkin_id, session_id, attendee_id in work.connection.execute(
            _CHECKINS_AFTER, {"after": after}
        )
    }
    entries = [
        {
            "checkin_id": made[(checkin.session_id, checkin.attendee_id)],
            "action": str(CheckinAction.CHECKIN),
            "at": checkin.at,
            "source": checkin.source,
            "nonce": checkin.nonce,
        }
        for checkin in checkins
        if (checkin.session_id, checkin.attendee_id) in made
    ]
    if entries:
        work.connection.execute(_INSERT_HISTORY_ENTRY, entries)
    return made


def is_event_attendee(work: Work, *, event_id: int, attendee_id: int) -> bool:
    found = work.connection.execute(
        _IS_EVENT_ATTENDEE, {"event_id": event_id, "attendee_id": attendee_id}
    )
    return found.first() is not None


def add_history_entry(work: Work, *, values: dict[str, Any]) -> None:
    """INSERT a history entry (every column but the id). One statement."""
    work.connection.execute(_INSERT_HISTORY_ENTRY, values)


def lock_checkin_row(
    work: Work, *, session_id: int, attendee_id: int
) -> Row[int, bool, datetime | None, datetime | None] | None:
    """The attendee's record for the session (id, checked_in, checkin_time,
    checkin_time_actual), its row locked for the transaction (PostgreSQL)."""
    return work.connection.execute(
        _LOCK_CHECKIN_ROW, {"session_id": session_id, "attendee_id": attendee_id}
    ).one_or_none()


def lock_checkout_row(
    work: Work, *, session_id: int, attendee_id: int
) -> Row[int, bool, datetime | None] | None:
    """The attendee's record for the session (id, checked_in, evaluation_completed_at), its
    row locked for the transaction (PostgreSQL)."""
    return work.connection.execute(
        _LOCK_CHECKOUT_ROW, {"session_id": session_id, "attendee_id": attendee_id}
    ).one_or_none()


def history_action_by_nonce(work: Work, *, checkin_id: int, nonce: str) -> str | None:
    """The action of the record's history entry made with ``nonce``, if any."""
    action = work.connection.execute(
        _HISTORY_ACTION_BY_NONCE, {"checkin_id": checkin_id, "nonce": nonce}
    ).scalar_one_or_none()
    return str(action) if action is not None else None


# --- for units of work ---------------------------------------------------------------------


async def find_checkin(uow: UnitOfWork, *, session_id: int, attendee_id: int) -> Checkin | None:
    return await uow.session.scalar(
        select(Checkin).where(Checkin.session_id == session_id, Checkin.attendee_id == attendee_id)
    )


async def find_field_of_study(
    uow: UnitOfWork, *, session_id: int, name_key: str
) -> FieldOfStudy | None:
    """The session's field of study by casefolded name, with its codewords."""
    return await uow.session.scalar(
        select(FieldOfStudy)
        .where(FieldOfStudy.session_id == session_id, FieldOfStudy.name_key == name_key)
        .options(selectinload(FieldOfStudy.codewords))
    )


async def find_codeword_submission_by_nonce(
    uow: UnitOfWork, *, checkin_id: int, nonce: str
) -> CodewordSubmission | None:
    return await uow.session.scalar(
        select(CodewordSubmission).where(
            CodewordSubmission.checkin_id == checkin_id, CodewordSubmission.nonce == nonce
        )
    )


async def list_codeword_submissions(
    uow: UnitOfWork, *, checkin_id: int, field_of_study_id: int
) -> list[CodewordSubmission]:
    """The record's submissions for one field, valid or not, in submission order."""
    return list(
        await uow.session.scalars(
            select(CodewordSubmission)
            .where(
                CodewordSubmission.checkin_id == checkin_id,
                CodewordSubmission.field_of_study_id == field_of_study_id,
            )
            .order_by(CodewordSubmission.id)
            .execution_options(populate_existing=True)
        )
    )


async def find_credit_adjustment(
    uow: UnitOfWork, *, checkin_id: int, field_of_study_id: int
) -> CreditAdjustment | None:
    return await uow.session.scalar(
        select(CreditAdjustment)
        .where(
            CreditAdjustment.checkin_id == checkin_id,
            CreditAdjustment.field_of_study_id == field_of_study_id,
        )
        .execution_options(populate_existing=True)
    )


async def find_checkin_ids(
    uow: UnitOfWork, *, session_id: int, attendee_ids: Collection[int]
) -> dict[int, int]:
    """attendee id -> record id, for those of ``attendee_ids`` with a record for the session."""
    found: dict[int, int] = {}
    ids = sorted(set(attendee_ids))
    for start in range(0, len(ids), _CHUNK):
        rows = await uow.session.execute(
            select(Checkin.attendee_id, Checkin.id).where(
                Checkin.session_id == session_id,
                Checkin.attendee_id.in_(ids[start : start + _CHUNK]),
            )
        )
        found.update({attendee_id: checkin_id for attendee_id, checkin_id in rows})
    return found


# the columns of a record row: the record's, then its attendee's (prefixed "attendee_")
RECORD_COLUMNS = (
    Checkin.id,
    Checkin.preloaded,
    Checkin.checked_in,
    Checkin.checkin_time,
    Checkin.checkout_time,
    Checkin.checkin_time_actual,
    Checkin.checkout_time_actual,
    Checkin.delivery_format,
    Checkin.admin_note,
    Checkin.attendee_note,
    Checkin.checkin_source,
    Checkin.checkout_source,
    Checkin.evaluation_completed_at,
    Attendee.id.label("attendee_id"),
    Attendee.first_name,
    Attendee.last_name,
    Attendee.email,
    Attendee.external_id,
    Attendee.field_1,
    Attendee.field_2,
    Attendee.field_3,
    Attendee.field_4,
    Attendee.field_5,
    Checkin.revision,
)
# the report's order of a session's records
_REPORT_ORDER = (
    Checkin.checkin_time.is_(None),
    Checkin.checkin_time,
    func.lower(Attendee.last_name),
    func.lower(Attendee.first_name),
    Checkin.id,
)


@dataclass(frozen=True)
class SessionAttendanceRows:
    """A session's records as plain rows (``RECORD_COLUMNS``: the record's, its attendee's,
    then the record's revision), in report order, with what belongs to each by record id, and
    the session's fields of study with their codewords."""

    records: Sequence[Row[*tuple[Any, ...]]]
    # record id -> (action, at, source) in time order
    history: dict[int, list[tuple[str, datetime, str | None]]]
    # record id -> (field of study id, codeword id) of its valid submissions, in order
    submissions: dict[int, list[tuple[int, int]]]
    # record id -> field of study id -> credits awarded by hand
    adjustments: dict[int, dict[int, Decimal]]
    # record id -> field of study id -> credits the rules award (``credit_awards``)
    awarded: dict[int, dict[int, Decimal]]
    fields_of_study: list[FieldOfStudy]


async def load_session_attendance_rows(
    uow: UnitOfWork,
    *,
    session_id: int,
    email_key: str | None = None,
    external_id_key: str | None = None,
    checkin_ids: Collection[int] | None = None,
    fields_of_study: list[FieldOfStudy] | None = None,
) -> SessionAttendanceRows:
    """All records of the session (or those of attendees with that email / external id, or
    those of ``checkin_ids``: at most ``CHUNK`` of them), earliest check-in first,
    never-checked-in last, then by attendee name; no ORM objects but the fields of study
    (``fields_of_study`` when given: the session's, as
    :func:`status_repository.list_fields_of_study` reads them).

    Three queries whatever the number of records when the session has no fields of study,
    six when it has (records, history, fields, their codewords, submissions, the credits
    awarded by hand and by the rules); two fewer when given the fields.
    """
    if checkin_ids is not None and len(checkin_ids) > CHUNK:
        raise ValueError(f"at most {CHUNK} records by id, not {len(checkin_ids)}")
    ids = select(Checkin.id).join(Attendee, Attendee.id == Checkin.attendee_id)
    ids = _record_filter(ids, session_id, email_key, external_id_key, checkin_ids)
    records = _record_filter(
        select(*RECORD_COLUMNS)
        .join(Attendee, Attendee.id == Checkin.attendee_id)
        .order_by(*_REPORT_ORDER),
        session_id,
        email_key,
        external_id_key,
        checkin_ids,
    )
    # Core, not the ORM's result machinery: thousands of plain rows
    connection = await uow.session.connection()
    rows = (await connection.execute(records)).all()
    history: dict[int, list[tuple[str, datetime, str | None]]] = {}
    entries = await connection.execute(
        select(
            CheckinHistoryEntry.checkin_id,
            CheckinHistoryEntry.action,
            CheckinHistoryEntry.at,
            CheckinHistoryEntry.source,
        )
        .where(CheckinHistoryEntry.checkin_id.in_(ids.scalar_subquery()))
        .order_by(CheckinHistoryEntry.checkin_id, CheckinHistoryEntry.at, CheckinHistoryEntry.id)
    )
    for checkin_id, action, at, source in entries:
        history.setdefault(checkin_id, []).append((action, at, source))
    fields = (
        fields_of_study
        if fields_of_study is not None
        else await list_fields_of_study(uow, session_id=session_id)
    )
    submissions: dict[int, list[tuple[int, int]]] = {}
    adjustments: dict[int, dict[int, Decimal]] = {}
    awards: dict[int, dict[int, Decimal]] = {}
    if fields:
        valid = await connection.execute(
            select(
                CodewordSubmission.checkin_id,
                CodewordSubmission.field_of_study_id,
                CodewordSubmission.codeword_id,
            )
            .where(
                CodewordSubmission.checkin_id.in_(ids.scalar_subquery()),
                CodewordSubmission.codeword_id.is_not(None),
            )
            .order_by(CodewordSubmission.checkin_id, CodewordSubmission.id)
        )
        for checkin_id, field_id, codeword_id in valid:
            submissions.setdefault(checkin_id, []).append((field_id, cast(int, codeword_id)))
        credited = await connection.execute(
            select(
                literal(True).label("by_hand"),
                CreditAdjustment.checkin_id,
                CreditAdjustment.field_of_study_id,
                CreditAdjustment.credits,
            )
            .where(CreditAdjustment.checkin_id.in_(ids.scalar_subquery()))
            .union_all(
                select(
                    literal(False),
                    CreditAward.checkin_id,
                    CreditAward.field_of_study_id,
                    CreditAward.credits,
                ).where(CreditAward.checkin_id.in_(ids.scalar_subquery()))
            )
        )
        for by_hand, checkin_id, field_id, credits in credited:
            (adjustments if by_hand else awards).setdefault(checkin_id, {})[field_id] = credits
    return SessionAttendanceRows(
        records=rows,
        history=history,
        submissions=submissions,
        adjustments=adjustments,
        awarded=awards,
        fields_of_study=fields,
    )


_Statement = TypeVar("_Statement", bound=Select[*tuple[Any, ...]])


def _record_filter(
    statement: _Statement,
    session_id: int,
    email_key: str | None,
    external_id_key: str | None,
    checkin_ids: Collection[int] | None = None,
) -> _Statement:
    statement = statement.where(Checkin.session_id == session_id)
    if checkin_ids is not None:
        statement = statement.where(Checkin.id.in_(sorted(checkin_ids)))
    if email_key is not None:
        statement = statement.where(Attendee.email_key == email_key)
    if external_id_key is not None:
        statement = statement.where(Attendee.external_id_key == external_id_key)
    return statement


async def delete_checkins(uow: UnitOfWork, *, checkin_ids: Collection[int]) -> int:
    """Delete these records; their history, codewords and credit adjustments go with them."""
    removed = 0
    ids = sorted(set(checkin_ids))
    for start in range(0, len(ids), _CHUNK):
        result = await uow.session.execute(
            delete(Checkin)
            .where(Checkin.id.in_(ids[start : start + _CHUNK]))
            .execution_options(synchronize_session="fetch")
        )
        removed += _rowcount(result)
    return removed


async def delete_session_checkins(uow: UnitOfWork, *, session_id: int) -> int:
    """Delete every record of the session, preloaded ones included; returns how many."""
    result = await uow.session.execute(
        delete(Checkin)
        .where(Checkin.session_id == session_id)
        .execution_options(synchronize_session="fetch")
    )
    return _rowcount(result)


def _rowcount(result: Any) -> int:
    return cast(CursorResult[Any], result).rowcount


async def session_checkin_revisions(uow: UnitOfWork, *, session_id: int) -> list[tuple[int, int]]:
    """(record id, revision) of every record of the session, in report order. One query."""
    connection = await uow.session.connection()
    rows = await connection.execute(
        select(Checkin.id, Checkin.revision)
        .join(Attendee, Attendee.id == Checkin.attendee_id)
        .where(Checkin.session_id == session_id)
        .order_by(*_REPORT_ORDER)
    )
    # the rows as they come (tuples already): thousands of them, on every list built again
    return cast(list[tuple[int, int]], rows.all())


async def records_generations(uow: UnitOfWork, *, session_id: int) -> list[tuple[int, int]]:
    """(slot, generation) of the rows of the session's attendance version whose records
    generation moved (see ``models.AttendanceVersion``), by slot. One query."""
    connection = await uow.session.connection()
    rows = await connection.execute(
        select(AttendanceVersion.slot, AttendanceVersion.records_generation)
        .where(
            AttendanceVersion.session_id == session_id,
            AttendanceVersion.records_generation != 0,
        )
        .order_by(AttendanceVersion.slot)
    )
    return [(slot, generation) for slot, generation in rows]


async def attendance_versions(uow: UnitOfWork, *, session_id: int) -> list[tuple[int, int]]:
    """(slot, version) of each row of the session's attendance version, by slot (see
    ``models.AttendanceVersion``). One query."""
    connection = await uow.session.connection()
    rows = await connection.execute(
        select(AttendanceVersion.slot, AttendanceVersion.version)
        .where(AttendanceVersion.session_id == session_id)
        .order_by(AttendanceVersion.slot)
    )
    return [(slot, version) for slot, version in rows]
