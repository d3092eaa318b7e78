"""The security headers of every page, certificate page and static file.

- ``Content-Security-Policy``: scripts, styles, images, fonts and connections (the session's
  WebSocket included: CSP 3 lets ``'self'`` match ``ws:``/``wss:`` of the page's own host) only
  from Podium itself; no inline script or style, no ``eval``, no plugins; forms post only to
  Podium; no ``<base>``; and no other site may frame a page (``frame-ancestors 'none'``), so a
  moderator's or kiosk's buttons cannot be overlaid by another site (clickjacking).
- ``X-Frame-Options: DENY``: the same refusal for browsers that do not read CSP 3.
- ``X-Content-Type-Options: nosniff``: a file is only ever what its Content-Type says.
- ``Referrer-Policy: same-origin``: the address of a page (a session, a kiosk's desk) never
  leaves for another site.

The API (``/api/...``) answers integrations, not browsers showing pages: it keeps its own
headers, so this wraps only the paths given (the pages, the certificates, ``/static``). It sits
outside the express lane and the body limit, so every answer under those paths gets the
headers: the lane's, a 413's and the error pages' included.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}
# as the ASGI message carries them, made once: the check-in burst passes through here
_ENCODED = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]


class SecurityHeaders:
    """Adds :data:`SECURITY_HEADERS` to every HTTP answer under one of ``prefixes``."""

    def __init__(self, app: ASGIApp, *, prefixes: Iterable[str]) -> None:
        self.app = app
        self.prefixes = tuple(prefix.rstrip("/") for prefix in prefixes)

    def _covers(self, path: str) -> bool:
        return any(path == prefix or path.startswith(prefix + "/") for prefix in self.prefixes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._covers(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # an answer's own header of these names wins (the sign-in page sends a
                # stricter Referrer-Policy); the others are added
                own = list(message.get("headers") or ())
                given = {name.lower() for name, _value in own}
                message["headers"] = own + [pair for pair in _ENCODED if pair[0] not in given]
            await send(message)

        await self.app(scope, receive, send_with_headers)
