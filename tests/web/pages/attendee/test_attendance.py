"""Checking in and out from a session's page: codes, delivery format, nonces, throttling."""

from __future__ import annotations

import httpx
from sqlalchemy import select

from podium.config import Settings
from podium.enums import DeliveryFormat
from podium.kit.db import Database
from podium.models import Checkin, CheckinHistoryEntry, Event, EventSession
from tests.conftest import Api
from tests.web.pages.attendee.conftest import (
    BLAKE,
    OTHER_IP,
    joined,
    new_event,
    new_session,
    page_url,
)
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import Browser, BrowserFactory


async def _records(db: Database) -> list[Checkin]:
    async with db.unit_of_work() as u:
        return list(await u.session.scalars(select(Checkin).order_by(Checkin.id)))


async def _history(db: Database) -> list[tuple[str, str | None]]:
    async with db.unit_of_work() as u:
        entries = await u.session.scalars(
            select(CheckinHistoryEntry).order_by(CheckinHistoryEntry.id)
        )
        return [(entry.action, entry.source) for entry in entries]


async def _check_in(
    browser: Browser, event: Event, session: EventSession, *, htmx: bool = False, **fields: str
) -> httpx.Response:
    await browser.get(page_url(event, session))
    nonce = browser.nonces()[0]
    return await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": nonce, **fields}, htmx=htmx
    )


async def test_session_page_offers_check_in_without_a_code_field_when_none_is_set(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    page = parse((await browser.get(page_url(event, session))).text)

    attendance = page.by_id("attendance")
    assert (attendance.labels(), attendance.buttons()) == ([], ["Check in"])
    assert attendance.texts(cls="state") == ["You are not checked in yet."]


async def test_check_in_without_a_code_redirects_back_and_shows_the_state(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    response = await _check_in(browser, event, session)

    location = f"{page_url(event, session)}?done=checked-in#attendance"
    assert (response.status_code, response.headers["location"]) == (303, location)
    attendance = parse((await browser.get(location)).text).by_id("attendance")
    assert attendance.alerts() == ["You are checked in."]
    assert attendance.buttons() == ["Check out"]
    assert await _history(db) == [("checkin", "web")]


async def test_check_in_with_htmx_answers_the_attendance_fragment(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    response = await _check_in(browser, event, session, htmx=True)

    fragment = parse(response.text)
    assert response.status_code == 200
    assert response.headers["hx-trigger"] == "podium-my-attendance"
    assert [s.attrs["id"] for s in fragment.by_tag("section")] == ["attendance"]
    assert fragment.by_tag("html") == []
    assert fragment.alerts() == ["You are checked in."]


async def test_check_in_asks_for_the_code_and_refuses_a_wrong_one_with_a_message(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    assert parse(browser.last.text).by_id("attendance").labels() == ["Check-in code"]  # type: ignore[union-attr]

    wrong = await _check_in(browser, event, session, code="lily")
    right = await _check_in(browser, event, session, code=" lotus ")

    assert wrong.status_code == 400
    assert parse(wrong.text).by_id("attendance").alerts() == [
        "That is not this session's code to check in; check it and try again."
    ]
    assert right.status_code == 303
    assert await _history(db) == [("checkin", "web")]


async def test_check_in_with_a_wrong_code_by_htmx_answers_400_with_the_fragment(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    browser = await joined(new_browser, event)

    response = await _check_in(browser, event, session, code="lily", htmx=True)

    fragment = parse(response.text)
    assert response.status_code == 400
    assert fragment.alerts() == [
        "That is not this session's code to check in; check it and try again."
    ]
    assert fragment.buttons() == ["Check in"]


async def test_check_in_wrong_code_six_times_answers_429_with_retry_after(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    browser = await joined(new_browser, event)

    statuses = []
    for n in range(6):
        response = await _check_in(browser, event, session, code=f"guess{n}")
        statuses.append(response.status_code)
    right = await _check_in(browser, event, session, code="Lotus")

    assert statuses == [400, 400, 400, 400, 400, 429]
    assert right.status_code == 429
    assert int(right.headers["retry-after"]) > 0
    assert await _records(db) == []


async def test_check_in_throttle_one_guesser_does_not_lock_out_the_venue(
    db: Database, new_browser: BrowserFactory
) -> None:
    """Everyone at an event may share one address (the venue's Wi-Fi)."""
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    alex = await joined(new_browser, event)
    blake = await joined(new_browser, event, BLAKE)
    for n in range(5):
        await _check_in(alex, event, session, code=f"guess{n}")

    alex_again = await _check_in(alex, event, session, code="Lotus")
    blake_at_the_same_address = await _check_in(blake, event, session, code="Lotus")

    assert alex_again.status_code == 429
    assert blake_at_the_same_address.status_code == 303


async def test_check_in_throttle_counts_the_address_across_attendees(
    db: Database, new_browser: BrowserFactory, settings: Settings
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    guesses = 0
    while guesses < settings.attempt_limit_per_address:  # many people, four guesses each
        guesser = await joined(
            new_browser, event, {**BLAKE, "email": f"guesser{guesses}@example.com"}
        )
        for _ in range(min(4, settings.attempt_limit_per_address - guesses)):
            assert (await _check_in(guesser, event, session, code="wrong")).status_code == 400
            guesses += 1
    newcomer = await joined(new_browser, event, {**BLAKE, "email": "new@example.com"})
    elsewhere = await joined(new_browser, event, {**BLAKE, "email": "c@example.com"}, ip=OTHER_IP)

    same_address = await _check_in(newcomer, event, session, code="Lotus")
    other_address = await _check_in(elsewhere, event, session, code="Lotus")

    assert same_address.status_code == 429
    assert other_address.status_code == 303


async def test_check_in_with_a_blank_code_asks_for_it_without_counting_a_guess(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    browser = await joined(new_browser, event)

    statuses = [(await _check_in(browser, event, session, code=" ")).status_code for _ in range(6)]

    assert statuses == [400] * 6
    assert parse(browser.last.text).by_id("attendance").alerts() == [  # type: ignore[union-attr]
        "This session needs a code to check in; enter it."
    ]


async def test_check_in_replayed_with_the_same_nonce_counts_once(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    nonce = browser.nonces()[0]

    first = await browser.post(f"{page_url(event, session)}/checkin", {"nonce": nonce})
    again = await browser.post(f"{page_url(event, session)}/checkin", {"nonce": nonce})

    assert (first.status_code, again.status_code) == (303, 303)
    assert await _history(db) == [("checkin", "web")]


async def test_check_in_again_without_a_new_nonce_says_you_are_checked_in(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await _check_in(browser, event, session)

    await browser.get(page_url(event, session))
    response = await browser.post(f"{page_url(event, session)}/checkin", {"nonce": "another"})

    assert response.status_code == 409
    assert parse(response.text).by_id("attendance").alerts() == [
        "You are already checked in to this session; check out before checking in again."
    ]


async def test_check_in_to_a_hybrid_session_records_the_chosen_delivery_format(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, delivery_format=DeliveryFormat.HYBRID.value)
    browser = await joined(new_browser, event)
    page = parse((await browser.get(page_url(event, session))).text)
    assert page.by_id("attendance").labels() == ["In person", "Virtual"]

    missing = await _check_in(browser, event, session)
    chosen = await _check_in(browser, event, session, delivery_format="virtual")

    assert missing.status_code == 400
    assert parse(missing.text).by_id("attendance").alerts() == [
        "Choose how you attend, in person or virtually."
    ]
    assert chosen.status_code == 303
    assert [record.delivery_format for record in await _records(db)] == ["virtual"]
    state = parse((await browser.get(page_url(event, session))).text).by_id("attendance")
    assert state.texts(cls="state")[0].endswith("· virtually")


async def test_check_in_to_an_in_person_session_records_in_person_without_asking(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, delivery_format=DeliveryFormat.IN_PERSON.value)
    browser = await joined(new_browser, event)

    await _check_in(browser, event, session, delivery_format="virtual")

    assert [record.delivery_format for record in await _records(db)] == ["in-person"]


async def test_check_out_asks_for_its_code_and_then_shows_checked_out(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkout_code="Sunset")
    browser = await joined(new_browser, event)
    await _check_in(browser, event, session)
    page = parse((await browser.get(page_url(event, session))).text)
    assert page.by_id("attendance").labels() == ["Check-out code"]
    nonce = browser.nonces()[0]

    wrong = await browser.post(
        f"{page_url(event, session)}/checkout", {"nonce": nonce, "code": "dawn"}
    )
    right = await browser.post(
        f"{page_url(event, session)}/checkout", {"nonce": nonce, "code": "sunset"}
    )

    assert wrong.status_code == 400
    assert parse(wrong.text).by_id("attendance").alerts() == [
        "That is not this session's code to check out; check it and try again."
    ]
    assert right.status_code == 303
    attendance = parse((await browser.get(right.headers["location"])).text).by_id("attendance")
    assert attendance.alerts() == ["You are checked out. Thank you for coming!"]
    assert attendance.buttons() == ["Check in"]
    assert await _history(db) == [("checkin", "web"), ("checkout", "web")]


async def test_check_out_with_htmx_answers_the_fragment_and_tells_other_sections(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await _check_in(browser, event, session)
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/checkout", {"nonce": browser.nonces()[0]}, htmx=True
    )

    assert response.status_code == 200
    assert response.headers["hx-trigger"] == "podium-my-attendance"
    assert parse(response.text).alerts() == ["You are checked out. Thank you for coming!"]


async def test_check_out_without_checking_in_says_so(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.post(f"{page_url(event, session)}/checkout", {"nonce": "n-1"})

    assert response.status_code == 409
    assert parse(response.text).by_id("attendance").alerts() == [
        "You are not checked in to this session, so you cannot check out."
    ]


async def test_check_in_made_on_the_page_shows_in_the_api_with_source_web(
    db: Database, api: Api, new_browser: BrowserFactory
) -> None:
    session = await new_session(db, api.event)
    browser = await joined(new_browser, api.event)
    await _check_in(browser, api.event, session)
    await browser.get(page_url(api.event, session))
    await browser.post(f"{page_url(api.event, session)}/checkout", {"nonce": browser.nonces()[0]})

    response = await api.get(f"/sessions/{session.public_id}/attendance")

    (record,) = response.json()["data"]
    assert (record["checkin_source"], record["checkout_source"]) == ("web", "web")
    assert record["user"]["email"] == "alex@example.com"


async def test_check_in_form_without_the_csrf_token_is_refused_with_403(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.http.post(f"{page_url(event, session)}/checkin", data={"nonce": "n"})

    assert response.status_code == 403
    assert await _records(db) == []


async def test_session_of_another_event_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    other = await new_event(db, "other")
    foreign = await new_session(db, other)
    browser = await joined(new_browser, event)

    page = await browser.get(f"/e/{event.uri}/s/{foreign.public_id}")
    await browser.get(f"/e/{event.uri}")
    post = await browser.post(f"/e/{event.uri}/s/{foreign.public_id}/checkin", {"nonce": "n"})

    assert (page.status_code, post.status_code) == (404, 404)
    assert await _records(db) == []


async def test_a_browser_that_has_not_joined_cannot_check_in(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(f"{page_url(event, session)}/checkin", {"nonce": "n"})

    assert response.status_code == 303
    assert response.headers["location"].startswith(f"/e/{event.uri}?next=")
    assert await _records(db) == []


async def test_code_input_is_required_and_described_by_its_hint(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event, checkin_code="Lotus")
    browser = await joined(new_browser, event)

    page = parse((await browser.get(page_url(event, session))).text)

    code = page.by_id("checkin-code")
    assert ("required" in code.attrs, code.attrs["aria-describedby"]) == (True, "checkin-code-hint")
    assert page.by_id("checkin-code-hint").text == "The presenter shows or says it."
