"""Wrong codes, codewords and passwords are slowed down: 429 with Retry-After past a threshold.

Failures are counted per attendee (when known) and per client address, separately for each kind
of secret, in the runtime's :class:`~podium.kit.ratelimit.AttemptLimiter` (memory, or Redis when
configured so every process shares the counts).
"""

from __future__ import annotations

from fastapi import Request

from podium.web.deps import client_ip
from podium.web.runtime import Runtime


class TooManyAttempts(Exception):
    """Refused before checking: too many wrong attempts; try again in ``retry_after`` s."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many attempts; retry after {retry_after}s")
        self.retry_after = retry_after

    @property
    def message(self) -> str:
        minutes, seconds = divmod(self.retry_after, 60)
        wait = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        return f"Too many wrong attempts. Wait {wait}, then try again."


def _keys(request: Request, kind: str, attendee_id: int | None) -> list[str]:
    keys = [f"{kind}:ip:{client_ip(request) or 'unknown'}"]
    if attendee_id is not None:
        keys.append(f"{kind}:attendee:{attendee_id}")
    return keys


def _limiter(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def ensure_allowed(request: Request, kind: str, *, attendee_id: int | None = None) -> None:
    """Raise TooManyAttempts when this attendee or address is waiting out a ``kind`` limit."""
    limiter = _limiter(request).limiter
    for key in _keys(request, kind, attendee_id):
        wait = await limiter.retry_after(key)
        if wait is not None:
            raise TooManyAttempts(wait)


async def record_failure(request: Request, kind: str, *, attendee_id: int | None = None) -> None:
    """Count one wrong ``kind`` attempt (the caller still reports this attempt's own error)."""
    limiter = _limiter(request).limiter
    for key in _keys(request, kind, attendee_id):
        await limiter.record_failure(key)
