"""The baseline: a minimal Starlette app doing the same durable work by hand.

Served by the same uvicorn settings as ``podium serve`` (``python -m bench.baseline --port P``,
database from ``BENCH_DATABASE_URL``), on the same database file or server as Podium:

- ``POST /write``: one INSERT into its own table and a commit (SQLite: WAL, synchronous=FULL,
  busy_timeout, ``BEGIN IMMEDIATE``, exactly Podium's PRAGMAs; PostgreSQL: asyncpg).
- ``GET /attendance/{session id}``: one SELECT of the session's check-ins joined with their
  attendees, encoded with orjson.
- ``GET /sessions/{event id}``: one SELECT of the event's sessions, encoded with orjson.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_ATTENDANCE_SQL = (
    "SELECT c.id, c.checked_in, c.checkin_time, c.checkout_time, c.delivery_format, "
    "a.id, a.first_name, a.last_name, a.email, a.external_id "
    "FROM checkins c JOIN attendees a ON a.id = c.attendee_id WHERE c.session_id = {p} "
    "ORDER BY c.checkin_time, a.last_name, a.first_name"
)
_SESSIONS_SQL = (
    "SELECT id, public_id, external_id, name, description, date, start_time, end_time, "
    "delivery_format, checkin_required FROM sessions WHERE event_id = {p} ORDER BY id"
)
_ATTENDANCE_KEYS = (
    "id", "checked_in", "checkin_time", "checkout_time", "delivery_format",
    "attendee_id", "first_name", "last_name", "email", "external_id",
)  # fmt: skip
_SESSION_KEYS = (
    "id", "public_id", "external_id", "name", "description", "date", "start_time", "end_time",
    "delivery_format", "checkin_required",
)  # fmt: skip
_CREATE = (
    "CREATE TABLE IF NOT EXISTS bench_writes "
    "(id {pk}, session_id INTEGER NOT NULL, attendee_id INTEGER NOT NULL, at {ts} NOT NULL)"
)


def _encode(keys: tuple[str, ...], rows: list[Any]) -> bytes:
    return orjson.dumps(
        {"data": [dict(zip(keys, row, strict=True)) for row in rows]},
        default=str,
    )


class _Sqlite:
    """sqlite3 in threads: one connection per thread, Podium's PRAGMAs."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self.local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            self.local.conn = conn
        return conn

    async def start(self) -> None:
        conn = sqlite3.connect(self.path, isolation_level=None)
        conn.execute(_CREATE.format(pk="INTEGER PRIMARY KEY", ts="TEXT"))
        conn.close()

    async def write(self, session_id: int, attendee_id: int) -> None:
        def work() -> None:
            conn = self._connection()
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(
                "INSERT INTO bench_writes (session_id, attendee_id, at) VALUES (?, ?, ?)",
                (session_id, attendee_id, time.time()),
            )
            conn.execute("COMMIT")

        await asyncio.to_thread(work)

    async def read(self, sql: str, arg: int, keys: tuple[str, ...]) -> bytes:
        def work() -> bytes:
            rows = self._connection().execute(sql.format(p="?"), (arg,)).fetchall()
            return _encode(keys, rows)

        return await asyncio.to_thread(work)

    async def stop(self) -> None:
        return None


class _Postgres:
    """asyncpg, a pool as large as Podium's (10, overflow 10)."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+asyncpg://", "postgresql://")
        self.pool: Any = None

    async def start(self) -> None:
        import asyncpg

        self.pool = await asyncpg.create_pool(self.url, min_size=1, max_size=20)
        async with self.pool.acquire() as conn:
            await conn.execute(_CREATE.format(pk="SERIAL PRIMARY KEY", ts="DOUBLE PRECISION"))

    async def write(self, session_id: int, attendee_id: int) -> None:
        async with self.pool.acquire() as conn:
            await conn.execute(
                "INSERT INTO bench_writes (session_id, attendee_id, at) VALUES ($1, $2, $3)",
                session_id,
                attendee_id,
                time.time(),
            )

    async def read(self, sql: str, arg: int, keys: tuple[str, ...]) -> bytes:
        async with self.pool.acquire() as conn:
            rows = await conn.fetch(sql.format(p="$1"), arg)
        return _encode(keys, [tuple(row) for row in rows])

    async def stop(self) -> None:
        await self.pool.close()


def create_app() -> Starlette:
    url = os.environ["BENCH_DATABASE_URL"]
    store: _Sqlite | _Postgres = (
        _Sqlite(url.split(":///", 1)[1]) if url.startswith("sqlite") else _Postgres(url)
    )

    async def healthz(request: Request) -> Response:
        return Response(b'{"status":"ok"}', media_type="application/json")

    async def write(request: Request) -> Response:
        form = await request.form()
        await store.write(int(str(form.get("session", 0))), int(str(form.get("attendee", 0))))
        return Response(status_code=303, headers={"Location": "/done"})

    def reader(sql: str, keys: tuple[str, ...]) -> Callable[[Request], Any]:
        async def read(request: Request) -> Response:
            body = await store.read(sql, int(request.path_params["key"]), keys)
            return Response(body, media_type="application/json")

        return read

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.start()
        yield
        await store.stop()

    return Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/write", write, methods=["POST"]),
            Route("/attendance/{key:int}", reader(_ATTENDANCE_SQL, _ATTENDANCE_KEYS)),
            Route("/sessions/{key:int}", reader(_SESSIONS_SQL, _SESSION_KEYS)),
        ],
        lifespan=lifespan,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    # the same uvicorn settings as `podium serve` (src/podium/cli/serve.py)
    uvicorn.run(
        "bench.baseline:create_app",
        factory=True,
        host="127.0.0.1",
        port=args.port,
        ws_per_message_deflate=False,
    )


if __name__ == "__main__":
    main()
