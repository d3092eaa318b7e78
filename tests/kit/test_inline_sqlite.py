"""SQLite's read engine runs its statements on the event loop's thread (no aiosqlite thread
hops), and a WAL read there never waits for a writer's open transaction."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text

from podium.kit.db import Database, create_database
from podium.kit.subscribers import NO_REACTIONS


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    # a short busy timeout: a read that waited for the writer would fail, not hang the loop
    database = create_database(
        f"sqlite:///{tmp_path / 'inline.sqlite3'}", reactions=NO_REACTIONS, busy_timeout_ms=300
    )
    async with database.write_engine.begin() as connection:
        await connection.execute(text("CREATE TABLE rooms (id INTEGER PRIMARY KEY, name TEXT)"))
        await connection.execute(text("INSERT INTO rooms (name) VALUES ('Ballroom')"))
    yield database
    await database.dispose()


async def test_read_engine_runs_statements_on_the_callers_thread(sqlite_db: Database) -> None:
    threads: list[int] = []
    async with sqlite_db.read_engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        await driver.create_function(
            "where_am_i", 0, lambda: threads.append(threading.get_ident()) or 1
        )
        answered = (await connection.execute(text("SELECT where_am_i()"))).scalar_one()

    assert answered == 1
    assert threads == [threading.get_ident()]


async def test_read_engine_reads_while_a_write_transaction_is_open(sqlite_db: Database) -> None:
    async with sqlite_db.write_engine.connect() as writer:
        await writer.execute(text("INSERT INTO rooms (name) VALUES ('Annex')"))  # not committed
        async with sqlite_db.unit_of_work(write=False) as uow:
            rooms = (await uow.session.execute(text("SELECT name FROM rooms"))).scalars().all()
        await writer.rollback()

    assert rooms == ["Ballroom"]


async def test_read_engine_connections_close_and_reopen(sqlite_db: Database) -> None:
    for _ in range(3):
        async with sqlite_db.unit_of_work(write=False) as uow:
            count = (await uow.session.execute(text("SELECT count(*) FROM rooms"))).scalar_one()
        assert count == 1
    await sqlite_db.read_engine.dispose()
    async with sqlite_db.unit_of_work(write=False) as uow:
        name = (await uow.session.execute(text("SELECT name FROM rooms"))).scalar_one()

    assert name == "Ballroom"
