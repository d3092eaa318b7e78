from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from podium.kit.db import Database, UnitOfWork, async_url, create_database
from podium.kit.pubsub import Broker, InMemoryBroker
from podium.kit.subscribers import NO_REACTIONS, Committed, Subscribers
from podium.kit.writer import Work
from podium.models import Event


@dataclass(frozen=True, slots=True)
class PollOpened:
    """Tests' own events: kit knows events only by their type."""

    poll: str


@dataclass(frozen=True, slots=True)
class PollClosed:
    poll: str


@pytest.fixture
async def sqlite_db(tmp_path: Path) -> AsyncIterator[Database]:
    database = create_database(
        f"sqlite:///{tmp_path / 'pragmas.sqlite3'}", reactions=NO_REACTIONS, busy_timeout_ms=1234
    )
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


def _unit(db: Database, subscribers: Subscribers, *, broker: Broker | None = None) -> UnitOfWork:
    """A unit of work of ``db`` heard by ``subscribers`` alone."""
    uow = db.unit_of_work()
    uow.subscribers = subscribers
    uow.broker = broker
    return uow


async def test_unit_of_work_delivers_its_events_only_once_committed(db: Database) -> None:
    heard: list[Committed] = []

    async def listener(committed: Committed) -> None:
        heard.append(committed)

    subscribers = Subscribers({})
    subscribers.listen_after_commit(listener)
    broker = InMemoryBroker()
    uow = _unit(db, subscribers, broker=broker)
    await uow.emit(PollOpened("p1"))
    assert heard == []
    await uow.commit()
    await uow.close()

    rolled_back = _unit(db, subscribers, broker=broker)
    await rolled_back.emit(PollOpened("never"))
    await rolled_back.rollback()
    await rolled_back.close()

    assert heard == [Committed(events=(PollOpened("p1"),), broker=broker)]


async def test_unit_of_work_emit_runs_reactions_in_the_transaction_after_a_flush(
    db: Database,
) -> None:
    seen: list[list[str]] = []

    def count_events(work: Work, event: PollOpened) -> None:
        uris = work.connection.scalars(select(Event.uri).order_by(Event.uri))
        seen.append([*uris, event.poll])

    subscribers = Subscribers({PollOpened: [count_events]})
    uow = _unit(db, subscribers)
    try:
        uow.session.add(Event(uri="expo", name="Expo"))  # pending: flushed before the reaction
        await uow.emit(PollOpened("p1"))
        await uow.rollback()
    finally:
        await uow.close()

    assert (seen, await _event_uris(db)) == ([["expo", "p1"]], [])


async def test_unit_of_work_drops_an_event_whose_reaction_raises(db: Database) -> None:
    heard: list[Committed] = []

    def refuse(_work: Work, _event: PollOpened) -> None:
        raise LookupError("no")

    async def listener(committed: Committed) -> None:
        heard.append(committed)

    subscribers = Subscribers({PollOpened: [refuse]})
    subscribers.listen_after_commit(listener)
    async with _unit(db, subscribers) as uow:
        with pytest.raises(LookupError):
            await uow.emit(PollOpened("p1"))
        await uow.emit(PollClosed("p1"))

    assert [committed.events for committed in heard] == [(PollClosed("p1"),)]


async def test_an_after_commit_subscriber_that_fails_is_logged_and_the_others_still_hear(
    db: Database, caplog: pytest.LogCaptureFixture
) -> None:
    heard: list[object] = []

    async def broken(_committed: Committed) -> None:
        raise RuntimeError("the relay is down")

    async def listener(committed: Committed) -> None:
        heard.extend(committed.events)

    subscribers = Subscribers({})
    subscribers.listen_after_commit(broken)
    subscribers.listen_after_commit(listener)
    subscribers.listen_after_commit(listener)  # once, however often it is given
    async with _unit(db, subscribers) as uow:
        uow.session.add(Event(uri="expo", name="Expo"))
        await uow.emit(PollOpened("p1"))

    assert (heard, await _event_uris(db)) == ([PollOpened("p1")], ["expo"])
    assert [record.getMessage() for record in caplog.records] == [
        "an after-commit subscriber failed; the commit stands"
    ]
