"""Slowing down guessing: count failed attempts per key, refuse for a while after too many.

A key names who failed at what (``"checkin-code:attendee:12"``, ``"checkin-code:ip:203.0.113.7"``).
Each key has a fixed window that starts with its first failure; once ``limit`` failures fall in
the window, :meth:`retry_after` answers how many seconds remain until it ends. Successes do not
reset the count, so alternating right and wrong guesses cannot probe forever.

The in-memory limiter serves one process; with Redis configured the counts live there, so every
server process behind one address enforces the same limit.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Protocol


class AttemptLimiter(Protocol):
    async def retry_after(self, key: str) -> int | None:
        """Seconds until ``key`` may try again, or None when it may try now."""
        ...

    async def record_failure(self, key: str) -> int | None:
        """Count one failure of ``key``; the seconds it must now wait, or None."""
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

    def _wait(self, window: tuple[float, int]) -> int | None:
        started, failures = window
        if failures < self.limit:
            return None
        return max(1, math.ceil(started + self.window_seconds - self._clock()))

    async def retry_after(self, key: str) -> int | None:
        window = self._live(key)
        return None if window is None else self._wait(window)

    async def record_failure(self, key: str) -> int | None:
        self._sweep()
        window = self._live(key)
        started, failures = window if window is not None else (self._clock(), 0)
        self._windows[key] = (started, failures + 1)
        return self._wait(self._windows[key])

    def _sweep(self) -> None:
        if len(self._windows) < 10_000:
            return
        now = self._clock()
        for key in [k for k, (s, _) in self._windows.items() if now - s >= self.window_seconds]:
            del self._windows[key]
