"""Who is on the other side of a page, remembered in signed cookies (no accounts).

Three cookies, each scoped to the event's path (``/e/<uri>``) and signed with the secret key,
read from any connection (a page request or a session's WebSocket):

- ``podium_attendee``: the attendee this browser joined as, and whether it proved that
  attendee's email (a code or sign-in link mailed there): a keyed fingerprint of the address
  it proved, so a changed email ends the proof.
- ``podium_pass``: this browser gave the event's app password.
- ``podium_moderator``: the moderator passwords this browser gave — the event's (every session
  and the kiosk) and/or single sessions'.

Passwords are never put in a cookie: a grant holds a keyed fingerprint of the password it was
given with, so changing a password ends every grant made with the old one.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeSerializer
from starlette.requests import HTTPConnection

from podium.models import Attendee, Event, EventSession
from podium.web import urls
from podium.web.runtime import Runtime

ATTENDEE_COOKIE = "podium_attendee"
PASS_COOKIE = "podium_pass"
MODERATOR_COOKIE = "podium_moderator"
MAX_AGE_SECONDS = 60 * 60 * 24 * 60  # an event and its follow-up evaluations fit in two months
EVENT_SCOPE = "event"


def _runtime(request: HTTPConnection) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def _serializer(request: HTTPConnection, purpose: str) -> URLSafeSerializer:
    return _serializer_for(_runtime(request).secret_key, purpose)


# the signed cookie values whose checking is remembered (about 200 bytes each): a keynote's
# phones and more
COOKIES_KEPT = 8192


@lru_cache(maxsize=16)
def _serializer_for(secret_key: str, purpose: str) -> URLSafeSerializer:
    # made once per secret and purpose: making one cost as much as using it (about 9 µs)
    return URLSafeSerializer(secret_key, salt=f"podium.{purpose}")


def _read(request: HTTPConnection, cookie: str, event_id: int | None) -> dict[str, Any] | None:
    """The cookie's data when it is ours and for the event ``event_id`` (None: any event)."""
    raw = request.cookies.get(cookie)
    if not raw:
        return None
    found = _verified(_runtime(request).secret_key, cookie, raw)
    if found is None or (event_id is not None and found["e"] != event_id):
        return None
    return dict(found)


@lru_cache(maxsize=COOKIES_KEPT)
def _verified(secret_key: str, purpose: str, raw: str) -> dict[str, Any] | None:
    """The data of a cookie value that is ours (signed with ``secret_key`` for ``purpose``)
    and names an event; None otherwise. Kept for the last ``COOKIES_KEPT`` values: a phone
    sends the same cookie with every request of a session's page, and checking its signature
    again each time was a tenth of what the express lane spent on a check-in. Callers copy it."""
    try:
        data = _serializer_for(secret_key, purpose).loads(raw)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("e"), int):
        return None
    return data


def _write(
    request: Request, response: Response, cookie: str, event: Event, data: dict[str, Any]
) -> None:
    response.set_cookie(
        cookie,
        _serializer(request, cookie).dumps({**data, "e": event.id}),
        max_age=MAX_AGE_SECONDS,
        path=urls.event_url(event.uri),
        httponly=True,
        samesite="lax",
        secure=_runtime(request).settings.secure_cookies,
    )


def fingerprint(request: HTTPConnection, password: str) -> str:
    key = _runtime(request).secret_key.encode()
    return hmac.new(key, password.encode(), hashlib.sha256).hexdigest()[:24]


def passwords_match(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.strip().encode(), expected.encode())


# --- the attendee --------------------------------------------------------------------------


def attendee_id(request: HTTPConnection, event: Event) -> int | None:
    """The id of the attendee this browser joined ``event`` as, if any."""
    data = _read(request, ATTENDEE_COOKIE, event.id)
    value = data.get("a") if data else None
    return value if isinstance(value, int) else None


def joined(request: HTTPConnection) -> tuple[int, int] | None:
    """(event id, attendee id) of the attendee this browser joined as, for the event whose
    pages sent the cookie; the caller checks that the event is the one of the address."""
    data = _read(request, ATTENDEE_COOKIE, None)
    value = data.get("a") if data else None
    return (data["e"], value) if data and isinstance(value, int) else None


def remember_attendee(
    request: Request,
    response: Response,
    event: Event,
    attendee_id: int,
    *,
    proven_email: str | None = None,
) -> None:
    """This browser is ``attendee_id``; with ``proven_email`` when it proved holding it."""
    data: dict[str, Any] = {"a": attendee_id}
    if proven_email:
        data["v"] = _email_fingerprint(request, proven_email)
    _write(request, response, ATTENDEE_COOKIE, event, data)


def has_proven_email(request: HTTPConnection, event: Event, attendee: Attendee) -> bool:
    """Whether this browser joined ``event`` as ``attendee`` and proved its current email."""
    data = _read(request, ATTENDEE_COOKIE, event.id)
    if not data or data.get("a") != attendee.id or not attendee.email:
        return False
    return data.get("v") == _email_fingerprint(request, attendee.email)


def _email_fingerprint(request: HTTPConnection, email: str) -> str:
    return fingerprint(request, "email:" + email.strip().casefold())


def forget_attendee(response: Response, event: Event) -> None:
    response.delete_cookie(ATTENDEE_COOKIE, path=urls.event_url(event.uri))


# --- the app password ----------------------------------------------------------------------


def has_app_access(request: HTTPConnection, event: Event) -> bool:
    """True when the event has no app password, or this browser gave the current one."""
    return gave_app_password(request, event.id, event.app_password)


def gave_app_password(request: HTTPConnection, event_id: int, app_password: str | None) -> bool:
    """:func:`has_app_access` for the event ``event_id`` whose app password is
    ``app_password`` (None or blank: it has none)."""
    if not app_password:
        return True
    data = _read(request, PASS_COOKIE, event_id)
    return bool(data) and data.get("f") == fingerprint(request, app_password)  # type: ignore[union-attr]


def grant_app_access(request: Request, response: Response, event: Event) -> None:
    if event.app_password:
        _write(
            request, response, PASS_COOKIE, event, {"f": fingerprint(request, event.app_password)}
        )


# --- moderators ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ModeratorAccess:
    """The moderator grants of one browser: scope ("event" or a session's public id) to the
    fingerprint of the password each was given with."""

    grants: dict[str, str] = field(default_factory=dict)

    def holds(self, request: HTTPConnection, scope: str, password: str | None) -> bool:
        """Holds a grant for ``scope`` given with ``password`` (the current one; None or
        blank: no password is set, so nobody holds it)."""
        fp = self.grants.get(scope)
        return bool(password) and fp == fingerprint(request, password or "")

    def for_event(self, request: HTTPConnection, event: Event) -> bool:
        """May run every session of the event and its kiosk."""
        return self.holds(request, EVENT_SCOPE, event.moderator_password)

    def for_session(self, request: HTTPConnection, event: Event, session: EventSession) -> bool:
        """May moderate ``session``: by the event's password, or by the session's own."""
        return self.for_event(request, event) or self.holds(
            request, session.public_id, session.moderator_password
        )


def moderator_access(request: HTTPConnection, event: Event) -> ModeratorAccess:
    data = _read(request, MODERATOR_COOKIE, event.id)
    grants = data.get("g") if data else None
    if not isinstance(grants, dict):
        return ModeratorAccess()
    return ModeratorAccess({str(k): str(v) for k, v in grants.items()})


def grant_moderator(
    request: Request, response: Response, event: Event, *, scope: str, password: str
) -> None:
    """Add a grant for ``scope`` ("event" or a session's public id), keeping the others."""
    grants = dict(moderator_access(request, event).grants)
    grants[scope] = fingerprint(request, password)
    _write(request, response, MODERATOR_COOKIE, event, {"g": grants})
