"""Health endpoints for load balancers and monitors.

- ``GET /healthz``: the process is up and answers (no I/O): 200 ``{"status": "ok"}``.
- ``GET /readyz``: the process can serve: a ``SELECT 1`` on the database and, when
  ``PODIUM_REDIS_URL`` is set, a Redis ``PING`` both answer within :data:`READY_TIMEOUT_SECONDS`.
  200 ``{"status": "ready", "database": "ok", "redis": "ok" | "not configured"}``; otherwise 503
  with ``"failed"`` in place of ``"ok"`` and, under ``errors``, one short line per failure (the
  driver's message, with any password from the URLs blanked out).

Redis is reached on a connection of its own for each probe, so that the answer says whether a
new connection can be made now, whatever the state of the connections the process holds.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError

from podium.kit.db import Database
from podium.web.runtime import Runtime

READY_TIMEOUT_SECONDS = 2.0
_REASON_LENGTH = 200

router = APIRouter()


@router.get("/healthz", include_in_schema=False)
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", include_in_schema=False)
async def readyz(request: Request) -> JSONResponse:
    runtime: Runtime = request.app.state.runtime
    redis_url = runtime.settings.redis_url
    database_check = _failure(
        _select_one(runtime.database), secret=_database_password(runtime.database.url)
    )
    redis_error: str | None = None
    if redis_url:
        database_error, redis_error = await asyncio.gather(
            database_check, _failure(_ping(redis_url), secret=urlsplit(redis_url).password)
        )
    else:
        database_error = await database_check
    body: dict[str, object] = {
        "status": "ready" if database_error is None and redis_error is None else "not ready",
        "database": "ok" if database_error is None else "failed",
        "redis": "not configured" if not redis_url else "ok" if redis_error is None else "failed",
    }
    errors = {
        name: error
        for name, error in (("database", database_error), ("redis", redis_error))
        if error is not None
    }
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=503 if errors else 200)


async def _select_one(database: Database) -> None:
    async with database.read_engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def _ping(url: str) -> None:
    client = Redis.from_url(
        url,
        socket_connect_timeout=READY_TIMEOUT_SECONDS,
        socket_timeout=READY_TIMEOUT_SECONDS,
        retry=Retry(NoBackoff(), 0),  # one attempt: the probe itself is the retry
    )
    try:
        await client.ping()
    finally:
        await client.aclose()


async def _failure(check: Awaitable[None], *, secret: str | None) -> str | None:
    """None when ``check`` completes in time, else one line saying why not."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_SECONDS):
            await check
    except TimeoutError:
        return f"no answer within {READY_TIMEOUT_SECONDS:g} s"
    except Exception as error:
        return _reason(error, secret=secret)
    return None


def _reason(error: BaseException, *, secret: str | None) -> str:
    original = error.orig if isinstance(error, DBAPIError) and error.orig is not None else error
    lines = str(original).strip().splitlines()
    reason = lines[0] if lines else type(original).__name__
    if secret:
        reason = reason.replace(secret, "***")
    return reason[:_REASON_LENGTH]


def _database_password(url: str) -> str | None:
    try:
        return make_url(url).password
    except ArgumentError:
        return None
