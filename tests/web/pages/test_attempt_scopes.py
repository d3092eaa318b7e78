"""Wrong attempts count per event: a crowd guessing at one event never locks another event's
pages, whatever the secret (moderator and app passwords, check-in codes, codewords)."""

from __future__ import annotations

from podium.config import Settings
from podium.kit.db import Database
from tests.web.pages.attendee.conftest import (
    ALEX,
    check_in,
    joined,
    new_event,
    new_session,
    page_url,
)
from tests.web.pages.conftest import BrowserFactory
from tests.web.pages.moderator.helpers import EVENT_PASSWORD, setup_event


async def test_wrong_moderator_passwords_at_one_event_do_not_lock_another_events_kiosk(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    first = await setup_event(db, uri="first")
    second = await setup_event(db, uri="second")
    login = first.moderate + "/login"
    wrong = 0
    while wrong < settings.attempt_limit_per_address:  # one address, a browser per 5 guesses
        guesser = await new_browser()
        await guesser.get(login)
        for _ in range(min(settings.attempt_limit, settings.attempt_limit_per_address - wrong)):
            assert (await guesser.post(login, {"password": "guess"})).status_code == 401
            wrong += 1
    same_event, other_event = await new_browser(), await new_browser()
    await same_event.get(first.kiosk + "/login")
    await other_event.get(second.kiosk + "/login")

    locked = await same_event.post(first.kiosk + "/login", {"password": EVENT_PASSWORD})
    opened = await other_event.post(second.kiosk + "/login", {"password": EVENT_PASSWORD})

    assert wrong == 50
    assert (locked.status_code, opened.status_code) == (429, 303)
    assert opened.headers["location"] == second.kiosk
    assert (await other_event.get(second.kiosk)).status_code == 200


async def test_wrong_app_passwords_at_one_event_do_not_lock_another_event(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    first = await new_event(db, "first", app_password="first-secret")
    second = await new_event(db, "second", app_password="second-secret")
    browser = await new_browser()
    await browser.get(f"/e/{first.uri}")
    statuses = [
        (await browser.post(f"/e/{first.uri}/password", {"password": "guess"})).status_code
        for _ in range(settings.attempt_limit + 1)
    ]
    await browser.get(f"/e/{second.uri}")

    other = await browser.post(f"/e/{second.uri}/password", {"password": "second-secret"})

    assert statuses == [400] * settings.attempt_limit + [429]
    assert other.status_code == 303


async def test_wrong_checkin_codes_at_one_event_do_not_lock_another_events_session(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    first = await new_event(db, "first")
    second = await new_event(db, "second")
    first_session = await new_session(db, first, checkin_code="Lotus")
    second_session = await new_session(db, second, checkin_code="Orchid")
    at_first = await joined(new_browser, first, ALEX)
    at_second = await joined(new_browser, second, ALEX)  # the same person, another event
    statuses = []
    for _ in range(settings.attempt_limit + 1):
        await at_first.get(page_url(first, first_session))
        response = await at_first.post(
            f"{page_url(first, first_session)}/checkin",
            {"nonce": at_first.nonces()[0], "code": "guess"},
        )
        statuses.append(response.status_code)
    await at_second.get(page_url(second, second_session))

    other = await at_second.post(
        f"{page_url(second, second_session)}/checkin",
        {"nonce": at_second.nonces()[0], "code": "Orchid"},
    )

    assert statuses == [400] * settings.attempt_limit + [429]
    assert other.status_code == 303


async def test_wrong_codewords_at_one_event_do_not_lock_another_events_codewords(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    # sessions without a date: codewords are open at any time
    first = await setup_event(db, uri="first", session_date=None)
    second = await setup_event(db, uri="second", session_date=None)
    guesser = await joined(new_browser, first.event, ALEX)
    await check_in(guesser, first.event, first.session)
    statuses = []
    for _ in range(settings.attempt_limit + 1):
        await guesser.get(page_url(first.event, first.session))
        response = await guesser.post(
            f"{page_url(first.event, first.session)}/codewords",
            {"nonce": guesser.nonces()[1], "field_of_study": "Accounting", "word": "guess"},
        )
        statuses.append(response.status_code)
    elsewhere = await joined(new_browser, second.event, ALEX)
    await check_in(elsewhere, second.event, second.session)
    await elsewhere.get(page_url(second.event, second.session))

    other = await elsewhere.post(
        f"{page_url(second.event, second.session)}/codewords",
        {"nonce": elsewhere.nonces()[1], "field_of_study": "Accounting", "word": "ledger"},
    )

    assert statuses == [400] * settings.attempt_limit + [429]
    assert other.status_code == 303
