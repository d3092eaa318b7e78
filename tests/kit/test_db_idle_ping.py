"""ping_idle_connections: a pooled connection is pinged before it is lent only when it has been
idle a while, and one that does not answer is replaced before anyone uses it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from podium.kit import db as kit_db
from podium.kit.db import Database, async_url, ping_idle_connections


@pytest.fixture
async def engine(db: Database) -> AsyncIterator[AsyncEngine]:
    made = create_async_engine(async_url(db.url), pool_size=1, max_overflow=0)
    ping_idle_connections(made)
    yield made
    await made.dispose()


class Pings:
    """Counts the dialect's pings; ``fail`` makes the next ones fail as a dead server's would."""

    def __init__(self, engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        self.fail = 0
        ping = engine.dialect.do_ping

        def counted(dbapi_connection: Any) -> bool:
            self.count += 1
            if self.fail:
                self.fail -= 1
                raise ConnectionError("the server went away")
            return ping(dbapi_connection)

        monkeypatch.setattr(engine.dialect, "do_ping", counted)


async def _identity(engine: AsyncEngine) -> tuple[int, Any]:
    """What the query answers on the connection the pool lends, and that DBAPI connection."""
    async with engine.connect() as connection:
        answer = await connection.scalar(text("SELECT 1"))
        raw = await connection.get_raw_connection()
        return int(answer or 0), raw.driver_connection


async def test_a_connection_used_a_moment_ago_is_lent_without_a_ping(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = Pings(engine, monkeypatch)
    first = await _identity(engine)

    again = await _identity(engine)

    assert pings.count == 0
    assert again[1] is first[1]  # the same pooled connection


async def test_an_idle_connection_is_pinged_and_one_that_does_not_answer_is_replaced(
    engine: AsyncEngine, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = Pings(engine, monkeypatch)
    _answer, before = await _identity(engine)
    monkeypatch.setattr(kit_db, "IDLE_PING_SECONDS", 0.0)

    assert (await _identity(engine))[1] is before and pings.count == 1  # answered: kept
    pings.fail = 1
    answer, after = await _identity(engine)

    assert (answer, pings.count) == (1, 2)
    assert after is not before  # a new connection, made before the caller used it


async def test_a_connection_the_server_ended_while_idle_is_replaced(
    engine: AsyncEngine, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with engine.connect() as connection:
        # SQLite: the file is the database, nothing to end; PostgreSQL: this backend's process
        pid = await connection.scalar(
            text("SELECT 0" if db.is_sqlite else "SELECT pg_backend_pid()")
        )
    if not db.is_sqlite:
        async with db.write_engine.connect() as other:
            await other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    monkeypatch.setattr(kit_db, "IDLE_PING_SECONDS", 0.0)

    async with engine.connect() as connection:
        now = await connection.scalar(
            text("SELECT 0" if db.is_sqlite else "SELECT pg_backend_pid()")
        )

    assert (now == pid) if db.is_sqlite else (now != pid)


async def test_the_databases_own_pool_lends_a_busy_connection_without_a_ping(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    pings = Pings(db.read_engine, monkeypatch)

    for _ in range(3):
        async with db.unit_of_work(write=False) as uow:
            await uow.session.execute(text("SELECT 1"))

    assert pings.count == 0
