from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from podium.kit.db import Database, UnitOfWork, async_url, create_database
from podium.kit.pubsub import InMemoryBroker, Message
from podium.models import Event


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = create_database(f"sqlite:///{tmp_path / 'pragmas.sqlite3'}", busy_timeout_ms=1234)
    try:
        yield database
    finally:
        await database.dispose()


async def _pragmas(engine: AsyncEngine) -> dict[str, object]:
    async with engine.connect() as connection:
        return {
            name: (await connection.exec_driver_sql(f"PRAGMA {name}")).scalar()
            for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
        }


async def test_sqlite_write_connections_use_wal_full_sync_foreign_keys_and_busy_timeout(
    sqlite_db: Database,
) -> None:
    assert await _pragmas(sqlite_db.write_engine) == {
        "journal_mode": "wal",
        "synchronous": 2,  # FULL
        "foreign_keys": 1,
        "busy_timeout": 1234,
    }


async def test_sqlite_read_connections_have_the_same_pragmas(sqlite_db: Database) -> None:
    assert sqlite_db.read_engine is not sqlite_db.write_engine
    assert await _pragmas(sqlite_db.read_engine) == await _pragmas(sqlite_db.write_engine)


def test_async_url_picks_the_async_drivers() -> None:
    assert [
        async_url("sqlite:///var/podium.sqlite3"),
        async_url("sqlite:////srv/podium.sqlite3"),
        async_url("postgresql://podium@db/podium"),
        async_url("postgres://podium@db/podium"),
        async_url("postgresql+asyncpg://podium@db/podium"),
    ] == [
        "sqlite+aiosqlite:///var/podium.sqlite3",
        "sqlite+aiosqlite:////srv/podium.sqlite3",
        "postgresql+asyncpg://podium@db/podium",
        "postgresql+asyncpg://podium@db/podium",
        "postgresql+asyncpg://podium@db/podium",
    ]


async def _event_uris(db: Database) -> list[str]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(Event.uri).order_by(Event.uri)))


async def _read_then_write(uow: UnitOfWork, uri: str) -> None:
    # read first: with a deferred BEGIN, SQLite would refuse this writer's later upgrade to a
    # write lock ("database is locked") once the other writer commits
    await uow.session.scalar(select(func.count()).select_from(Event))
    uow.session.add(Event(uri=uri, name=uri.title()))
    await uow.session.flush()


async def test_two_concurrent_write_units_of_work_both_commit(db: Database) -> None:
    first = db.unit_of_work()
    await _read_then_write(first, "first")

    async def second_writer() -> None:
        async with db.unit_of_work() as second:
            await _read_then_write(second, "second")

    second = asyncio.create_task(second_writer())
    await asyncio.sleep(0.3)
    if db.is_sqlite:
        # BEGIN IMMEDIATE: the second writer queues behind the first instead of failing
        assert not second.done()
    await first.commit()
    await first.close()
    await asyncio.wait_for(second, timeout=20)

    assert await _event_uris(db) == ["first", "second"]


async def test_a_read_unit_of_work_does_not_wait_for_a_writer(db: Database) -> None:
    async with db.unit_of_work() as before:
        before.session.add(Event(uri="committed", name="Committed"))
    writer = db.unit_of_work()
    await _read_then_write(writer, "uncommitted")
    try:
        uris = await asyncio.wait_for(_event_uris(db), timeout=5)
    finally:
        await writer.rollback()
        await writer.close()

    assert uris == ["committed"]


async def test_unit_of_work_runs_after_commit_effects_only_after_the_commit(db: Database) -> None:
    seen: list[list[str]] = []

    async with db.unit_of_work() as uow:
        uow.session.add(Event(uri="expo", name="Expo"))

        async def effect() -> None:
            seen.append(await _event_uris(db))

        uow.after_commit(effect)
        await uow.session.flush()
        assert seen == []

    assert seen == [["expo"]]


async def test_unit_of_work_drops_effects_and_changes_on_rollback(db: Database) -> None:
    ran: list[str] = []

    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            uow.session.add(Event(uri="expo", name="Expo"))

            async def effect() -> None:
                ran.append("effect")

            uow.after_commit(effect)
            await uow.session.flush()
            raise RuntimeError("the command failed")

    assert (ran, await _event_uris(db)) == ([], [])


async def test_unit_of_work_publishes_only_once_committed(db: Database) -> None:
    broker = InMemoryBroker()
    async with broker.subscribe("event:expo") as queue:
        uow = db.unit_of_work()
        uow.broker = broker
        uow.publish("event:expo", {"type": "poll.opened"})
        assert queue.empty()
        await uow.commit()
        await uow.close()
        received: Message = queue.get_nowait()

        rolled_back = db.unit_of_work()
        rolled_back.broker = broker
        rolled_back.publish("event:expo", {"type": "never"})
        await rolled_back.rollback()
        await rolled_back.close()

        assert (received, queue.empty()) == ({"type": "poll.opened"}, True)
