"""The addresses of the pages, in one place (the pages app is mounted at ``/e``)."""

from __future__ import annotations

from urllib.parse import quote

PAGES_PREFIX = "/e"


def event_url(uri: str) -> str:
    return f"{PAGES_PREFIX}/{quote(uri)}"


def session_url(uri: str, session_id: str) -> str:
    return f"{event_url(uri)}/s/{quote(session_id)}"


def moderate_url(uri: str, session_id: str) -> str:
    return f"{session_url(uri, session_id)}/moderate"


def screen_url(uri: str, session_id: str) -> str:
    return f"{session_url(uri, session_id)}/screen"


def live_url(uri: str, session_id: str) -> str:
    """The session's WebSocket."""
    return f"{session_url(uri, session_id)}/live"


def kiosk_url(uri: str) -> str:
    return f"{event_url(uri)}/kiosk"


def static_url(path: str) -> str:
    return f"/static/{path}"
