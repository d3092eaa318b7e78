"""Signing in to moderate a session: the event's password, a session's own, wrong ones."""

from __future__ import annotations

from urllib.parse import quote

from podium.kit.db import Database
from podium.models import Event, EventSession
from podium.web import urls
from tests.factories import make_attendee
from tests.web.pages.conftest import BrowserFactory
from tests.web.pages.moderator.helpers import (
    EVENT_PASSWORD,
    OTHER_PASSWORD,
    SESSION_PASSWORD,
    Setup,
    join_as,
    setup_event,
    sign_in,
)


def _login(setup: Setup) -> str:
    return setup.moderate + "/login"


async def test_moderate_page_without_a_grant_redirects_to_the_login(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()

    response = await browser.get(setup.moderate)

    assert (response.status_code, response.headers["location"]) == (
        303,
        f"{_login(setup)}?next={quote(setup.moderate)}",
    )


async def test_login_page_asks_for_the_moderator_password(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()

    response = await browser.get(_login(setup))

    assert response.status_code == 200
    assert '<label for="password">Moderator password</label>' in response.text
    assert 'type="password"' in response.text
    assert ">Sign in</button>" in response.text


async def test_login_with_the_event_password_opens_every_session_and_the_kiosk(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(_login(setup))

    response = await browser.post(
        _login(setup), {"password": f" {EVENT_PASSWORD} ", "next": setup.moderate}
    )
    pages = [
        await browser.get(setup.moderate),
        await browser.get(urls.moderate_url(setup.event.uri, setup.other.public_id)),
        await browser.get(setup.kiosk),
    ]

    assert (response.status_code, response.headers["location"]) == (303, setup.moderate)
    assert [page.status_code for page in pages] == [200, 200, 200]


async def test_login_with_a_session_password_opens_only_that_session(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await sign_in(new_browser, _login(setup), SESSION_PASSWORD)
    other = urls.moderate_url(setup.event.uri, setup.other.public_id)

    own = await browser.get(setup.moderate)
    other_page = await browser.get(other)
    kiosk = await browser.get(setup.kiosk)

    assert (own.status_code, other_page.status_code, kiosk.status_code) == (200, 303, 303)
    assert other_page.headers["location"] == f"{other}/login?next={quote(other)}"
    assert kiosk.headers["location"] == f"{setup.kiosk}/login?next={quote(setup.kiosk)}"


async def test_login_with_another_sessions_password_is_refused(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(_login(setup))

    response = await browser.post(_login(setup), {"password": OTHER_PASSWORD})

    assert response.status_code == 401
    assert (await browser.get(setup.moderate)).status_code == 303


async def test_login_with_both_grants_keeps_each(db: Database, new_browser: BrowserFactory) -> None:
    setup = await setup_event(db)
    other_login = urls.moderate_url(setup.event.uri, setup.other.public_id) + "/login"
    browser = await sign_in(new_browser, _login(setup), SESSION_PASSWORD)
    await browser.get(other_login)
    await browser.post(other_login, {"password": OTHER_PASSWORD})

    own = await browser.get(setup.moderate)
    other = await browser.get(urls.moderate_url(setup.event.uri, setup.other.public_id))

    assert (own.status_code, other.status_code) == (200, 200)


async def test_login_with_a_wrong_password_says_so(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(_login(setup))

    response = await browser.post(_login(setup), {"password": "guess"})

    assert response.status_code == 401
    assert (
        "That is not the moderator password of this event or session. Check it and try again."
        in response.text
    )
    assert "podium_moderator" not in response.headers.get("set-cookie", "")


async def test_login_is_throttled_after_five_wrong_passwords(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(_login(setup))
    wrong = [
        (await browser.post(_login(setup), {"password": f"guess {n}"})).status_code
        for n in range(5)
    ]

    refused = await browser.post(_login(setup), {"password": EVENT_PASSWORD})
    elsewhere = await new_browser(ip="198.51.100.9")
    await elsewhere.get(_login(setup))
    other_address = await elsewhere.post(_login(setup), {"password": EVENT_PASSWORD})

    assert (wrong, refused.status_code) == ([401] * 5, 429)
    assert 1 <= int(refused.headers["retry-after"]) <= 300
    assert "Too many wrong attempts." in refused.text
    assert other_address.status_code == 303


async def test_kiosk_wrong_passwords_count_toward_the_same_limit(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(setup.kiosk + "/login")
    for n in range(5):
        await browser.post(setup.kiosk + "/login", {"password": f"guess {n}"})
    await browser.get(_login(setup))

    response = await browser.post(_login(setup), {"password": EVENT_PASSWORD})

    assert response.status_code == 429


async def test_attendee_cookie_alone_does_not_open_the_moderator_page(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    async with db.unit_of_work() as uow:
        attendee = await make_attendee(uow, setup.event)
    browser = await new_browser()
    join_as(browser, setup.event, attendee.id)

    response = await browser.get(setup.moderate)

    assert (response.status_code, response.headers["location"]) == (
        303,
        f"{_login(setup)}?next={quote(setup.moderate)}",
    )


async def test_changing_the_password_ends_the_grant(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    event_browser = await sign_in(new_browser, _login(setup), EVENT_PASSWORD)
    session_browser = await sign_in(new_browser, _login(setup), SESSION_PASSWORD)
    async with db.unit_of_work() as uow:
        event = await uow.session.get(Event, setup.event.id)
        session = await uow.session.get(EventSession, setup.session.id)
        assert event is not None and session is not None
        event.moderator_password = "new event secret"
        session.moderator_password = "new session secret"

    assert (await event_browser.get(setup.moderate)).status_code == 303
    assert (await session_browser.get(setup.moderate)).status_code == 303


async def test_login_goes_back_to_next_only_within_the_event(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(_login(setup))

    response = await browser.post(
        _login(setup), {"password": EVENT_PASSWORD, "next": "https://evil.example/e/example/x"}
    )

    assert response.headers["location"] == urls.event_url(setup.event.uri)


async def test_login_page_when_already_signed_in_goes_on(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await sign_in(new_browser, _login(setup))

    response = await browser.get(_login(setup))

    assert (response.status_code, response.headers["location"]) == (303, setup.moderate)


async def test_login_without_any_moderator_password_says_how_to_set_one(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db, moderator_password=None, session_password=None)
    browser = await new_browser()

    page = await browser.get(_login(setup))
    kiosk = await browser.get(setup.kiosk + "/login")

    message = (
        "This event has no moderator password yet; the organizer sets one with the API's "
        "moderator_password setting."
    )
    assert (page.status_code, kiosk.status_code) == (200, 200)
    assert message in page.text.replace("&#39;", "'")
    assert message in kiosk.text.replace("&#39;", "'")
    assert 'type="password"' not in page.text + kiosk.text


async def test_kiosk_login_says_so_when_only_sessions_have_a_password(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db, moderator_password=None)
    browser = await new_browser()

    session_login = await browser.get(_login(setup))
    kiosk_login = await browser.get(setup.kiosk + "/login")

    assert 'type="password"' in session_login.text
    assert "This event has no moderator password yet" in kiosk_login.text


async def test_login_form_without_the_csrf_token_is_refused(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(_login(setup))

    response = await browser.http.post(_login(setup), data={"password": EVENT_PASSWORD})

    assert response.status_code == 403
    assert "podium_moderator" not in response.headers.get("set-cookie", "")
