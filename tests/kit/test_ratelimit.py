"""Attempt limiters: a fixed window from the first failure; after ``limit`` failures in it,
wait until it ends. In memory with a fake clock; in Redis with real (short) time to live."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from podium.kit.ratelimit import MemoryAttemptLimiter, RedisAttemptLimiter
from tests.redis_support import REDIS_URL, eventually, forget, unique_prefix


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- in memory -----------------------------------------------------------------------------


async def test_memory_limiter_allows_failures_below_the_limit() -> None:
    limiter = MemoryAttemptLimiter(limit=3, window_seconds=60, clock=FakeClock())

    waits = [await limiter.record_failure("code:ip:1"), await limiter.record_failure("code:ip:1")]

    assert (waits, await limiter.retry_after("code:ip:1")) == ([None, None], None)


async def test_memory_limiter_refuses_until_the_window_from_the_first_failure_ends() -> None:
    clock = FakeClock()
    limiter = MemoryAttemptLimiter(limit=3, window_seconds=60, clock=clock)
    await limiter.record_failure("code:ip:1")
    clock.now += 20
    await limiter.record_failure("code:ip:1")

    third = await limiter.record_failure("code:ip:1")
    clock.now += 39.5
    almost = await limiter.retry_after("code:ip:1")
    clock.now += 0.5
    ended = await limiter.retry_after("code:ip:1")

    assert (third, almost, ended) == (40, 1, None)


async def test_memory_limiter_limit_given_to_a_call_replaces_its_own() -> None:
    limiter = MemoryAttemptLimiter(limit=2, window_seconds=60, clock=FakeClock())

    waits = [await limiter.record_failure("code:ip:venue", limit=4) for _ in range(4)]

    assert waits[:3] == [None, None, None]
    assert waits[3] == 60
    assert await limiter.retry_after("code:ip:venue", limit=5) is None
    assert await limiter.retry_after("code:ip:venue") == 60


async def test_memory_limiter_counts_keys_apart() -> None:
    limiter = MemoryAttemptLimiter(limit=1, window_seconds=60, clock=FakeClock())

    await limiter.record_failure("code:ip:1")

    assert (await limiter.retry_after("code:ip:1"), await limiter.retry_after("code:ip:2")) == (
        60,
        None,
    )


async def test_memory_limiter_starts_a_new_window_after_one_ended() -> None:
    clock = FakeClock()
    limiter = MemoryAttemptLimiter(limit=2, window_seconds=10, clock=clock)
    await limiter.record_failure("k")
    await limiter.record_failure("k")
    clock.now += 10

    first_of_new_window = await limiter.record_failure("k")
    second = await limiter.record_failure("k")

    assert (first_of_new_window, second) == (None, 10)


# --- Redis ---------------------------------------------------------------------------------

WINDOW_SECONDS = 1.5


@pytest.fixture
async def prefix(redis_client: Redis) -> AsyncIterator[str]:
    name = unique_prefix() + "attempts:"
    yield name
    await forget(redis_client, name)


@pytest.fixture
async def limiters(prefix: str) -> AsyncIterator[tuple[RedisAttemptLimiter, RedisAttemptLimiter]]:
    """Two limiters on one Redis: two server processes."""
    made = tuple(
        RedisAttemptLimiter(REDIS_URL, limit=3, window_seconds=WINDOW_SECONDS, prefix=prefix)
        for _ in range(2)
    )
    yield made[0], made[1]
    for limiter in made:
        await limiter.close()


async def test_redis_limiter_counts_failures_of_every_process_together(
    limiters: tuple[RedisAttemptLimiter, RedisAttemptLimiter],
) -> None:
    first, second = limiters

    waits = [
        await first.record_failure("code:ip:1"),
        await second.record_failure("code:ip:1"),
        await first.record_failure("code:ip:1"),
    ]

    assert waits[:2] == [None, None]
    assert waits[2] in (1, 2)  # what is left of the 1.5 s window, rounded up
    assert await second.retry_after("code:ip:1") in (1, 2)
    assert await first.retry_after("code:ip:2") is None


async def test_redis_limiter_limit_given_to_a_call_replaces_its_own(
    limiters: tuple[RedisAttemptLimiter, RedisAttemptLimiter],
) -> None:
    first, second = limiters

    waits = [await first.record_failure("code:ip:venue", limit=5) for _ in range(4)]

    assert waits == [None, None, None, None]  # its own limit (3) would have refused the third
    assert await second.retry_after("code:ip:venue", limit=5) is None
    assert await second.retry_after("code:ip:venue") in (1, 2)


async def test_redis_limiter_window_starts_at_the_first_failure_and_is_not_extended(
    limiters: tuple[RedisAttemptLimiter, RedisAttemptLimiter],
    redis_client: Redis,
    prefix: str,
) -> None:
    first, second = limiters
    await first.record_failure("k")
    ttl_after_first = await redis_client.pttl(f"{prefix}k")
    await asyncio.sleep(0.2)

    await second.record_failure("k")
    ttl_after_second = await redis_client.pttl(f"{prefix}k")

    assert 0 < ttl_after_first <= WINDOW_SECONDS * 1000
    assert ttl_after_second <= ttl_after_first - 200


async def test_redis_limiter_forgets_a_key_when_its_window_ends(
    limiters: tuple[RedisAttemptLimiter, RedisAttemptLimiter],
) -> None:
    first, second = limiters
    for _ in range(3):
        await first.record_failure("k")
    assert await second.retry_after("k") is not None

    async def allowed() -> bool:
        return await second.retry_after("k") is None

    await eventually(allowed, seconds=WINDOW_SECONDS + 5)
    assert await first.record_failure("k") is None


async def test_redis_limiter_lets_attempts_through_when_redis_is_unreachable() -> None:
    limiter = RedisAttemptLimiter("redis://127.0.0.1:9/0", limit=1, window_seconds=60)
    try:
        assert (await limiter.record_failure("k"), await limiter.retry_after("k")) == (None, None)
    finally:
        await limiter.close()
