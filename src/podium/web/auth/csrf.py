"""Cross-site request forgery protection for every form (double-submit, signed).

Each browser gets a random ``podium_csrf`` cookie (SameSite=Lax, HttpOnly). Forms carry a
``csrf_token`` field, and htmx requests an ``X-CSRF-Token`` header, holding that value signed
with the secret key. A POST whose token does not unsign to the cookie's value is refused: another
site can make a browser send the cookie but can neither read it nor forge the signature.
"""

from __future__ import annotations

import secrets
from functools import lru_cache

from fastapi import Request
from itsdangerous import Signer
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

COOKIE = "podium_csrf"
FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
_STATE_KEY = "podium.csrf"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
TOKENS_KEPT = 8192


class CsrfFailed(Exception):
    """The form's token is missing or does not match the browser's cookie."""


@lru_cache(maxsize=16)
def _signer(secret_key: str) -> Signer:
    return Signer(secret_key, salt="podium.csrf")


def csrf_token(request: Request) -> str:
    """The token to put in this response's forms."""
    return token_for(request.scope[_STATE_KEY]["secret"], request.scope[_STATE_KEY]["value"])


@lru_cache(maxsize=TOKENS_KEPT)
def token_for(secret_key: str, cookie_value: str) -> str:
    """The token of the forms of the browser whose cookie is ``cookie_value`` (the same every
    time: kept for the last ``TOKENS_KEPT`` browsers, whose every page, section and form
    needs it)."""
    signed: str = _signer(secret_key).sign(cookie_value).decode()
    return signed


def browser_id(request: Request) -> str | None:
    """A stable, unguessable id of this browser (its CSRF cookie), None on its first visit."""
    state = request.scope.get(_STATE_KEY)
    if state is None or state["new"]:
        return None
    value: str = state["value"]
    return value


async def verify_csrf(request: Request) -> None:
    """Raise CsrfFailed unless an unsafe request carries this browser's token."""
    if request.method in _SAFE_METHODS:
        return
    state = request.scope[_STATE_KEY]
    token = request.headers.get(HEADER)
    if token is None:
        form = await request.form()
        field = form.get(FIELD)
        token = field if isinstance(field, str) else None
    if state["new"] or not token_matches(state["secret"], state["value"], token):
        raise CsrfFailed


def token_matches(secret_key: str, cookie_value: str, token: str | None) -> bool:
    """Whether ``token`` (from a form or header) is the browser's cookie value, signed."""
    if not token:
        return False
    # the only token that unsigns to the cookie's value is the one its forms carry: signing is
    # deterministic
    return secrets.compare_digest(token.encode(), token_for(secret_key, cookie_value).encode())


class CsrfCookie:
    """Gives every browser its ``podium_csrf`` cookie (on its first response)."""

    def __init__(self, app: ASGIApp, *, secret_key: str, secure: bool) -> None:
        self.app = app
        self.secret_key = secret_key
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        value = browser_cookie(scope)
        new = value is None
        if value is None:
            value = secrets.token_urlsafe(32)
        scope[_STATE_KEY] = {"value": value, "secret": self.secret_key, "new": new}
        if not new or scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                secure = "; Secure" if self.secure else ""
                headers.append(
                    "set-cookie", f"{COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax{secure}"
                )
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def browser_cookie(scope: Scope) -> str | None:
    """The browser's ``podium_csrf`` cookie, if it sent one."""
    for name, raw in scope.get("headers") or ():
        if name != b"cookie":
            continue
        for part in raw.decode("latin-1").split(";"):
            key, _, val = part.strip().partition("=")
            if key == COOKIE and val and len(val) <= 64:
                return str(val)
    return None
