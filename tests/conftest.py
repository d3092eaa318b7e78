"""Fixtures shared by the whole suite.

Every test that touches the database runs on SQLite, and again on PostgreSQL when
``PODIUM_TEST_DATABASE_URL`` is set (e.g. ``postgresql://postgres@127.0.0.1:5432/test``): the
``database`` fixture is parametrised by backend. Each run migrates a database of its own (a new
SQLite file; a new PostgreSQL database created beside the one in the URL and dropped at the
end), and every test starts from empty tables.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy import event as sa_event
from sqlalchemy import text
from sqlalchemy.engine import Engine

from podium.config import Settings
from podium.events.service import create_event
from podium.integrations.service import create_api_key
from podium.kit.db import Database, UnitOfWork
from podium.migrations import upgrade_to_head
from podium.models import Attendee, Base, Event, EventSession
from podium.reactions import open_database
from podium.web.app import create_app
from podium.web.realtime import messages as realtime_messages
from tests.factories import make_attendee, make_session
from tests.mail_support import smtp_server  # noqa: F401 (a fixture for every test)

PG_URL = os.environ.get("PODIUM_TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if PG_URL else [])]
BASE_URL = "https://podium.test"
CLIENT_IP = "203.0.113.7"


def _pg_server_url(url: str) -> tuple[str, str]:
    """Split ``postgresql://user@host:port/db`` into (url without the db, db)."""
    head, _, database = url.rpartition("/")
    return head, database


def _open(url: str, **options: Any) -> Database:
    """The database as Podium's edges open it: the domain's reactions, and the realtime relay
    that ``create_app`` installs (installed here too, so that service-level tests hear what
    their unit of work's broker is sent without making an application first)."""
    db = open_database(url, **options)
    realtime_messages.install(db)
    return db


@pytest.fixture(scope="session", params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "podium-test.sqlite3"
        db = _open(f"sqlite:///{path}")
        await upgrade_to_head(db)
        yield db
        await db.dispose()
        return
    assert PG_URL is not None
    server, maintenance_db = _pg_server_url(PG_URL.replace("+asyncpg", ""))
    name = f"podium_test_{os.getpid()}_{secrets.token_hex(4)}"
    admin = await asyncpg.connect(f"{server}/{maintenance_db}")
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    db = _open(f"{server}/{name}", pool_size=5)
    try:
        await upgrade_to_head(db)
        yield db
    finally:
        await db.dispose()
        admin = await asyncpg.connect(f"{server}/{maintenance_db}")
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _empty_tables(db: Database) -> None:
    tables = [table.name for table in reversed(Base.metadata.sorted_tables)]
    async with db.write_engine.begin() as connection:
        if db.is_sqlite:
            for table in tables:
                await connection.execute(text(f'DELETE FROM "{table}"'))
        else:
            quoted = ", ".join(f'"{table}"' for table in tables)
            await connection.execute(text(f"TRUNCATE {quoted} RESTART IDENTITY CASCADE"))


@pytest.fixture
async def db(database: Database) -> AsyncIterator[Database]:
    """The test database, emptied before the test."""
    await _empty_tables(database)
    yield database


@pytest.fixture
async def uow(db: Database) -> AsyncIterator[UnitOfWork]:
    """A unit of work for service-level tests; committed at the end of the test if it can be."""
    unit = db.unit_of_work()
    try:
        yield unit
    finally:
        await unit.rollback()
        await unit.close()


@pytest.fixture
def settings(db: Database) -> Settings:
    # no check-outs at the session end behind the tests' backs (tests/worker/test_session_end.py
    # turns them on)
    return Settings(
        database_url=db.url,
        base_url=BASE_URL,
        secret_key="test-secret",
        session_end_check_seconds=0,
    )


@pytest.fixture
async def client(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client talking to the app in-process, from the address ``CLIENT_IP``."""
    app = create_app(settings=settings, database=db)
    transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


@dataclass
class Api:
    """A client for one event's /api/v2, with a valid API key."""

    client: httpx.AsyncClient
    event: Event
    key: str
    headers: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.headers = {"API-Key": self.key}

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.get(f"/api/v2{path}", headers=self.headers, **kwargs)

    async def post(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.post(f"/api/v2{path}", headers=self.headers, **kwargs)

    async def put(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.put(f"/api/v2{path}", headers=self.headers, **kwargs)

    async def delete(self, path: str, **kwargs: Any) -> httpx.Response:
        return await self.client.delete(f"/api/v2{path}", headers=self.headers, **kwargs)


async def make_event_with_key(
    db: Database, uri: str = "example", timezone: str | None = "America/Chicago"
) -> tuple[Event, str]:
    async with db.unit_of_work() as unit:
        event = await create_event(unit, uri=uri, name="Example Event", timezone=timezone)
        new_key = await create_api_key(unit, event=event, description="tests")
    return event, new_key.key


@pytest.fixture
async def api(db: Database, client: httpx.AsyncClient) -> Api:
    event, key = await make_event_with_key(db)
    return Api(client=client, event=event, key=key)


@pytest.fixture
async def event(uow: UnitOfWork) -> Event:
    """The event "example" (America/Chicago), made in the test's unit of work."""
    return await create_event(uow, uri="example", name="Example Event", timezone="America/Chicago")


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(uow, event)


@pytest.fixture
async def attendee(uow: UnitOfWork, event: Event) -> Attendee:
    return await make_attendee(uow, event)


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(db: Database) -> Any:
    """``with count_queries() as counter:`` counts the SQL statements sent to the database
    (BEGIN/COMMIT and PRAGMAs aside)."""

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def _on_execute(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            head = statement.lstrip().split(None, 1)[0].upper() if statement.strip() else ""
            if head not in {"BEGIN", "COMMIT", "ROLLBACK", "PRAGMA", "SAVEPOINT", "RELEASE"}:
                counter.statements.append(statement)

        # every engine: the database's own and those it opens for its group commit's batch
        # thread and its inline reads (``Database.read``)
        sa_event.listen(Engine, "before_cursor_execute", _on_execute)
        try:
            yield counter
        finally:
            sa_event.remove(Engine, "before_cursor_execute", _on_execute)

    return _count
