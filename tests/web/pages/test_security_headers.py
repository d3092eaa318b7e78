"""Every page, certificate page and static file carries the security headers: no framing by
another site, no sniffing, no referrer for other sites, and a Content-Security-Policy that
allows Podium's own scripts and styles only. The API keeps its own headers."""

from __future__ import annotations

import httpx
import pytest

from podium.kit.db import Database
from podium.web.security import CONTENT_SECURITY_POLICY
from tests.web.pages.attendee.conftest import joined, new_event, new_session, page_url
from tests.web.pages.conftest import BrowserFactory
from tests.web.pages.moderator.helpers import setup_event, sign_in

EXPECTED = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
}


def _security_headers(response: httpx.Response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in EXPECTED}


def test_security_policy_is_the_documented_one() -> None:
    assert EXPECTED["content-security-policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/e/", 200),
        ("/e/example", 200),
        ("/e/example/kiosk/login", 200),
        ("/e/example/no/such/page", 404),
        ("/e/unknown-event", 404),
        ("/certificates/PDM-AAAA-BBBB-CCCC", 404),
        ("/static/css/base.css", 200),
        ("/static/js/podium.js", 200),
        ("/static/vendor/htmx-2.0.11.min.js", 200),
        ("/static/no-such-file.js", 404),
    ],
)
async def test_security_headers_on_every_page_and_static_file(
    db: Database, client: httpx.AsyncClient, path: str, status: int
) -> None:
    await new_event(db)

    response = await client.get(path)

    assert response.status_code == status
    assert _security_headers(response) == EXPECTED


async def test_security_headers_on_the_session_page_and_its_forms(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    page = await browser.get(page_url(event, session))
    # a check-in is answered by the express lane, before the pages app
    checkin = await browser.post(page_url(event, session) + "/checkin", {})
    fragment = await browser.get(page_url(event, session) + "/fragments/attendance")

    assert [r.status_code for r in (page, checkin, fragment)] == [200, 303, 200]
    assert [_security_headers(r) for r in (page, checkin, fragment)] == [EXPECTED] * 3


async def test_security_headers_on_a_refused_body(db: Database, client: httpx.AsyncClient) -> None:
    await new_event(db)

    response = await client.post(
        "/e/example/join",
        content=b"x" * (6 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )

    assert response.status_code == 413
    assert _security_headers(response) == EXPECTED


async def test_security_headers_leave_the_api_and_health_alone(
    db: Database, client: httpx.AsyncClient
) -> None:
    api = await client.get("/api/v2/app")
    health = await client.get("/healthz")

    assert (api.status_code, health.status_code) == (401, 200)
    assert api.headers.get("content-security-policy") is None
    assert health.headers.get("x-frame-options") is None


async def test_security_headers_on_the_moderator_page_and_the_kiosk_desk(
    db: Database, new_browser: BrowserFactory
) -> None:
    """The two pages whose buttons a framing site would most like to overlay."""
    setup = await setup_event(db)
    browser = await sign_in(new_browser, setup.moderate + "/login")

    pages = [await browser.get(path) for path in (setup.moderate, setup.screen, setup.desk)]

    assert [r.status_code for r in pages] == [200, 200, 200]
    assert [_security_headers(r) for r in pages] == [EXPECTED] * 3
