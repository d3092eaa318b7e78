"""Two requests racing to make the same row: the unique constraints decide, the loser re-reads.

SQLite serialises writers (BEGIN IMMEDIATE), so the race only exists on PostgreSQL.
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from podium.attendance.errors import AlreadyCheckedIn
from podium.attendance.service import perform_checkin, preload_attendees, submit_codeword
from podium.attendance.types import PreloadAttendee
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    CodewordSubmission,
    EventSession,
)
from tests.attendance.helpers import count_rows
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


@pytest.fixture
async def ids(db: Database) -> tuple[int, int]:
    if db.is_sqlite:
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    async with db.unit_of_work() as u:
        event = await create_event(u, uri="example", name="Example Event")
        session = await make_session(u, event, fields_of_study={"Taxes": ("1", ["code5"])})
        attendee = await make_attendee(u, event)
    return session.id, attendee.id


async def _load(uow: UnitOfWork, ids: tuple[int, int]) -> tuple[EventSession, Attendee]:
    session = await uow.session.get(EventSession, ids[0])
    attendee = await uow.session.get(Attendee, ids[1])
    assert session is not None and attendee is not None
    return session, attendee


async def test_perform_checkin_racing_with_the_same_nonce_is_one_checkin(
    db: Database, ids: tuple[int, int]
) -> None:
    first, second = db.unit_of_work(), db.unit_of_work()
    try:
        session, attendee = await _load(first, ids)
        await perform_checkin(first, session=session, attendee=attendee, source=WEB, nonce="n")
        session2, attendee2 = await _load(second, ids)
        racing = asyncio.create_task(
            perform_checkin(second, session=session2, attendee=attendee2, source=WEB, nonce="n")
        )
        await asyncio.sleep(0.3)  # the second insert now waits on the first's unique key
        await first.commit()
        record = await racing
        await second.commit()
    finally:
        await first.close()
        await second.close()

    assert record.checked_in is True
    async with db.unit_of_work() as check:
        assert await count_rows(check, Checkin) == 1
        assert await count_rows(check, CheckinHistoryEntry) == 1


async def test_perform_checkin_racing_without_a_nonce_is_already_checked_in(
    db: Database, ids: tuple[int, int]
) -> None:
    first, second = db.unit_of_work(), db.unit_of_work()
    try:
        session, attendee = await _load(first, ids)
        await perform_checkin(first, session=session, attendee=attendee, source=WEB)
        session2, attendee2 = await _load(second, ids)
        racing = asyncio.create_task(
            perform_checkin(second, session=session2, attendee=attendee2, source=WEB)
        )
        await asyncio.sleep(0.3)
        await first.commit()
        with pytest.raises(AlreadyCheckedIn):
            await racing
        await second.rollback()
    finally:
        await first.close()
        await second.close()


async def test_preload_racing_with_a_checkin_keeps_the_checkin(
    db: Database, ids: tuple[int, int]
) -> None:
    first, second = db.unit_of_work(), db.unit_of_work()
    try:
        session, attendee = await _load(first, ids)
        await perform_checkin(first, session=session, attendee=attendee, source=WEB)
        session2, _ = await _load(second, ids)
        racing = asyncio.create_task(
            preload_attendees(
                second,
                session=session2,
                attendees=[PreloadAttendee(email="attendee@example.com")],
            )
        )
        await asyncio.sleep(0.3)
        await first.commit()
        count = await racing
        await second.commit()
    finally:
        await first.close()
        await second.close()

    assert count == 1
    async with db.unit_of_work() as check:
        (record,) = await check.session.scalars(select(Checkin))
        assert (record.preloaded, record.checked_in) == (False, True)


async def test_submit_codeword_racing_with_the_same_word_records_it_once(
    db: Database, ids: tuple[int, int]
) -> None:
    async with db.unit_of_work() as u:
        session, attendee = await _load(u, ids)
        await perform_checkin(u, session=session, attendee=attendee, source=WEB)
    first, second = db.unit_of_work(), db.unit_of_work()
    try:
        session, attendee = await _load(first, ids)
        # the row lock on the record serialises the two; the second sees the first's word
        await submit_codeword(
            first, session=session, attendee=attendee, field_of_study_name="Taxes", word="code5"
        )
        session2, attendee2 = await _load(second, ids)
        racing = asyncio.create_task(
            submit_codeword(
                second,
                session=session2,
                attendee=attendee2,
                field_of_study_name="Taxes",
                word="code5",
            )
        )
        await asyncio.sleep(0.3)
        await first.commit()
        result = await racing
        await second.commit()
    finally:
        await first.close()
        await second.close()

    assert (result.accepted, result.already_submitted) == (True, True)
    async with db.unit_of_work() as check:
        assert await count_rows(check, CodewordSubmission) == 1
