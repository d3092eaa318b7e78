"""Wrong codes, codewords and passwords are slowed down: 429 with Retry-After past a threshold.

Failures are counted separately for each kind of secret, in the runtime's
:class:`~podium.kit.ratelimit.AttemptLimiter` (memory, or Redis when configured so every process
shares the counts), under three keys at once:

- the attendee, when known, and the browser (its CSRF cookie): ``attempt_limit`` (5) each;
- the client address: ``attempt_limit_per_address`` (50), because at an event one address is
  often the whole venue behind its Wi-Fi — a person's typos must not lock out the room, while a
  script that drops its cookies still meets a limit.
"""

from __future__ import annotations

import hashlib

from fastapi import Request

from podium.config import Settings
from podium.web.auth.csrf import browser_id
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


def _keys(
    settings: Settings,
    kind: str,
    *,
    address: str | None,
    browser: str | None,
    attendee_id: int | None,
) -> list[tuple[str, int]]:
    """The keys a ``kind`` attempt counts under, each with its limit."""
    keys = [(f"{kind}:ip:{address or 'unknown'}", settings.attempt_limit_per_address)]
    if browser is not None:  # hashed: the cookie itself stays in the browser
        digest = hashlib.sha256(browser.encode()).hexdigest()[:24]
        keys.append((f"{kind}:browser:{digest}", settings.attempt_limit))
    if attendee_id is not None:
        keys.append((f"{kind}:attendee:{attendee_id}", settings.attempt_limit))
    return keys


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def ensure_allowed(request: Request, kind: str, *, attendee_id: int | None = None) -> None:
    """Raise TooManyAttempts when this attendee or address is waiting out a ``kind`` limit."""
    await ensure_allowed_for(
        _runtime(request),
        kind,
        address=client_ip(request),
        browser=browser_id(request),
        attendee_id=attendee_id,
    )


async def ensure_allowed_for(
    runtime: Runtime,
    kind: str,
    *,
    address: str | None,
    browser: str | None,
    attendee_id: int | None,
) -> None:
    """:func:`ensure_allowed` for a caller without a request: the client's ``address``, the
    browser's CSRF cookie value (None on its first visit) and the attendee."""
    keys = _keys(runtime.settings, kind, address=address, browser=browser, attendee_id=attendee_id)
    for key, limit in keys:
        wait = await runtime.limiter.retry_after(key, limit=limit)
        if wait is not None:
            raise TooManyAttempts(wait)


async def record_failure(request: Request, kind: str, *, attendee_id: int | None = None) -> None:
    """Count one wrong ``kind`` attempt (the caller still reports this attempt's own error)."""
    runtime = _runtime(request)
    keys = _keys(
        runtime.settings,
        kind,
        address=client_ip(request),
        browser=browser_id(request),
        attendee_id=attendee_id,
    )
    for key, limit in keys:
        await runtime.limiter.record_failure(key, limit=limit)
