"""Queries of attendees. Every query is scoped by the event."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Column, Table, bindparam, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql.dml import Insert, ReturningInsert

from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import Attendee, Event
from podium.people.types import PageAttendee

# Keeps each IN (...) list well below the bound-parameter limits of SQLite and asyncpg.
_CHUNK = 500
_ATTENDEES = cast(Table, Attendee.__table__)
_PAGE_ATTENDEE = select(_ATTENDEES.c.id, _ATTENDEES.c.first_name, _ATTENDEES.c.email).where(
    _ATTENDEES.c.event_id == bindparam("event_id"), _ATTENDEES.c.id == bindparam("attendee_id")
)


def page_attendee(work: Work, *, event_id: int, attendee_id: int) -> PageAttendee | None:
    """The attendee ``attendee_id`` of the event ``event_id`` as a page names them; None for
    another event's or a removed one. One statement (a read job's)."""
    row = work.connection.execute(
        _PAGE_ATTENDEE, {"event_id": event_id, "attendee_id": attendee_id}
    ).one_or_none()
    return None if row is None else PageAttendee(*row)


async def find_attendees_by_keys(
    uow: UnitOfWork,
    *,
    event: Event,
    external_id_keys: Collection[str] = (),
    email_keys: Collection[str] = (),
) -> list[Attendee]:
    """Attendees of ``event`` whose casefolded external id or email is one of the keys,
    oldest first."""
    found: dict[int, Attendee] = {}
    externals, emails = sorted(set(external_id_keys)), sorted(set(email_keys))
    for start in range(0, max(len(externals), len(emails)), _CHUNK):
        external_chunk = externals[start : start + _CHUNK]
        email_chunk = emails[start : start + _CHUNK]
        conditions = []
        if external_chunk:
            conditions.append(Attendee.external_id_key.in_(external_chunk))
        if email_chunk:
            conditions.append(Attendee.email_key.in_(email_chunk))
        rows = await uow.session.scalars(
            select(Attendee).where(Attendee.event_id == event.id, or_(*conditions))
        )
        for attendee in rows:
            found[attendee.id] = attendee
    return [found[key] for key in sorted(found)]


async def find_attendee(uow: UnitOfWork, *, event: Event, attendee_id: int) -> Attendee | None:
    return await uow.session.scalar(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.id == attendee_id)
    )


async def mark_joined(uow: UnitOfWork, *, attendee: Attendee, at: datetime) -> bool:
    """Mark ``attendee`` joined at ``at`` unless a browser joined as them already; whether
    this call marked it (one UPDATE, so two joins at once cannot both be first)."""
    result = await uow.session.execute(
        update(Attendee)
        .where(Attendee.id == attendee.id, Attendee.joined_at.is_(None))
        .values(joined_at=at)
        .execution_options(synchronize_session=False)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return False
    set_committed_value(attendee, "joined_at", at)
    return True


def insert_once_for_an_attendee(
    table: Table, columns: Sequence[str], *, unique: Sequence[Column[int]]
) -> dict[str, ReturningInsert[int]]:
    """By dialect, a statement that INSERTs a row of ``table`` (the values of ``columns``,
    bound by their names) that an attendee makes — only when ``:attendee_id`` is an attendee of
    the event ``:event_id``, and only when no row has the same ``unique`` columns — and
    RETURNs its id (none when it made nothing). Built once, compiled once: for group-commit
    jobs, which thus check the attendee's event in the INSERT itself."""
    return {
        dialect: _insert_once(table, columns, unique, insert_of).returning(table.c.id)
        for dialect, insert_of in (("postgresql", postgresql_insert), ("sqlite", sqlite_insert))
    }


def insert_each_once_for_an_attendee(
    table: Table, columns: Sequence[str], *, unique: Sequence[Column[int]]
) -> Insert:
    """SQLite: :func:`insert_once_for_an_attendee`'s statement without RETURNING, for a list of
    rows in one ``execute`` (the driver's executemany)."""
    statement: Insert = _insert_once(table, columns, unique, sqlite_insert)
    return statement


def _insert_once(
    table: Table, columns: Sequence[str], unique: Sequence[Column[int]], insert_of: Any
) -> Any:
    of_an_attendee = (
        select(*(bindparam(name, type_=table.c[name].type) for name in columns))
        .select_from(_ATTENDEES)
        .where(
            _ATTENDEES.c.id == bindparam("attendee_id"),
            _ATTENDEES.c.event_id == bindparam("event_id"),
        )
    )
    return (
        insert_of(table)
        .from_select(columns, of_an_attendee)
        .on_conflict_do_nothing(index_elements=list(unique))
    )
