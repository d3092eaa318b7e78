"""Engines and the unit of work.

SQLite is the embedded default: WAL journal, ``synchronous=FULL`` (an acknowledged write survives
a power loss), foreign keys on, a busy timeout, and write transactions that ``BEGIN IMMEDIATE`` so
concurrent writers queue on the busy timeout instead of failing half-way with "database is
locked". Reads use a second engine whose transactions begin deferred, so readers never wait for
the write lock. PostgreSQL uses one engine for both.

Bursts of small writes (check-ins, votes) go through the database's :class:`GroupCommit`
instead (``Database.group_commit``, see :mod:`podium.kit.writer`); the same jobs run inside a
unit of work with :meth:`UnitOfWork.run`.

Both kinds of write emit events (``uow.emit``, ``work.emit``) to the database's
:class:`~podium.kit.subscribers.Subscribers`: its reactions run inside the transaction, its
after-commit subscribers once it has committed. ``create_database`` is given the reactions;
Podium's edges open their database through ``podium.reactions.open_database``, which gives it
the domain's.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any, TypeVar

from sqlalchemy import create_engine, event, make_url
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from podium.kit.inline_sqlite import inline_connector
from podium.kit.pubsub import Broker
from podium.kit.reads import TurnReads
from podium.kit.subscribers import Reactions, Subscribers
from podium.kit.writer import GroupCommit, Job, Work

AfterCommit = Callable[[], Awaitable[None]]
T = TypeVar("T")


def async_url(url: str) -> str:
    """Turn ``sqlite:///x`` / ``postgresql://…`` into the async driver URL SQLAlchemy needs."""
    if url.startswith("sqlite:///"):
        return "sqlite+aiosqlite:///" + url[len("sqlite:///") :]
    if url.startswith("postgres://"):
        return "postgresql+asyncpg://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url[len("postgresql://") :]
    return url


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


def _sqlite_engine(
    url: str,
    *,
    begin: str,
    busy_timeout_ms: int,
    single_connection: bool = False,
    inline: bool = False,
) -> AsyncEngine:
    """An async engine of the SQLite file of ``url``; with ``inline``, its statements run on
    the event loop's thread (reads only: :mod:`podium.kit.inline_sqlite`)."""
    timeout = busy_timeout_ms / 1000
    # One writer connection per process: concurrent write transactions queue for it in the
    # pool, and the next one starts the moment the last commits. With a connection each they
    # would all wait inside SQLite's busy handler, which sleeps between tries (up to 100 ms),
    # so the lock would sit idle while everyone sleeps.
    pool = {"pool_size": 1, "max_overflow": 0, "pool_timeout": timeout} if single_connection else {}
    if inline:
        path = make_url(async_url(url)).database or ""
        engine = create_async_engine(
            async_url(url), async_creator=inline_connector(path, timeout=timeout), **pool
        )
    else:
        engine = create_async_engine(async_url(url), connect_args={"timeout": timeout}, **pool)
    _configure_sqlite(engine.sync_engine, begin=begin, busy_timeout_ms=busy_timeout_ms)
    return engine


def _sqlite_sync_engine(url: str, *, begin: str, busy_timeout_ms: int) -> Engine:
    """A synchronous engine of one connection: the group commit's batch thread writes with one
    (``BEGIN IMMEDIATE``), :meth:`Database.read` reads with another (``BEGIN``)."""
    engine = create_engine(
        url.replace("sqlite+aiosqlite:", "sqlite:", 1),
        connect_args={"timeout": busy_timeout_ms / 1000, "check_same_thread": False},
        pool_size=1,
        max_overflow=0,
    )
    _configure_sqlite(engine, begin=begin, busy_timeout_ms=busy_timeout_ms)
    return engine


def _configure_sqlite(engine: Engine, *, begin: str, busy_timeout_ms: int) -> None:
    """Podium's PRAGMAs on every connection of ``engine``; ``begin`` opens its transactions."""

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own BEGIN is switched off so that ours (below) is the only one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        conn.exec_driver_sql(begin)


@dataclass
class Database:
    """The engines of one database and the sessions made from them."""

    url: str
    write_engine: AsyncEngine
    read_engine: AsyncEngine
    broker: Broker | None = None
    busy_timeout_ms: int = 30_000
    # PostgreSQL: how many group-commit batches may be written at once
    parallel_batches: int = 1
    # who hears the events its writes emit
    subscribers: Subscribers = field(default_factory=lambda: Subscribers({}))
    _write_sessions: async_sessionmaker[AsyncSession] = field(init=False, repr=False)
    _read_sessions: async_sessionmaker[AsyncSession] = field(init=False, repr=False)
    _group_commit: GroupCommit | None = field(default=None, init=False, repr=False)
    _turn_reads: TurnReads | None = field(default=None, init=False, repr=False)

    def __post_init__(self) -> None:
        self._write_sessions = async_sessionmaker(self.write_engine, expire_on_commit=False)
        self._read_sessions = async_sessionmaker(self.read_engine, expire_on_commit=False)

    @property
    def group_commit(self) -> GroupCommit:
        """This process's group commit of small write jobs (made when first used)."""
        if self._group_commit is None:
            self._group_commit = GroupCommit(
                self,
                sync_engine=(
                    _sqlite_sync_engine(
                        self.url, begin="BEGIN IMMEDIATE", busy_timeout_ms=self.busy_timeout_ms
                    )
                    if self.is_sqlite
                    else None
                ),
                parallel=self.parallel_batches,
            )
        return self._group_commit

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.url)

    def unit_of_work(self, *, write: bool = True) -> UnitOfWork:
        """A new unit of work; ``write=False`` for requests that only read."""
        factory = self._write_sessions if write else self._read_sessions
        return UnitOfWork(factory(), broker=self.broker, subscribers=self.subscribers)

    @property
    def read_transactions(self) -> int:
        """Read transactions :meth:`read` has run so far (each holding a turn's reads)."""
        return self._turn_reads.batches if self._turn_reads is not None else 0

    async def read(self, job: Job[T]) -> T:
        """What the read job ``job`` (a group-commit job that writes nothing and emits nothing)
        returns, run in a read transaction.

        Meant for the small reads of the pages' hottest answers (the attendance section after a
        check-in); a read of thousands of rows belongs in a unit of work. It runs with the reads
        asked for in the same turn of the event loop (:mod:`podium.kit.reads`): on SQLite on the
        loop's thread, on PostgreSQL on one connection of the read engine.
        """
        if self._turn_reads is None:
            self._turn_reads = (
                TurnReads(
                    _sqlite_sync_engine(
                        self.url, begin="BEGIN", busy_timeout_ms=self.busy_timeout_ms
                    )
                )
                if self.is_sqlite
                else TurnReads(async_engine=self.read_engine)
            )
        return await self._turn_reads.run(job)

    async def dispose(self) -> None:
        if self._group_commit is not None:
            await self._group_commit.close()
            self._group_commit = None
        if self._turn_reads is not None:
            self._turn_reads.dispose()
            self._turn_reads = None
        await self.write_engine.dispose()
        if self.read_engine is not self.write_engine:
            await self.read_engine.dispose()


# asyncpg's own statement cache and SQLAlchemy's cache of asyncpg prepared statements both off:
# every statement is then prepared unnamed, inside the transaction that runs it, which is what
# PgBouncer's transaction pooling needs (a later transaction may get another server connection,
# where a named statement prepared earlier does not exist)
PGBOUNCER_CONNECT_ARGS: dict[str, Any] = {
    "statement_cache_size": 0,
    "prepared_statement_cache_size": 0,
}


# a pooled connection unused for longer than this is pinged before it is lent
IDLE_PING_SECONDS = 5.0
_IDLE_SINCE = "podium_idle_since"


def ping_idle_connections(engine: AsyncEngine) -> None:
    """Before the pool lends a connection that has been idle for ``IDLE_PING_SECONDS``, ping it;
    one that does not answer (PostgreSQL restarted, a proxy dropped it) is replaced by a new one
    before anyone uses it. SQLAlchemy's ``pool_pre_ping`` pings at every checkout, and asyncpg's
    ping is three round trips (BEGIN, an empty query, ROLLBACK, for PgBouncer): at a keynote's
    doors that was three of the eight round trips of every group-commit batch and read turn,
    for connections that had answered a millisecond before."""
    pool_events = engine.sync_engine

    @event.listens_for(pool_events, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool_events, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return  # new, or in use a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as error:  # the pool makes a new connection and lends that
            raise DisconnectionError("an idle pooled connection did not answer") from error


def create_database(
    url: str,
    *,
    reactions: Reactions,
    pool_size: int = 10,
    busy_timeout_ms: int = 30_000,
    pgbouncer: bool = False,
) -> Database:
    """Engines for ``url`` (``sqlite:///path`` or ``postgresql://…``). ``reactions``: what runs
    inside the transaction of a write for each event it emits (no default, so that no caller
    forgets the domain's: ``podium.reactions.open_database``). ``pgbouncer`` makes PostgreSQL
    connections fit for PgBouncer in transaction mode (ignored for SQLite)."""
    if is_sqlite(url):
        return Database(
            url=url,
            write_engine=_sqlite_engine(
                url,
                begin="BEGIN IMMEDIATE",
                busy_timeout_ms=busy_timeout_ms,
                single_connection=True,
            ),
            read_engine=_sqlite_engine(
                url, begin="BEGIN", busy_timeout_ms=busy_timeout_ms, inline=True
            ),
            busy_timeout_ms=busy_timeout_ms,
            subscribers=Subscribers(reactions),
        )
    engine = create_async_engine(
        async_url(url),
        pool_size=pool_size,
        max_overflow=pool_size,
        connect_args=dict(PGBOUNCER_CONNECT_ARGS) if pgbouncer else {},
    )
    ping_idle_connections(engine)
    # half the pool may write group-commit batches at once; the rest serves requests
    return Database(
        url=url,
        write_engine=engine,
        read_engine=engine,
        parallel_batches=max(1, pool_size // 2),
        subscribers=Subscribers(reactions),
    )


class UnitOfWork:
    """One transaction owned by an edge (a request, a CLI command, a job).

    Services receive it, read and write through ``session``, may flush, and never commit. What
    happened is emitted with :meth:`emit` (or by the jobs :meth:`run` runs): its reactions run
    inside this transaction, its after-commit subscribers once the commit succeeded. Other
    effects that must not happen unless the transaction lands are queued with
    :meth:`after_commit`. A rollback drops both.
    """

    def __init__(
        self,
        session: AsyncSession,
        *,
        broker: Broker | None = None,
        subscribers: Subscribers | None = None,
    ) -> None:
        self.session = session
        self.broker = broker
        self.subscribers = subscribers if subscribers is not None else Subscribers({})
        self._after_commit: list[AfterCommit] = []
        self._events: list[object] = []

    def after_commit(self, effect: AfterCommit) -> None:
        self._after_commit.append(effect)

    async def emit(self, event: object) -> None:
        """Record that ``event`` happened in this transaction. Its reactions run now, inside
        the transaction, after a flush of what the session holds (so they read the use case's
        writes); what they raise reaches the caller and the event is dropped. The after-commit
        subscribers hear it once this unit of work has committed."""
        if type(event) not in self.subscribers.reactions:
            self._events.append(event)
            return
        await self.session.flush()
        emitted: list[object] = []
        reactions = self.subscribers.reactions

        def react(session: Any) -> None:
            Work(session.connection(), reactions=reactions, events=emitted).emit(event)

        await self.session.run_sync(react)
        self._events.extend(emitted)

    async def run(self, job: Job[T]) -> T:
        """Run a group-commit job (see :mod:`podium.kit.writer`) inside this unit of work's
        transaction, after flushing what the session holds; what it emits meets its reactions
        in this transaction and its after-commit subscribers after this unit of work's commit
        (nothing, if the job raises). ORM objects of rows the job changed are stale: re-read
        them."""
        await self.session.flush()
        emitted: list[object] = []
        reactions = self.subscribers.reactions

        def inline(session: Any) -> T:
            return job(Work(session.connection(), reactions=reactions, events=emitted))

        result = await self.session.run_sync(inline)
        self._events.extend(emitted)
        return result

    @property
    def events(self) -> list[object]:
        """What was emitted in this transaction so far (not yet committed), in order."""
        return list(self._events)

    async def commit(self) -> None:
        await self.session.commit()
        effects, self._after_commit = self._after_commit, []
        events, self._events = self._events, []
        for effect in effects:
            await effect()
        await self.subscribers.deliver(events, self.broker)

    async def rollback(self) -> None:
        self._after_commit.clear()
        self._events.clear()
        await self.session.rollback()

    async def close(self) -> None:
        await self.session.close()

    async def __aenter__(self) -> UnitOfWork:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.commit()
            else:
                await self.rollback()
        finally:
            await self.close()
