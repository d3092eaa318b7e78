"""The kiosk: signing in, choosing a session, finding attendees, checking them in and out."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from podium.attendance.service import perform_checkin, preload_attendees
from podium.attendance.types import PreloadAttendee
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database
from podium.models import Attendee, Checkin, CheckinHistoryEntry, Event, EventSession
from tests.conftest import Api
from tests.factories import make_attendee, make_session
from tests.web.pages.attendee.conftest import text_of
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import Browser, BrowserFactory
from tests.web.pages.moderator.helpers import (
    EVENT_PASSWORD,
    SESSION_PASSWORD,
    Setup,
    setup_event,
    sign_in,
)

PEOPLE = [
    PreloadAttendee(first_name="Ada", last_name="Lovelace", email="ada@example.org"),
    PreloadAttendee(first_name="Alan", last_name="Turing", email="alan@example.org"),
    PreloadAttendee(first_name="Grace", last_name="Hopper", email="grace@navy.example"),
]
_CLOCK = re.compile(r"at (\d\d:\d\d)\.")


async def _kiosk(
    db: Database, new_browser: BrowserFactory, **kwargs: object
) -> tuple[Setup, Browser]:
    setup = await setup_event(db, **kwargs)  # type: ignore[arg-type]
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, setup.session.id)
        assert session is not None
        await preload_attendees(uow, session=session, attendees=PEOPLE)
    browser = await sign_in(new_browser, setup.kiosk + "/login")
    return setup, browser


async def _attendee(db: Database, first_name: str) -> Attendee:
    async with db.unit_of_work(write=False) as uow:
        found = await uow.session.scalar(select(Attendee).where(Attendee.first_name == first_name))
        assert found is not None
        return found


async def _record(db: Database, session: EventSession, attendee: Attendee) -> Checkin:
    async with db.unit_of_work(write=False) as uow:
        found = await uow.session.scalar(
            select(Checkin).where(
                Checkin.session_id == session.id, Checkin.attendee_id == attendee.id
            )
        )
        assert found is not None
        return found


async def _history(db: Database, record: Checkin) -> list[tuple[str, str | None]]:
    async with db.unit_of_work(write=False) as uow:
        entries = await uow.session.scalars(
            select(CheckinHistoryEntry)
            .where(CheckinHistoryEntry.checkin_id == record.id)
            .order_by(CheckinHistoryEntry.id)
        )
        return [(entry.action, entry.source) for entry in entries]


def _buttons(html: str) -> list[str]:
    return re.findall(r'<button type="submit" class="big[^"]*">([^<]+)</button>', html)


# --- signing in ----------------------------------------------------------------------------


async def test_kiosk_without_a_grant_redirects_to_its_login(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()

    page = await browser.get(setup.kiosk)
    desk = await browser.get(setup.desk)

    assert (page.status_code, page.headers["location"]) == (
        303,
        f"{setup.kiosk}/login?next={quote(setup.kiosk)}",
    )
    assert desk.headers["location"] == f"{setup.kiosk}/login?next={quote(setup.desk)}"


async def test_kiosk_login_takes_the_event_password_only(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(setup.kiosk + "/login")

    with_session_password = await browser.post(
        setup.kiosk + "/login", {"password": SESSION_PASSWORD}
    )
    with_event_password = await browser.post(
        setup.kiosk + "/login", {"password": EVENT_PASSWORD, "next": setup.desk}
    )

    assert with_session_password.status_code == 401
    assert "That is not the event&#39;s moderator password." in with_session_password.text
    assert (with_event_password.status_code, with_event_password.headers["location"]) == (
        303,
        setup.desk,
    )
    assert (await browser.get(setup.desk)).status_code == 200


async def test_kiosk_login_is_throttled_after_five_wrong_passwords(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await new_browser()
    await browser.get(setup.kiosk + "/login")
    for n in range(5):
        await browser.post(setup.kiosk + "/login", {"password": f"guess {n}"})

    response = await browser.post(setup.kiosk + "/login", {"password": EVENT_PASSWORD})

    assert response.status_code == 429
    assert int(response.headers["retry-after"]) >= 1


# --- choosing a session --------------------------------------------------------------------


async def test_kiosk_lists_todays_sessions_first(db: Database, new_browser: BrowserFactory) -> None:
    setup = await setup_event(db, session_date=date(2020, 1, 1))
    today = datetime.now(ZoneInfo("America/Chicago")).date()
    async with db.unit_of_work() as uow:
        event = await uow.session.get(Event, setup.event.id)
        assert event is not None
        await make_session(uow, event, name="Later Today", session_date=today, start_time=time(16))
        await make_session(uow, event, name="Early Today", session_date=today, start_time=time(8))
        await make_session(uow, event, name="Tomorrow", session_date=today + timedelta(days=1))
    browser = await sign_in(new_browser, setup.kiosk + "/login")

    page = await browser.get(setup.kiosk)
    fragment = await browser.get(setup.kiosk + "/fragments/sessions")

    today_part, others = page.text.split('id="others-title"')
    assert today_part.index("Early Today") < today_part.index("Later Today")
    assert ">Today</h2>" in today_part and ">Other days</h2>" in others
    assert others.index("Opening Keynote") < others.index("Tomorrow")
    assert f'href="{setup.desk}"' in page.text
    assert 'hx-trigger="every 300s"' in fragment.text


async def test_kiosk_without_sessions_today_lists_all(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db, session_date=date(2020, 1, 1))
    browser = await sign_in(new_browser, setup.kiosk + "/login")

    page = await browser.get(setup.kiosk)

    assert ">All sessions</h2>" in page.text and ">Today</h2>" not in page.text


# --- searching -----------------------------------------------------------------------------


async def test_desk_has_a_labelled_live_search(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _kiosk(db, new_browser)

    page = await browser.get(setup.desk)

    assert '<label for="q">Name or email</label>' in page.text
    assert 'hx-trigger="input changed delay:300ms, search"' in page.text
    assert ">Search</button>" in page.text
    assert "Type a name or an email to find someone" in page.text


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ada", ["Check in Ada Lovelace"]),
        ("LOVELACE", ["Check in Ada Lovelace"]),
        ("ada lovelace", ["Check in Ada Lovelace"]),
        ("Ada@Example.org", ["Check in Ada Lovelace"]),
        ("ov", ["Check in Ada Lovelace"]),
        ("example.org", ["Check in Ada Lovelace", "Check in Alan Turing"]),
    ],
)
async def test_desk_search_by_name_or_email(
    db: Database, new_browser: BrowserFactory, query: str, found: list[str]
) -> None:
    setup, browser = await _kiosk(db, new_browser)

    page = await browser.get(setup.desk, params={"q": query})
    fragment = await browser.get(setup.desk + "/results", params={"q": query})

    assert (_buttons(page.text), _buttons(fragment.text)) == (found, found)


async def test_desk_search_shows_masked_emails_and_states(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    ada = await _attendee(db, "Ada")
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, setup.session.id)
        assert session is not None
        await perform_checkin(uow, session=session, attendee=ada, source=AttendanceSource.WEB)

    fragment = await browser.get(setup.desk + "/results", params={"q": "a"})

    assert "a…@example.org" in fragment.text and "ada@example.org" not in fragment.text
    assert _buttons(fragment.text) == [
        "Check in Grace Hopper",
        "Check out Ada Lovelace",
        "Check in Alan Turing",
    ]
    assert fragment.text.count("Not checked in") == 2


async def test_desk_search_finds_only_that_sessions_attendees(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    async with db.unit_of_work() as uow:
        event = await uow.session.get(Event, setup.event.id)
        other = await uow.session.get(EventSession, setup.other.id)
        assert event is not None and other is not None
        await make_attendee(uow, event, first_name="Adam", last_name="Walk-in", email="w@x.org")
        await preload_attendees(
            uow,
            session=other,
            attendees=[PreloadAttendee(first_name="Adele", last_name="Other", email="o@x.org")],
        )

    fragment = await browser.get(setup.desk + "/results", params={"q": "ad"})

    assert _buttons(fragment.text) == ["Check in Ada Lovelace"]


async def test_desk_search_is_bounded(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _kiosk(db, new_browser)
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, setup.session.id)
        assert session is not None
        await preload_attendees(
            uow,
            session=session,
            attendees=[
                PreloadAttendee(first_name=f"Sam{n:02d}", last_name="Smith", email=f"s{n}@x.org")
                for n in range(25)
            ],
        )

    fragment = await browser.get(setup.desk + "/results", params={"q": "smith"})

    assert len(_buttons(fragment.text)) == 20
    assert "Showing the first 20. Type more of the name to find the others." in fragment.text


async def test_desk_search_with_no_match_says_so(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _kiosk(db, new_browser)

    fragment = await browser.get(setup.desk + "/results", params={"q": "<zed>"})

    assert "Nobody on this session's list matches “&lt;zed&gt;”." in fragment.text


# --- checking in and out -------------------------------------------------------------------


async def test_checkin_with_htmx_confirms_and_clears_the_search(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser, checkin_code="SECRET")
    ada = await _attendee(db, "Ada")
    await browser.get(setup.desk, params={"q": "ada"})
    [nonce] = browser.nonces()

    response = await browser.post(
        setup.desk + "/checkin", {"attendee": str(ada.id), "nonce": nonce}, htmx=True
    )

    record = await _record(db, setup.session, ada)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="desk"')
    clock = _CLOCK.search(response.text)
    assert clock is not None
    assert f"Checked in Ada Lovelace at {clock.group(1)}." in response.text
    assert 'name="q" value=""' in response.text and _buttons(response.text) == []
    assert (record.checked_in, record.checkin_source, record.delivery_format) == (
        True,
        "kiosk",
        "in-person",
    )
    assert "Checked in now: 1" in response.text


async def test_checkin_without_javascript_redirects_with_the_confirmation(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    grace = await _attendee(db, "Grace")
    await browser.get(setup.desk, params={"q": "grace"})
    [nonce] = browser.nonces()

    response = await browser.post(
        setup.desk + "/checkin", {"attendee": str(grace.id), "nonce": nonce}
    )
    page = await browser.get(response.headers["location"])
    tampered = await browser.get(setup.desk, params={"notice": "forged.notice"})

    assert response.status_code == 303
    assert response.headers["location"].startswith(setup.desk + "?notice=")
    assert "Checked in Grace Hopper at " in page.text
    assert 'name="q" value=""' in page.text
    assert "Checked in Grace Hopper" not in tampered.text
    assert (await _record(db, setup.session, grace)).checked_in is True


async def test_checkout_records_the_kiosk_as_its_source(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser, checkout_code="BYE")
    alan = await _attendee(db, "Alan")
    await browser.get(setup.desk, params={"q": "alan"})
    await browser.post(setup.desk + "/checkin", {"attendee": str(alan.id), "nonce": "n1"})
    await browser.get(setup.desk, params={"q": "alan"})
    assert _buttons(browser.last.text if browser.last else "") == ["Check out Alan Turing"]

    response = await browser.post(
        setup.desk + "/checkout", {"attendee": str(alan.id), "nonce": "n2"}, htmx=True
    )

    record = await _record(db, setup.session, alan)
    assert "Checked out Alan Turing at " in response.text
    assert (record.checked_in, record.checkout_source) == (False, "kiosk")
    assert await _history(db, record) == [("checkin", "kiosk"), ("checkout", "kiosk")]


async def test_a_repeated_tap_checks_in_once(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _kiosk(db, new_browser)
    ada = await _attendee(db, "Ada")
    await browser.get(setup.desk, params={"q": "ada"})
    [nonce] = browser.nonces()

    first = await browser.post(
        setup.desk + "/checkin", {"attendee": str(ada.id), "nonce": nonce}, htmx=True
    )
    again = await browser.post(
        setup.desk + "/checkin", {"attendee": str(ada.id), "nonce": nonce}, htmx=True
    )

    record = await _record(db, setup.session, ada)
    assert (first.status_code, again.status_code) == (200, 200)
    assert "Checked in Ada Lovelace at " in again.text
    assert await _history(db, record) == [("checkin", "kiosk")]


async def test_checking_in_someone_already_in_says_so(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    ada = await _attendee(db, "Ada")
    await browser.get(setup.desk, params={"q": "ada"})
    await browser.post(setup.desk + "/checkin", {"attendee": str(ada.id), "nonce": "a"})
    await browser.get(setup.desk)

    response = await browser.post(
        setup.desk + "/checkin", {"attendee": str(ada.id), "nonce": "b"}, htmx=True
    )
    checkout = await browser.post(
        setup.desk + "/checkout", {"attendee": str(ada.id), "nonce": "c"}, htmx=True
    )
    not_in = await browser.post(
        setup.desk + "/checkout", {"attendee": str(ada.id), "nonce": "d"}, htmx=True
    )

    assert "Ada Lovelace is already checked in." in response.text
    assert "Checked out Ada Lovelace" in checkout.text
    assert "Ada Lovelace is not checked in, so there is nothing to check out." in not_in.text


async def test_checkin_of_another_events_attendee_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    async with db.unit_of_work() as uow:
        other_event = await create_event(uow, uri="other", name="Other", timezone=None)
        stranger = await make_attendee(uow, other_event, email="x@other.org")
    await browser.get(setup.desk)

    response = await browser.post(
        setup.desk + "/checkin", {"attendee": str(stranger.id), "nonce": "x"}
    )

    assert response.status_code == 404


async def test_checkin_needs_the_csrf_token_and_the_event_password(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    ada = await _attendee(db, "Ada")
    session_moderator = await sign_in(new_browser, setup.moderate + "/login", SESSION_PASSWORD)
    await session_moderator.get(setup.moderate)

    no_token = await browser.http.post(setup.desk + "/checkin", data={"attendee": str(ada.id)})
    not_kiosk = await session_moderator.post(
        setup.desk + "/checkin", {"attendee": str(ada.id), "nonce": "z"}
    )

    assert no_token.status_code == 403
    assert not_kiosk.status_code == 303
    assert not_kiosk.headers["location"].startswith(setup.kiosk + "/login")
    assert (await _record(db, setup.session, ada)).checked_in is False


async def test_kiosk_checkins_show_source_kiosk_through_the_api(
    db: Database, new_browser: BrowserFactory, api: Api
) -> None:
    async with db.unit_of_work() as uow:
        event = await uow.session.get(Event, api.event.id)
        assert event is not None
        event.moderator_password = EVENT_PASSWORD
        session = await make_session(uow, event, name="API Session")
        await preload_attendees(uow, session=session, attendees=PEOPLE)
        ada = await uow.session.scalar(select(Attendee).where(Attendee.first_name == "Ada"))
        assert ada is not None
    kiosk = f"/e/{event.uri}/kiosk"
    desk = f"{kiosk}/s/{session.public_id}"
    browser = await sign_in(new_browser, kiosk + "/login")
    await browser.get(desk)
    await browser.post(desk + "/checkin", {"attendee": str(ada.id), "nonce": "in"})
    await browser.get(desk)
    await browser.post(desk + "/checkout", {"attendee": str(ada.id), "nonce": "out"})

    response = await api.get(f"/sessions/{session.public_id}/attendance")

    records = {r["user"]["first_name"]: r for r in response.json()["data"]}
    assert response.status_code == 200
    assert (records["Ada"]["checkin_source"], records["Ada"]["checkout_source"]) == (
        "kiosk",
        "kiosk",
    )
    assert (records["Alan"]["checkin_source"], records["Alan"]["checkin_time"]) == (None, None)


async def test_desk_search_queries_do_not_grow_with_matches(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, setup.session.id)
        assert session is not None
        await preload_attendees(
            uow,
            session=session,
            attendees=[
                PreloadAttendee(first_name=f"Zed{n}", email=f"z{n}@x.org") for n in range(30)
            ],
        )

    with count_queries() as one_match:
        await browser.get(setup.desk + "/results", params={"q": "ada"})
    with count_queries() as many_matches:
        await browser.get(setup.desk + "/results", params={"q": "zed"})

    assert (one_match.count, many_matches.count) == (one_match.count, one_match.count)


# --- walk-ins ------------------------------------------------------------------------------

LIN = {"first_name": "Lin", "last_name": "Chen", "email": "lin@example.org"}


async def _people_named(db: Database, email: str) -> list[Attendee]:
    async with db.unit_of_work(write=False) as uow:
        return list(
            await uow.session.scalars(
                select(Attendee).where(Attendee.email_key == email).order_by(Attendee.id)
            )
        )


async def test_desk_says_what_it_offers(db: Database, new_browser: BrowserFactory) -> None:
    setup, browser = await _kiosk(db, new_browser)

    sessions = await browser.get(setup.kiosk)
    desk = parse((await browser.get(setup.desk)).text)

    assert (
        "This device checks people in to and out of the session you choose: those on its list "
        "(preloaded), and walk-ins it adds." in text_of(sessions.text)
    )
    assert desk.by_class("desk-header")[0].texts(tag="p") == [
        "08:30\N{EN DASH}09:15 · Find someone on this session's list to check them in or out, "
        "or add a walk-in."
    ]
    (walk_in,) = desk.by_class("walk-in")
    assert walk_in.texts(tag="h2") == ["Add a walk-in"]
    assert walk_in.labels() == ["First name", "Last name", "Email"]
    assert walk_in.buttons() == ["Add and check in"]
    form = walk_in.by_tag("form")[0]
    assert (form.attrs["action"], form.attrs["hx-post"], form.attrs["hx-target"]) == (
        setup.desk + "/walk-in",
        setup.desk + "/walk-in",
        "#desk",
    )


async def test_walk_in_with_htmx_adds_and_checks_in(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser, checkin_code="SECRET")
    await browser.get(setup.desk)

    response = await browser.post(setup.desk + "/walk-in", dict(LIN), htmx=True)

    (lin,) = await _people_named(db, "lin@example.org")
    record = await _record(db, setup.session, lin)
    assert response.status_code == 200
    assert response.text.lstrip().startswith('<div id="desk"')
    clock = _CLOCK.search(response.text)
    assert clock is not None
    assert parse(response.text).alerts() == [f"Checked in Lin Chen at {clock.group(1)}."]
    assert (lin.first_name, lin.last_name, lin.email, lin.event_id) == (
        "Lin",
        "Chen",
        "lin@example.org",
        setup.event.id,
    )
    assert (record.checked_in, record.checkin_source, record.delivery_format) == (
        True,
        "kiosk",
        "in-person",
    )
    assert await _history(db, record) == [("checkin", "kiosk")]
    # the desk comes back cleared for the next person
    assert 'id="walk-in-first_name" name="first_name" type="text" value=""' in response.text
    assert "Checked in now: 1" in response.text


async def test_walk_in_without_javascript_redirects_with_the_confirmation(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    await browser.get(setup.desk)

    response = await browser.post(setup.desk + "/walk-in", dict(LIN))
    page = await browser.get(response.headers["location"])

    assert response.status_code == 303
    assert response.headers["location"].startswith(setup.desk + "?notice=")
    assert "Checked in Lin Chen at " in page.text
    (lin,) = await _people_named(db, "lin@example.org")
    assert (await _record(db, setup.session, lin)).checked_in is True


async def test_walk_in_with_a_known_email_checks_in_that_attendee(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    async with db.unit_of_work() as uow:
        event = await uow.session.get(Event, setup.event.id)
        assert event is not None
        known = await make_attendee(
            uow, event, first_name="Lin", last_name="Chen", email="Lin@Example.org"
        )
    await browser.get(setup.desk)

    response = await browser.post(
        setup.desk + "/walk-in",
        {"first_name": "Lin", "last_name": "Chen", "email": "lin@example.org"},
        htmx=True,
    )

    assert response.status_code == 200
    assert [person.id for person in await _people_named(db, "lin@example.org")] == [known.id]
    assert (await _record(db, setup.session, known)).checked_in is True


async def test_walk_in_of_someone_already_in_says_so(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    await browser.get(setup.desk)
    await browser.post(setup.desk + "/walk-in", dict(LIN), htmx=True)

    again = await browser.post(setup.desk + "/walk-in", dict(LIN), htmx=True)

    assert again.status_code == 200
    assert parse(again.text).alerts() == ["Lin Chen is already checked in."]
    (lin,) = await _people_named(db, "lin@example.org")
    assert await _history(db, await _record(db, setup.session, lin)) == [("checkin", "kiosk")]


@pytest.mark.parametrize("htmx", [True, False])
@pytest.mark.parametrize(
    ("given", "field", "message"),
    [
        ({**LIN, "first_name": "  "}, "first_name", "Enter the walk-in's first name."),
        ({**LIN, "last_name": ""}, "last_name", "Enter the walk-in's last name."),
        ({**LIN, "email": ""}, "email", "Enter the walk-in's email address."),
        (
            {**LIN, "email": "lin@example"},
            "email",
            '"lin@example" is not an email address; use the form "alex@example.com".',
        ),
    ],
)
async def test_walk_in_refused_keeps_what_was_typed_and_writes_nothing(
    db: Database,
    new_browser: BrowserFactory,
    htmx: bool,
    given: dict[str, str],
    field: str,
    message: str,
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    await browser.get(setup.desk)

    response = await browser.post(setup.desk + "/walk-in", dict(given), htmx=htmx)

    page = parse(response.text)
    (walk_in,) = page.by_class("walk-in")
    assert response.status_code == 400
    assert response.text.lstrip().startswith('<div id="desk"') == htmx
    assert walk_in.texts(cls="error") == [message]
    assert page.by_id(f"walk-in-{field}").attrs["aria-invalid"] == "true"
    assert [page.by_id(f"walk-in-{name}").attrs["value"] for name in LIN] == [
        given[name].strip() for name in LIN
    ]
    async with db.unit_of_work(write=False) as uow:
        attendees = await uow.session.scalar(select(func.count()).select_from(Attendee))
        records = await uow.session.scalar(
            select(func.count()).select_from(Checkin).where(Checkin.checked_in.is_(True))
        )
    assert (attendees, records) == (len(PEOPLE), 0)


async def test_walk_in_needs_the_csrf_token_and_the_event_password(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup, browser = await _kiosk(db, new_browser)
    session_moderator = await sign_in(new_browser, setup.moderate + "/login", SESSION_PASSWORD)
    await session_moderator.get(setup.moderate)

    no_token = await browser.http.post(setup.desk + "/walk-in", data=dict(LIN))
    not_kiosk = await session_moderator.post(setup.desk + "/walk-in", dict(LIN))

    assert no_token.status_code == 403
    assert not_kiosk.status_code == 303
    assert not_kiosk.headers["location"].startswith(setup.kiosk + "/login")
    assert await _people_named(db, "lin@example.org") == []
