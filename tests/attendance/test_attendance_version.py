"""``attendance_version``: the name of the present state of a session's attendance list, moved
by database triggers in the transaction of every write that changes the list (the endpoint's
tests check each kind of write; these check the version itself)."""

from __future__ import annotations

import asyncio

from sqlalchemy import delete, select, text

from podium.attendance.service import attendance_version, perform_checkin
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.models import AttendanceVersion, Attendee, EventSession
from podium.program.service import delete_session
from tests.attendance.helpers import T0
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


async def _version(db: Database, session_id: int) -> str | None:
    async with db.unit_of_work(write=False) as u:
        session = await u.session.get(EventSession, session_id)
        assert session is not None
        return await attendance_version(u, session=session)


async def _two_sessions_and_a_person(db: Database) -> tuple[int, int, int]:
    first, second, attendee, _other = await _two_sessions_and_two_people(db)
    return first, second, attendee


async def _two_sessions_and_two_people(db: Database) -> tuple[int, int, int, int]:
    async with db.unit_of_work() as u:
        event = await create_event(u, uri="example", name="Example Event")
        first, second = await make_session(u, event), await make_session(u, event)
        attendee = await make_attendee(u, event)
        other = await make_attendee(u, event, email="b@x.org")
    return first.id, second.id, attendee.id, other.id


async def _check_in(uow: UnitOfWork, session_id: int, attendee_id: int) -> None:
    session = await uow.session.get(EventSession, session_id)
    attendee = await uow.session.get(Attendee, attendee_id)
    assert session is not None and attendee is not None
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)


async def test_attendance_version_of_a_new_session_exists(db: Database) -> None:
    first, second, _attendee = await _two_sessions_and_a_person(db)

    assert await _version(db, first) is not None
    assert await _version(db, first) != await _version(db, second)


async def test_attendance_version_moves_when_the_write_commits_and_only_for_its_session(
    db: Database,
) -> None:
    first, second, attendee = await _two_sessions_and_a_person(db)
    before = await _version(db, first), await _version(db, second)

    writer = db.unit_of_work()
    await _check_in(writer, first, attendee)
    uncommitted = await _version(db, first)
    await writer.commit()
    await writer.close()

    assert uncommitted == before[0]
    assert (await _version(db, first), await _version(db, second)) != before
    assert await _version(db, second) == before[1]


async def test_attendance_version_moves_when_a_savepoint_that_moved_it_was_rolled_back(
    db: Database,
) -> None:
    """A transaction moves a session's version once (PostgreSQL remembers which sessions it
    moved); a rollback to a savepoint forgets the move along with the rows."""
    first, _second, attendee, other = await _two_sessions_and_two_people(db)
    before = await _version(db, first)

    async with db.unit_of_work() as u:
        savepoint = await u.session.begin_nested()
        await _check_in(u, first, attendee)
        await savepoint.rollback()
        await _check_in(u, first, other)

    assert await _version(db, first) != before


async def test_attendance_version_of_each_session_of_a_renamed_attendee_moves(
    db: Database,
) -> None:
    first, second, attendee = await _two_sessions_and_a_person(db)
    async with db.unit_of_work() as u:
        await _check_in(u, first, attendee)
        await _check_in(u, second, attendee)
    before = await _version(db, first), await _version(db, second)

    async with db.unit_of_work() as u:
        await u.session.execute(
            text("UPDATE attendees SET first_name = 'Renamed' WHERE id = :id"), {"id": attendee}
        )
    after = await _version(db, first), await _version(db, second)

    assert after[0] != before[0]
    assert after[1] != before[1]


async def test_attendance_version_goes_with_its_session(db: Database) -> None:
    first, second, attendee = await _two_sessions_and_a_person(db)
    async with db.unit_of_work() as u:
        await _check_in(u, first, attendee)

    async with db.unit_of_work() as u:
        session = await u.session.get(EventSession, first)
        assert session is not None
        await delete_session(u, session=session)
    async with db.unit_of_work(write=False) as u:
        sessions = set(await u.session.scalars(select(AttendanceVersion.session_id)))

    assert sessions == {second}


async def test_attendance_version_deleted_by_hand_is_none(db: Database) -> None:
    first, _second, _attendee = await _two_sessions_and_a_person(db)
    async with db.unit_of_work() as u:
        await u.session.execute(delete(AttendanceVersion))

    assert await _version(db, first) is None


async def test_transactions_moving_two_sessions_in_opposite_orders_neither_wait_nor_deadlock(
    db: Database,
) -> None:
    """PostgreSQL keeps an updated row's lock until the commit: with one version row per
    session, check-ins into one session would commit one after another, and these two
    transactions would deadlock. SQLite's writers take turns (BEGIN IMMEDIATE) instead."""
    one, other, first_attendee, second_attendee = await _two_sessions_and_two_people(db)
    before = await _version(db, one), await _version(db, other)
    first = db.unit_of_work()
    second = db.unit_of_work()
    try:
        await _check_in(first, one, first_attendee)
        if db.is_sqlite:

            async def second_writer() -> None:
                await _check_in(second, other, second_attendee)
                await _check_in(second, one, second_attendee)
                await second.commit()

            waiting = asyncio.create_task(second_writer())
            await asyncio.sleep(0.3)
            assert not waiting.done()
            await _check_in(first, other, first_attendee)
            await first.commit()
            await asyncio.wait_for(waiting, timeout=20)
        else:
            # each step would wait for the other transaction's commit if it waited at all
            await asyncio.wait_for(_check_in(second, other, second_attendee), timeout=10)
            await asyncio.wait_for(_check_in(first, other, first_attendee), timeout=10)
            await asyncio.wait_for(_check_in(second, one, second_attendee), timeout=10)
            await second.commit()
            await first.commit()
    finally:
        for unit in (first, second):
            await unit.rollback()
            await unit.close()

    after = await _version(db, one), await _version(db, other)
    assert after[0] != before[0]
    assert after[1] != before[1]
