"""``/healthz`` (the process answers) and ``/readyz`` (the database and Redis answer)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from podium.config import Settings
from podium.kit.db import Database
from podium.kit.pubsub import InMemoryBroker
from podium.reactions import open_database
from podium.web.app import create_app
from tests.redis_support import REDIS_URL, require_redis

Client = Callable[..., AbstractAsyncContextManager[httpx.AsyncClient]]


@pytest.fixture
def client_of(db: Database, settings: Settings) -> Client:
    """``async with client_of(database=…, **settings) as http:``: a client of an app made with
    these settings, on the test database unless another is given."""

    @asynccontextmanager
    async def _client(
        database: Database | None = None, **changes: Any
    ) -> AsyncIterator[httpx.AsyncClient]:
        target = database or db
        previous = target.broker
        # an in-memory broker, whatever PODIUM_REDIS_URL says: these tests probe Redis, they
        # do not publish through it
        target.broker = previous or InMemoryBroker()
        app: FastAPI = create_app(settings=settings.model_copy(update=changes), database=target)
        try:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
                yield http
        finally:
            target.broker = previous

    return _client


async def test_healthz_answers_ok(client: httpx.AsyncClient) -> None:
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_readyz_without_redis_is_ready_when_the_database_answers(
    client: httpx.AsyncClient,
) -> None:
    response = await client.get("/readyz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ready", "database": "ok", "redis": "not configured"},
    )


async def test_readyz_with_redis_is_ready_when_both_answer(client_of: Client) -> None:
    await (await require_redis()).aclose()
    async with client_of(redis_url=REDIS_URL) as http:
        response = await http.get("/readyz")

    assert (response.status_code, response.json()) == (
        200,
        {"status": "ready", "database": "ok", "redis": "ok"},
    )


async def test_readyz_unreachable_redis_is_503_without_its_password(client_of: Client) -> None:
    async with client_of(redis_url="redis://:redis-secret@127.0.0.1:1/0") as http:
        response = await http.get("/readyz")

    body = response.json()
    errors = body.pop("errors")
    assert (response.status_code, body) == (
        503,
        {"status": "not ready", "database": "ok", "redis": "failed"},
    )
    assert list(errors) == ["redis"]
    assert "redis-secret" not in response.text


async def test_readyz_unreachable_database_is_503_without_its_password(
    db: Database, client_of: Client, tmp_path: Path
) -> None:
    # a SQLite file in a directory that does not exist; a PostgreSQL port nobody listens on
    url = (
        f"sqlite:///{tmp_path / 'missing' / 'podium.sqlite3'}"
        if db.is_sqlite
        else "postgresql://podium:database-secret@127.0.0.1:1/podium"
    )
    unreachable = open_database(url)
    try:
        async with client_of(database=unreachable, database_url=url) as http:
            response = await http.get("/readyz")
    finally:
        await unreachable.dispose()

    body = response.json()
    errors = body.pop("errors")
    assert (response.status_code, body) == (
        503,
        {"status": "not ready", "database": "failed", "redis": "not configured"},
    )
    assert list(errors) == ["database"]
    assert "database-secret" not in response.text
