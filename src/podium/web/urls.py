"""The addresses of the pages, in one place (the pages app is mounted at ``/e``)."""

from __future__ import annotations

from urllib.parse import quote

from podium.credits.service import VERIFICATION_PATH, verification_path

PAGES_PREFIX = "/e"
# the public verification pages of certificates (outside the pages app: no event in the path)
CERTIFICATES_PREFIX = VERIFICATION_PATH.rstrip("/")


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


def verify_url(uri: str) -> str:
    """Where a browser enters the code mailed to prove an attendee's email."""
    return f"{event_url(uri)}/verify"


def sign_in_path(uri: str, token: str) -> str:
    """The sign-in link of a proof (put in the mail with the base URL before it)."""
    return f"{event_url(uri)}/signin/{quote(token)}"


def static_url(path: str) -> str:
    return f"/static/{path}"


def event_certificate_url(uri: str) -> str:
    """The signed-in attendee's certificate for the whole event (a PDF)."""
    return f"{event_url(uri)}/credits/certificate.pdf"


def session_certificate_url(uri: str, session_id: str) -> str:
    """The signed-in attendee's certificate for one session (a PDF)."""
    return f"{session_url(uri, session_id)}/certificate.pdf"


def certificate_url(number: str) -> str:
    """A certificate's public verification page (printed on it, with the base URL)."""
    return verification_path(quote(number))
