"""The list of events and an event's home: app password, joining, leaving, the schedule."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from podium.kit.db import Database
from podium.models import Attendee
from podium.web.pages.templates import day_label
from tests.conftest import Api
from tests.factories import make_attendee
from tests.web.pages.attendee.conftest import (
    ALEX,
    joined,
    new_event,
    new_session,
    page_url,
    program_session,
)
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import BrowserFactory

DASH = "\N{EN DASH}"
CHICAGO = ZoneInfo("America/Chicago")  # new_event's time zone


async def _attendees(db: Database) -> list[Attendee]:
    async with db.unit_of_work() as u:
        return list(await u.session.scalars(select(Attendee).order_by(Attendee.id)))


# the list of events


async def test_event_list_links_every_event_with_its_dates(
    db: Database, new_browser: BrowserFactory
) -> None:
    await new_event(db, start_date=dt.date(2026, 6, 1), end_date=dt.date(2026, 6, 3))
    await new_event(db, "other")
    browser = await new_browser()

    response = await browser.get("/e/")

    links = parse(response.text).by_class("event-link")
    assert response.status_code == 200
    assert [(a.attrs["href"], a.text) for a in links] == [
        ("/e/example", "Example Event"),
        ("/e/other", "Example Event"),
    ]
    assert parse(response.text).texts(tag="span", cls="muted") == [
        f"Monday, June 1, 2026 {DASH} Wednesday, June 3, 2026"
    ]


# joining


async def test_event_home_asks_for_name_email_and_the_labelled_custom_fields(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(
        db, custom_attendee_field_1="Company", custom_attendee_field_3="Badge number"
    )
    browser = await new_browser()

    response = await browser.get(f"/e/{event.uri}")

    assert response.status_code == 200
    assert parse(response.text).labels() == [
        "First name",
        "Last name",
        "Email",
        "Company",
        "Badge number",
    ]
    assert parse(response.text).buttons() == ["Join"]


async def test_join_stores_the_attendee_with_the_custom_fields_and_signs_them_in(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(
        db, custom_attendee_field_1="Company", custom_attendee_field_3="Badge number"
    )
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(
        f"/e/{event.uri}/join",
        {**ALEX, "field_1": "Acme", "field_2": "not asked", "field_3": "B-17"},
    )

    assert (response.status_code, response.headers["location"]) == (303, "/e/example")
    (attendee,) = await _attendees(db)
    stored = (attendee.first_name, attendee.last_name, attendee.email)
    assert stored == ("Alex", "Example", "alex@example.com")
    assert (attendee.field_1, attendee.field_2, attendee.field_3) == ("Acme", None, "B-17")
    home = parse((await browser.get(f"/e/{event.uri}")).text)
    assert home.by_id("you").by_tag("p")[0].text == "Signed in as Alex Example (alex@example.com)"
    assert home.buttons() == ["Not you? Leave"]


async def test_join_finds_the_attendee_who_has_that_email(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    async with db.unit_of_work() as u:
        preloaded = await make_attendee(u, event, first_name="", last_name="", email="Alex@X.org")

    await joined(new_browser, event, {**ALEX, "email": "alex@x.org"})

    (attendee,) = await _attendees(db)
    assert (attendee.id, attendee.first_name, attendee.email) == (
        preloaded.id,
        "Alex",
        "Alex@X.org",
    )


async def test_join_without_an_email_shows_the_form_again_with_a_message(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(f"/e/{event.uri}/join", {**ALEX, "email": " "})

    page = parse(response.text)
    assert response.status_code == 400
    assert page.by_id("join").alerts() == ["Enter your email address."]
    assert page.by_id("first_name").attrs["value"] == "Alex"
    assert await _attendees(db) == []


async def test_join_with_a_malformed_email_says_what_is_wrong(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(f"/e/{event.uri}/join", {**ALEX, "email": "alex"})

    assert response.status_code == 400
    assert parse(response.text).by_id("join").alerts() == [
        '"alex" is not an email address; use the form "alex@example.com".'
    ]


async def test_joined_browser_stays_signed_in_across_requests(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)

    first = await browser.get(page_url(event, session))
    second = await browser.get(page_url(event, session))

    assert (first.status_code, second.status_code) == (200, 200)


async def test_leave_forgets_the_attendee_in_this_browser(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(f"/e/{event.uri}/leave")

    assert (response.status_code, response.headers["location"]) == (303, "/e/example")
    after = await browser.get(page_url(event, session))
    assert after.status_code == 303
    assert parse((await browser.get(f"/e/{event.uri}")).text).buttons() == ["Join"]


async def test_session_page_sends_a_browser_that_has_not_joined_to_join_and_back(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await new_browser()

    response = await browser.get(page_url(event, session))

    home = f"/e/{event.uri}?next=/e/{event.uri}/s/{session.public_id}"
    assert (response.status_code, response.headers["location"]) == (303, home)
    form = parse((await browser.get(home)).text).by_id("join")
    assert [i.attrs["value"] for i in form.with_attr("name", "next")] == [page_url(event, session)]
    joined_response = await browser.post(
        f"/e/{event.uri}/join", {**ALEX, "next": page_url(event, session)}
    )
    assert joined_response.headers["location"] == page_url(event, session)


async def test_join_does_not_follow_a_next_address_outside_the_event(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(
        f"/e/{event.uri}/join", {**ALEX, "next": "https://evil.example/e/example/s/x"}
    )

    assert response.headers["location"] == "/e/example"


# the app password


async def test_event_with_an_app_password_shows_only_the_password_form(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    await program_session(db, event, "Secret Session")
    browser = await new_browser()

    response = await browser.get(f"/e/{event.uri}")

    page = parse(response.text)
    assert response.status_code == 200
    assert (page.labels(), page.buttons()) == (["App password"], ["Continue"])
    assert page.by_class("session-link") == []


async def test_app_password_wrong_is_refused_with_a_message_and_right_leads_to_join(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    wrong = await browser.post(f"/e/{event.uri}/password", {"password": "guess"})
    right = await browser.post(f"/e/{event.uri}/password", {"password": "opensesame"})

    assert wrong.status_code == 400
    assert parse(wrong.text).texts(cls="error") == [
        "That is not this event's app password. Check it and try again."
    ]
    assert (right.status_code, right.headers["location"]) == (303, "/e/example")
    home = parse((await browser.get(f"/e/{event.uri}")).text)
    assert home.labels() == ["First name", "Last name", "Email"]


async def test_app_password_keeps_where_the_attendee_was_going(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    session = await new_session(db, event)
    browser = await new_browser()
    await browser.get(page_url(event, session), follow_redirects=True)

    response = await browser.post(
        f"/e/{event.uri}/password", {"password": "opensesame", "next": page_url(event, session)}
    )

    assert response.headers["location"] == f"/e/example?next={page_url(event, session)}"


async def test_app_password_wrong_six_times_answers_429_with_retry_after(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    statuses = [
        (await browser.post(f"/e/{event.uri}/password", {"password": f"guess{n}"})).status_code
        for n in range(6)
    ]

    assert statuses == [400, 400, 400, 400, 400, 429]
    assert int(browser.last.headers["retry-after"]) > 0  # type: ignore[union-attr]


async def test_join_without_the_app_password_is_sent_to_the_password_form(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(f"/e/{event.uri}/join", dict(ALEX))

    assert (response.status_code, response.headers["location"]) == (303, "/e/example")
    assert await _attendees(db) == []


async def test_joined_browser_must_give_a_changed_app_password_again(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="opensesame")
    session = await new_session(db, event)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")
    await browser.post(f"/e/{event.uri}/password", {"password": "opensesame"})
    await browser.post(f"/e/{event.uri}/join", dict(ALEX))
    assert (await browser.get(page_url(event, session))).status_code == 200
    async with db.unit_of_work() as u:
        (await u.session.get(type(event), event.id)).app_password = "changed"  # type: ignore[union-attr]

    response = await browser.get(page_url(event, session))

    assert response.status_code == 303


# the schedule


async def test_schedule_sorts_each_days_sessions_by_time_with_the_room_beside(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    day1, day2 = dt.date(2026, 6, 1), dt.date(2026, 6, 2)
    at = {"start_time": dt.time(9, 0), "end_time": dt.time(9, 45)}
    await program_session(
        db,
        event,
        "Audit basics",
        location="Main Hall",
        date=day1,
        start_time=dt.time(13, 0),
        end_time=dt.time(14, 0),
    )
    await program_session(
        db,
        event,
        "Tax update",
        location="Room B",
        date=day1,
        start_time=dt.time(10, 30),
        end_time=dt.time(11, 15),
        presenters=["Jordan Lee", "Sam Roe"],
    )
    await program_session(db, event, "Opening", location="Main Hall", date=day1, **at)
    await program_session(db, event, "Day two keynote", location="Main Hall", date=day2, **at)
    await program_session(db, event, "Hallway track")
    browser = await joined(new_browser, event)

    page = parse((await browser.get(f"/e/{event.uri}")).text)

    schedule = [
        (
            day.by_tag("h3")[0].text,
            [
                (row.texts(cls="time"), row.texts(cls="session-link"), row.texts(cls="where"))
                for row in day.by_class("session-row")
            ],
        )
        for day in page.by_class("day")
    ]
    assert schedule == [
        (
            "Monday, June 1, 2026",
            [
                ([f"09:00{DASH}09:45"], ["Opening"], ["Main Hall"]),
                ([f"10:30{DASH}11:15"], ["Tax update"], ["Room B · Jordan Lee, Sam Roe"]),
                ([f"13:00{DASH}14:00"], ["Audit basics"], ["Main Hall"]),
            ],
        ),
        ("Tuesday, June 2, 2026", [([f"09:00{DASH}09:45"], ["Day two keynote"], ["Main Hall"])]),
        ("Date to be announced", [([""], ["Hallway track"], [])]),
    ]
    # these days are long past: nothing is on now or next, and there is no today to jump to
    assert (page.by_class("marker"), page.by_class("jump-today")) == ([], [])


async def test_schedule_marks_now_and_next_and_jumps_to_today(
    db: Database, new_browser: BrowserFactory
) -> None:
    today = dt.datetime.now(CHICAGO).date()
    yesterday, tomorrow = today - dt.timedelta(days=1), today + dt.timedelta(days=1)
    event = await new_event(db, start_date=yesterday, end_date=tomorrow)
    await program_session(db, event, "Over", date=yesterday, start_time=dt.time(9, 0))
    # from midnight and without an end time: it runs all of today, in Chicago
    await program_session(db, event, "All day", date=today, start_time=dt.time(0, 0))
    await program_session(db, event, "Tomorrow first", date=tomorrow, start_time=dt.time(9, 0))
    await program_session(db, event, "Tomorrow later", date=tomorrow, start_time=dt.time(11, 0))
    browser = await joined(new_browser, event)

    page = parse((await browser.get(f"/e/{event.uri}")).text)

    marked = [
        (row.texts(cls="session-link")[0], row.texts(cls="marker"))
        for row in page.by_class("session-row")
    ]
    assert marked == [
        ("Over", []),
        ("All day", ["Now"]),
        ("Tomorrow first", ["Next"]),
        ("Tomorrow later", []),
    ]
    (jump,) = page.by_class("jump-today")
    anchor = f"day-{today.isoformat()}"
    assert (jump.attrs["href"], jump.text) == (f"#{anchor}", "Jump to today")
    assert page.by_id(anchor).by_tag("h3")[0].text == f"{day_label(today)} Today"


async def test_schedule_links_each_session_to_its_page(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await program_session(db, event, "Opening")
    browser = await joined(new_browser, event)

    page = parse((await browser.get(f"/e/{event.uri}")).text)

    assert [(a.attrs["href"], a.text) for a in page.by_class("session-link")] == [
        (page_url(event, session), "Opening")
    ]


async def test_event_home_runs_as_many_queries_for_30_sessions_as_for_1(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    browser = await joined(new_browser, event)

    async def queries() -> int:
        with count_queries() as counter:
            response = await browser.get(f"/e/{event.uri}")
        assert response.status_code == 200
        return counter.count

    await program_session(db, event, "First", location="Room 1", presenters=["Ann"])
    one = await queries()
    for n in range(29):
        await program_session(
            db,
            event,
            f"S{n}",
            location=f"Room {n % 4}",
            date=dt.date(2026, 6, 1 + n % 3),
            presenters=[f"P{n}", f"Q{n}"],
        )
    many = await queries()

    assert one == many


async def test_session_url_from_the_api_opens_the_session_page(
    db: Database, api: Api, new_browser: BrowserFactory
) -> None:
    created = await api.post("/sessions", json={"name": "From the API"})
    url = created.json()["data"]["url"]
    browser = await joined(new_browser, api.event)

    response = await browser.get(url.removeprefix("https://podium.test"))

    assert url.startswith("https://podium.test/e/example/s/")
    assert response.status_code == 200
    assert parse(response.text).by_id("session-title").text == "From the API"
