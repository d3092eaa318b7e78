"""The WebSocket of a session page: ``/e/<event>/s/<session>/live``.

It only sends: the session's live messages as JSON text (see :mod:`podium.web.realtime.hub`);
what a client sends is ignored. Who may listen is decided once, when the socket opens, with one
short read unit of work that is closed before streaming starts (a socket holds no database
connection). A refused socket is accepted and closed at once with a code the page can act on:

- 4403: the event has an app password this browser has not given (and it is not a moderator
  of the session), or the page comes from another site (its ``Origin`` is neither this host
  nor ``PODIUM_BASE_URL``'s);
- 4404: there is no such event or session.

Moderators of the session (the event's or the session's moderator password) get every poll
tally; the audience gets tallies only while a poll's results are visible.

A socket may stay open for hours, and every layer a request passes through (routing,
dependencies, exception handlers, middleware) keeps its frames alive for that long: about 30 KB
a socket through the whole application. :class:`LiveSocketsFirst` therefore answers these
sockets before any other layer; the route below serves the pages app when it is used alone.
"""

from __future__ import annotations

import re
from contextlib import suppress
from urllib.parse import urlsplit

from fastapi import APIRouter, WebSocket
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketDisconnect

from podium.events.service import get_event
from podium.kit.errors import ErrorKind, PodiumError
from podium.kit.text import find_unstorable
from podium.program.service import get_session
from podium.web.auth import identity
from podium.web.realtime.hub import Role
from podium.web.runtime import Runtime

router = APIRouter()

LIVE_PATH = re.compile(r"/e/(?P<event_uri>[^/]+)/s/(?P<session_id>[^/]+)/live")

CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404


def _runtime(websocket: WebSocket) -> Runtime:
    runtime: Runtime = websocket.app.state.runtime
    return runtime


def _same_site(websocket: WebSocket, runtime: Runtime) -> bool:
    """True unless a browser opened the socket from a page of another site."""
    origin = websocket.headers.get("origin")
    if origin is None:  # not a browser: it sends no cookies it did not choose to
        return True
    allowed = {
        websocket.headers.get("host", "").lower(),
        urlsplit(runtime.settings.base_url).netloc.lower(),
    }
    return urlsplit(origin).netloc.lower() in allowed - {""}


async def _role(websocket: WebSocket, runtime: Runtime, event_uri: str, session_id: str) -> Role:
    """The socket's role; raises _Refused when it may not listen."""
    if find_unstorable([event_uri, session_id]) is not None:  # no event or session has one
        raise _Refused(CLOSE_NOT_FOUND, "There is no such event or session.")
    try:
        async with runtime.database.unit_of_work(write=False) as uow:
            event = await get_event(uow, event_uri)
            session = await get_session(uow, event=event, public_id=session_id)
    except PodiumError as error:
        if error.kind is ErrorKind.NOT_FOUND:
            raise _Refused(CLOSE_NOT_FOUND, "There is no such event or session.") from None
        raise
    if identity.moderator_access(websocket, event).for_session(websocket, event, session):
        return Role.MODERATOR
    if not identity.has_app_access(websocket, event):
        raise _Refused(CLOSE_FORBIDDEN, "Enter the event's password, then reload the page.")
    return Role.AUDIENCE


class _Refused(Exception):
    def __init__(self, code: int, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


@router.websocket("/{event_uri}/s/{session_id}/live")
async def live(websocket: WebSocket, event_uri: str, session_id: str) -> None:
    runtime = _runtime(websocket)
    try:
        if not _same_site(websocket, runtime):
            raise _Refused(CLOSE_FORBIDDEN, "This page belongs to another site.")
        role = await _role(websocket, runtime, event_uri, session_id)
    except _Refused as refused:
        await websocket.accept()
        await websocket.close(code=refused.code, reason=refused.reason)
        return
    hub = runtime.hub
    if hub is None:  # an application made without create_app has nothing to stream
        await websocket.close(code=1011)
        return

    async def end() -> None:  # the server is stopping: 1012 tells the page to come back
        await websocket.close(code=1012)

    # accepted only once subscribed: a page that sees the socket open misses nothing after
    async with hub.listen(session_id, role=role, send=websocket.send_text, end=end) as listener:
        await websocket.accept()
        listener.start()
        await _until_disconnect(websocket)


async def _until_disconnect(websocket: WebSocket) -> None:
    """Wait for the client to go (what it sends is ignored)."""
    with suppress(WebSocketDisconnect, OSError, RuntimeError):
        while (await websocket.receive())["type"] != "websocket.disconnect":
            pass


class LiveSocketsFirst:
    """ASGI middleware: a session's WebSocket goes straight to :func:`live`; anything else to
    the application."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            found = LIVE_PATH.fullmatch(scope["path"])
            if found is not None:
                websocket = WebSocket(scope, receive, send)
                await live(websocket, found["event_uri"], found["session_id"])
                return
        await self.app(scope, receive, send)
