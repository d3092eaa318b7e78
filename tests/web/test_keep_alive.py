"""A handled error ends cleanly: after a 500 (API or page) a real uvicorn server keeps the
keep-alive connection open, and the client's next request on it is answered.

Starlette's ServerErrorMiddleware raises the error again after answering 500; uvicorn then
closed the connection without ``Connection: close``, and the next request on it failed. The
failure is injected into a real route by making the service it calls raise.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from podium.config import Settings
from podium.kit.db import Database
from podium.web.api.dialects.conferences_io import evaluation_responses
from podium.web.app import create_app
from podium.web.pages.attendee import home
from tests.conftest import make_event_with_key
from tests.in_loop import serving

WAIT_SECONDS = 15


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One HTTP/1.1 connection, kept alive between requests."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    async def get(self, path: str, headers: dict[str, str] | None = None) -> Answer:
        lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), WAIT_SECONDS)
        status_line, *header_lines = head.decode("latin-1").strip().split("\r\n")
        answer_headers = {
            name.strip().lower(): value.strip()
            for name, value in (line.split(":", 1) for line in header_lines)
        }
        length = int(answer_headers["content-length"])
        body = await asyncio.wait_for(self.reader.readexactly(length), WAIT_SECONDS)
        return Answer(int(status_line.split()[1]), answer_headers, body)


@pytest.fixture
async def served(db: Database, settings: Settings) -> AsyncIterator[str]:
    """``host:port`` of uvicorn serving the application in the test's event loop."""
    async with serving(create_app(settings=settings, database=db)) as (host, port):
        yield f"{host}:{port}"


@contextlib.asynccontextmanager
async def _connection(served: str) -> AsyncIterator[Connection]:
    host, port = served.split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    try:
        yield Connection(reader, writer)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def _broken(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("the injected failure")


async def test_an_api_500_keeps_the_connection_for_the_next_request(
    db: Database, served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _event, key = await make_event_with_key(db)
    monkeypatch.setattr(evaluation_responses, "list_evaluation_responses", _broken)

    async with _connection(served) as connection:
        failed = await connection.get("/api/v2/evaluations/responses", {"API-Key": key})
        after = await connection.get("/api/v2/app", {"API-Key": key})

    assert (failed.status, failed.headers.get("connection")) == (500, None)
    assert failed.body == (
        b'{"status":"error","code":"500",'
        b'"message":"An unexpected error occurred; nothing was changed. Try again."}'
    )
    assert after.status == 200


async def test_a_page_500_keeps_the_connection_for_the_next_request(
    served: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(home, "list_events", _broken)

    async with _connection(served) as connection:
        failed = await connection.get("/e/")
        after = await connection.get("/healthz")

    assert (failed.status, failed.headers.get("connection")) == (500, None)
    assert b"Something went wrong on our side; nothing was changed." in failed.body
    assert (after.status, after.body) == (200, b'{"status":"ok"}')
