"""Slowing down guessing: count failed attempts per key, refuse for a while after too many.

A key names who failed at what (``"checkin-code:attendee:12"``, ``"checkin-code:ip:203.0.113.7"``).
Each key has a fixed window that starts with its first failure; once ``limit`` failures fall in
the window, :meth:`retry_after` answers how many seconds remain until it ends. Successes do not
reset the count, so alternating right and wrong guesses cannot probe forever.

The in-memory limiter serves one process; with Redis configured the counts live there, so every
server process behind one address enforces the same limit.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


class AttemptLimiter(Protocol):
    """``limit`` given to a call replaces the limiter's own for that key (some keys, such as a
    venue's shared address, need more room than one person's)."""

    async def retry_after(self, key: str, *, limit: int | None = None) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        ...

    async def record_failure(self, key: str, *, limit: int | None = None) -> int | None:
        """Count one failure of ``key``; the seconds it must now wait, or None."""
        ...

    async def close(self) -> None:
        """Let go of connections (a limiter may be used again after)."""
        ...


class MemoryAttemptLimiter:
    """Counts in this process's memory; forgets keys whose window has ended."""

    def __init__(
        self,
        *,
        limit: int,
        window_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window_seconds = window_seconds
        self._clock = clock
        self._windows: dict[str, tuple[float, int]] = {}

    def _live(self, key: str) -> tuple[float, int] | None:
        window = self._windows.get(key)
        if window is not None and self._clock() - window[0] >= self.window_seconds:
            del self._windows[key]
            return None
        return window

    def _wait(self, window: tuple[float, int], limit: int | None) -> int | None:
        started, failures = window
        if failures < (limit or self.limit):
            return None
        return max(1, math.ceil(started + self.window_seconds - self._clock()))

    async def retry_after(self, key: str, *, limit: int | None = None) -> int | None:
        window = self._live(key)
        return None if window is None else self._wait(window, limit)

    async def record_failure(self, key: str, *, limit: int | None = None) -> int | None:
        self._sweep()
        window = self._live(key)
        started, failures = window if window is not None else (self._clock(), 0)
        self._windows[key] = (started, failures + 1)
        return self._wait(self._windows[key], limit)

    async def close(self) -> None:
        return None

    def _sweep(self) -> None:
        if len(self._windows) < 10_000:
            return
        now = self._clock()
        for key in [k for k, (s, _) in self._windows.items() if now - s >= self.window_seconds]:
            del self._windows[key]


class RedisAttemptLimiter:
    """Counts in Redis, so that every process configured with the same Redis shares them.

    A key's count lives at ``<prefix><key>``: the first failure creates it with the window as
    its time to live, later failures only increment it (``INCR`` and ``PEXPIRE … NX`` in one
    transaction, one round trip), and Redis forgets it when the window ends. When Redis cannot
    be reached the limiter logs and lets the attempt through: a live event keeps working, at the
    cost of not slowing guesses down until Redis is back.
    """

    def __init__(
        self,
        url: str,
        *,
        limit: int,
        window_seconds: float,
        prefix: str = "podium:attempts:",
    ) -> None:
        self.url = url
        self.limit = limit
        self.window_seconds = window_seconds
        self.prefix = prefix
        self._client: Redis | None = None

    def _redis(self) -> Redis:
        if self._client is None:
            self._client = Redis.from_url(
                self.url, socket_connect_timeout=2, socket_timeout=2, socket_keepalive=True
            )
        return self._client

    def _wait(self, failures: int, ttl_ms: int, limit: int | None) -> int | None:
        if failures < (limit or self.limit):
            return None
        if ttl_ms < 0:  # no time to live (cannot happen through this class): a whole window
            return max(1, math.ceil(self.window_seconds))
        return max(1, math.ceil(ttl_ms / 1000))

    async def retry_after(self, key: str, *, limit: int | None = None) -> int | None:
        name = self.prefix + key
        try:
            async with self._redis().pipeline(transaction=False) as pipe:
                pipe.get(name)
                pipe.pttl(name)
                raw, ttl_ms = await pipe.execute()
        except (RedisError, OSError) as error:
            log.warning("could not read the attempt count of %s (allowed): %s", key, error)
            return None
        if raw is None:
            return None
        return self._wait(int(raw), int(ttl_ms), limit)

    async def record_failure(self, key: str, *, limit: int | None = None) -> int | None:
        name = self.prefix + key
        window_ms = max(1, math.ceil(self.window_seconds * 1000))
        try:
            async with self._redis().pipeline(transaction=True) as pipe:
                pipe.incr(name)
                pipe.pexpire(name, window_ms, nx=True)
                pipe.pttl(name)
                failures, _, ttl_ms = await pipe.execute()
        except (RedisError, OSError) as error:
            log.warning("could not count a failed attempt of %s: %s", key, error)
            return None
        return self._wait(int(failures), int(ttl_ms), limit)

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()
