"""Queries of attendance. Callers pass a session already scoped to their event."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, delete, func, select
from sqlalchemy.orm import contains_eager, selectinload

from podium.kit.db import UnitOfWork
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    CodewordSubmission,
    CreditAdjustment,
    FieldOfStudy,
)

_CHUNK = 500


async def lock_checkin(uow: UnitOfWork, *, session_id: int, attendee_id: int) -> Checkin | None:
    """The attendee's record for the session, locked for this transaction (PostgreSQL; SQLite
    writers are serialised anyway) and re-read even if it is in the identity map."""
    return await uow.session.scalar(
        select(Checkin)
        .where(Checkin.session_id == session_id, Checkin.attendee_id == attendee_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def find_checkin(uow: UnitOfWork, *, session_id: int, attendee_id: int) -> Checkin | None:
    return await uow.session.scalar(
        select(Checkin).where(Checkin.session_id == session_id, Checkin.attendee_id == attendee_id)
    )


async def find_history_entry(
    uow: UnitOfWork, *, checkin_id: int, nonce: str
) -> CheckinHistoryEntry | None:
    return await uow.session.scalar(
        select(CheckinHistoryEntry).where(
            CheckinHistoryEntry.checkin_id == checkin_id, CheckinHistoryEntry.nonce == nonce
        )
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


@dataclass(frozen=True)
class SessionAttendance:
    """A session's records, each with its attendee, history, codeword submissions and credit
    adjustments loaded, and the session's fields of study with their codewords."""

    checkins: list[Checkin]
    fields_of_study: list[FieldOfStudy]


async def load_session_attendance(
    uow: UnitOfWork,
    *,
    session_id: int,
    email_key: str | None = None,
    external_id_key: str | None = None,
) -> SessionAttendance:
    """All records of the session (or those of attendees with that email / external id),
    earliest check-in first, never-checked-in last, then by attendee name.

    Six queries whatever the number of records (up to 500 per IN list).
    """
    statement = (
        select(Checkin)
        .join(Checkin.attendee)
        .where(Checkin.session_id == session_id)
        .options(
            contains_eager(Checkin.attendee),
            selectinload(Checkin.history),
            selectinload(Checkin.codeword_submissions),
            selectinload(Checkin.credit_adjustments),
        )
        .order_by(
            Checkin.checkin_time.is_(None),
            Checkin.checkin_time,
            func.lower(Attendee.last_name),
            func.lower(Attendee.first_name),
            Checkin.id,
        )
        .execution_options(populate_existing=True)
    )
    if email_key is not None:
        statement = statement.where(Attendee.email_key == email_key)
    if external_id_key is not None:
        statement = statement.where(Attendee.external_id_key == external_id_key)
    checkins = list((await uow.session.scalars(statement)).unique())
    fields = list(
        await uow.session.scalars(
            select(FieldOfStudy)
            .where(FieldOfStudy.session_id == session_id)
            .options(selectinload(FieldOfStudy.codewords))
            .order_by(FieldOfStudy.position, FieldOfStudy.id)
        )
    )
    return SessionAttendance(checkins=checkins, fields_of_study=fields)


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
