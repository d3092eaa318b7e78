"""Redis for the tests that need it: ``PODIUM_TEST_REDIS_URL`` (``.ci/run`` sets it), else
database 15 of a local Redis. A test that needs Redis fails, never skips, when it is not there.

Every use takes a prefix of its own for channels and keys, so that test runs in parallel (and
anything else on that Redis) do not see each other's messages or counts.
"""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from redis.asyncio import Redis
from redis.exceptions import RedisError

REDIS_URL = os.environ.get("PODIUM_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def unique_prefix() -> str:
    return f"podium-test:{os.getpid()}:{secrets.token_hex(4)}:"


async def require_redis() -> Redis:
    """A client of the test Redis; fails the test when Redis does not answer."""
    client = Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=5)
    try:
        await client.ping()
    except (RedisError, OSError) as error:
        await client.aclose()
        pytest.fail(
            f"Redis is not reachable at {REDIS_URL} ({error}); start it (.ci/run does) or set "
            "PODIUM_TEST_REDIS_URL"
        )
    return client


async def forget(client: Redis, prefix: str) -> None:
    """Delete every key under ``prefix``."""
    keys = [key async for key in client.scan_iter(match=f"{prefix}*")]
    if keys:
        await client.delete(*keys)


@pytest.fixture
async def redis_client() -> AsyncIterator[Redis]:
    client = await require_redis()
    try:
        yield client
    finally:
        await client.aclose()


async def eventually(check: Callable[[], Awaitable[bool]], *, seconds: float = 10) -> None:
    """Wait until ``check()`` is true (Redis applies commands from other connections in its own
    time); fails after ``seconds``."""
    deadline = asyncio.get_running_loop().time() + seconds
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"still not true after {seconds}s")
        await asyncio.sleep(0.02)
