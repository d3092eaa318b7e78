"""Two requests racing to make the same row: the unique constraints decide, the loser re-reads.

On PostgreSQL the second transaction's insert waits on the first's unique key (or row lock) and
then fails or re-reads; on SQLite (BEGIN IMMEDIATE) the second transaction waits to begin until
the first has committed. Either way the outcome must be the same.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

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
T = TypeVar("T")


@pytest.fixture
async def ids(db: Database) -> tuple[int, int]:
    async with db.unit_of_work() as u:
        event = await create_event(u, uri="example", name="Example Event")
        session = await make_session(
            u, event, session_date=None, fields_of_study={"Taxes": ("1", ["code5"])}
        )
        attendee = await make_attendee(u, event)
    return session.id, attendee.id


async def _load(uow: UnitOfWork, ids: tuple[int, int]) -> tuple[EventSession, Attendee]:
    session = await uow.session.get(EventSession, ids[0])
    attendee = await uow.session.get(Attendee, ids[1])
    assert session is not None and attendee is not None
    return session, attendee


def _racing(
    uow: UnitOfWork,
    ids: tuple[int, int],
    action: Callable[[EventSession, Attendee], Awaitable[T]],
) -> asyncio.Task[T]:
    """Start ``action`` in ``uow`` while another transaction is still open (the load is part
    of the race: on SQLite it is where the second transaction waits)."""

    async def _run() -> T:
        session, attendee = await _load(uow, ids)
        return await action(session, attendee)

    return asyncio.create_task(_run())


async def test_perform_checkin_racing_with_the_same_nonce_is_one_checkin(
    db: Database, ids: tuple[int, int]
) -> None:
    first, second = db.unit_of_work(), db.unit_of_work()
    try:
        session, attendee = await _load(first, ids)
        await perform_checkin(first, session=session, attendee=attendee, source=WEB, nonce="n")
        racing = _racing(
            second,
            ids,
            lambda s, a: perform_checkin(second, session=s, attendee=a, source=WEB, nonce="n"),
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
        racing = _racing(
            second, ids, lambda s, a: perform_checkin(second, session=s, attendee=a, source=WEB)
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
        racing = _racing(
            second,
            ids,
            lambda s, _a: preload_attendees(
                second, session=s, attendees=[PreloadAttendee(email="attendee@example.com")]
            ),
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
        racing = _racing(
            second,
            ids,
            lambda s, a: submit_codeword(
                second, session=s, attendee=a, field_of_study_name="Taxes", word="code5"
            ),
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
