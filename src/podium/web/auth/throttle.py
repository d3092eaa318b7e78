"""Wrong codes, codewords and passwords are slowed down: 429 with Retry-After past a threshold.

Failures are counted separately for each kind of secret and each event (its ``scope``: what
people get wrong at one event never locks another event's pages), in the runtime's
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

WRONG_ATTEMPTS = "Too many wrong attempts."


class TooManyAttempts(Exception):
    """Refused before checking: too many attempts; try again in ``retry_after`` s. ``reason``
    is the sentence that says what there were too many of."""

    def __init__(self, retry_after: int, *, reason: str = WRONG_ATTEMPTS) -> None:
        super().__init__(f"too many attempts; retry after {retry_after}s")
        self.retry_after = retry_after
        self.reason = reason

    @property
    def message(self) -> str:
        minutes, seconds = divmod(self.retry_after, 60)
        wait = f"{minutes} min {seconds} s" if minutes else f"{seconds} s"
        return f"{self.reason} Wait {wait}, then try again."


def event_scope(event_id: int) -> str:
    """The scope of the attempts made at the event ``event_id``."""
    return f"event:{event_id}"


def _keys(
    settings: Settings,
    kind: str,
    *,
    scope: str,
    address: str | None,
    browser: str | None,
    attendee_id: int | None,
) -> list[tuple[str, int]]:
    """The keys a ``kind`` attempt in ``scope`` counts under, each with its limit."""
    prefix = f"{kind}:{scope}"
    keys = [(f"{prefix}:ip:{address or 'unknown'}", settings.attempt_limit_per_address)]
    if browser is not None:  # hashed: the cookie itself stays in the browser
        digest = hashlib.sha256(browser.encode()).hexdigest()[:24]
        keys.append((f"{prefix}:browser:{digest}", settings.attempt_limit))
    if attendee_id is not None:
        keys.append((f"{prefix}:attendee:{attendee_id}", settings.attempt_limit))
    return keys


def _runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


async def ensure_allowed(
    request: Request,
    kind: str,
    *,
    scope: str,
    attendee_id: int | None = None,
    reason: str = WRONG_ATTEMPTS,
) -> None:
    """Raise TooManyAttempts when this attendee, browser or address is waiting out a ``kind``
    limit in ``scope`` (an :func:`event_scope`)."""
    await ensure_allowed_for(
        _runtime(request),
        kind,
        scope=scope,
        address=client_ip(request),
        browser=browser_id(request),
        attendee_id=attendee_id,
        reason=reason,
    )


async def ensure_allowed_for(
    runtime: Runtime,
    kind: str,
    *,
    scope: str,
    address: str | None,
    browser: str | None,
    attendee_id: int | None,
    reason: str = WRONG_ATTEMPTS,
) -> None:
    """:func:`ensure_allowed` for a caller without a request: the client's ``address``, the
    browser's CSRF cookie value (None on its first visit) and the attendee."""
    keys = _keys(
        runtime.settings,
        kind,
        scope=scope,
        address=address,
        browser=browser,
        attendee_id=attendee_id,
    )
    for key, limit in keys:
        wait = await runtime.limiter.retry_after(key, limit=limit)
        if wait is not None:
            raise TooManyAttempts(wait, reason=reason)


async def record_failure(
    request: Request, kind: str, *, scope: str, attendee_id: int | None = None
) -> None:
    """Count one wrong ``kind`` attempt in ``scope`` (the caller still reports this attempt's
    own error). Also for what is limited however it turns out (a mail sent): each counts."""
    runtime = _runtime(request)
    keys = _keys(
        runtime.settings,
        kind,
        scope=scope,
        address=client_ip(request),
        browser=browser_id(request),
        attendee_id=attendee_id,
    )
    for key, limit in keys:
        await runtime.limiter.record_failure(key, limit=limit)
