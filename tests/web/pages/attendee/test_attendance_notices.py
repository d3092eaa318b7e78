"""The attendance section says what a check-in or a check-out does besides itself: before
checking in to a session whose hours overlap one the attendee is in, that it checks them out of
it; after, which sessions it did; and before checking out of a session still running, what
credit leaving now loses — for plain forms (a page after a 303) and htmx alike."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from podium.credits.service import set_credit_rules
from podium.credits.types import RulesChange
from podium.kit.db import Database
from podium.models import Checkin, Event, EventSession
from tests.web.pages.attendee.conftest import (
    ALEX,
    check_in,
    joined,
    new_event,
    new_session,
    page_url,
)
from tests.web.pages.attendee.html import Element, parse
from tests.web.pages.conftest import Browser, BrowserFactory

CHICAGO = ZoneInfo("America/Chicago")
DAY = date(2026, 6, 1)


def _notices(section: Element) -> list[str]:
    return section.texts(cls="notice")


async def _attendance(browser: Browser, event: Event, session: EventSession) -> Element:
    return parse((await browser.get(page_url(event, session))).text).by_id("attendance")


async def _checked_in(db: Database, session: EventSession) -> list[bool]:
    async with db.unit_of_work(write=False) as uow:
        return list(
            await uow.session.scalars(
                select(Checkin.checked_in).where(Checkin.session_id == session.id)
            )
        )


async def _running_now(db: Database, event: Event, **attributes: object) -> EventSession:
    """A session that started ten minutes ago and ends in about 65 minutes (Chicago time),
    granting 2 credits in Accounting."""
    start = (datetime.now(CHICAGO) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    end = start + timedelta(minutes=75)
    return await new_session(
        db,
        event,
        name="Running now",
        session_date=start.date(),
        start_time=start.time(),
        end_time=end.time(),
        fields_of_study={"Accounting": ("2", [])},
        **attributes,
    )


async def _rules(db: Database, event: Event, change: RulesChange) -> None:
    async with db.unit_of_work() as uow:
        await set_credit_rules(uow, event=await uow.session.merge(event), change=change)


# --- checking in to an overlapping session ---------------------------------------------------


async def test_session_page_says_a_check_in_here_checks_you_out_of_the_overlapping_one(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    first = await new_session(
        db, event, name="Keynote", session_date=DAY, start_time=time(10), end_time=time(11)
    )
    second = await new_session(
        db, event, name="Workshop", session_date=DAY, start_time=time(10, 30), end_time=time(12)
    )
    later = await new_session(
        db, event, name="Lunch talk", session_date=DAY, start_time=time(12), end_time=time(13)
    )
    browser = await joined(new_browser, event)
    await check_in(browser, event, first)

    overlapping = await _attendance(browser, event, second)
    apart = await _attendance(browser, event, later)

    assert _notices(overlapping) == [
        "You are checked in to Keynote (10:00\N{EN DASH}11:00); checking in here checks you "
        "out of it."
    ]
    assert overlapping.by_tag("button")[0].attrs["aria-describedby"] == "overlap-notice"
    assert _notices(apart) == []


async def test_session_page_names_every_overlapping_session_it_would_leave(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    morning = await new_session(
        db, event, name="Keynote", session_date=DAY, start_time=time(9), end_time=time(11)
    )
    browser = await joined(new_browser, event)
    await check_in(browser, event, morning)
    # an organizer's session without hours overlaps nothing, so checking in there left nothing
    dateless = await new_session(db, event, name="Expo hall", session_date=None)
    await check_in(browser, event, dateless)
    day_long = await new_session(
        db, event, name="Hackathon", session_date=DAY, start_time=time(8), end_time=time(18)
    )

    section = await _attendance(browser, event, day_long)

    assert _notices(section) == [
        "You are checked in to Keynote (09:00\N{EN DASH}11:00); checking in here checks you "
        "out of it."
    ]


async def test_check_in_to_an_overlapping_session_says_which_one_it_left_after_the_redirect(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    first = await new_session(
        db, event, name="Keynote", session_date=DAY, start_time=time(10), end_time=time(11)
    )
    second = await new_session(
        db, event, name="Workshop", session_date=DAY, start_time=time(10, 30), end_time=time(12)
    )
    browser = await joined(new_browser, event)
    await check_in(browser, event, first)

    await browser.get(page_url(event, second))
    response = await browser.post(
        f"{page_url(event, second)}/checkin", {"nonce": browser.nonces()[0]}
    )
    after = parse((await browser.get(response.headers["location"])).text).by_id("attendance")
    reloaded = await _attendance(browser, event, second)

    left = ["Checking in here checked you out of Keynote (10:00\N{EN DASH}11:00)."]
    assert (response.status_code, after.alerts()) == (303, ["You are checked in."])
    assert (_notices(after), _notices(reloaded)) == (left, left)
    assert await _checked_in(db, first) == [False]


async def test_htmx_check_in_to_an_overlapping_session_answers_with_the_session_it_left(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    first = await new_session(
        db, event, name="Keynote", session_date=DAY, start_time=time(10), end_time=time(11)
    )
    second = await new_session(
        db, event, name="Workshop", session_date=DAY, start_time=time(10, 30), end_time=time(12)
    )
    browser = await joined(new_browser, event)
    await check_in(browser, event, first)
    await browser.get(page_url(event, second))

    response = await browser.post(
        f"{page_url(event, second)}/checkin", {"nonce": browser.nonces()[0]}, htmx=True
    )

    section = parse(response.text).by_id("attendance")
    assert (response.status_code, section.alerts(), _notices(section)) == (
        200,
        ["You are checked in."],
        ["Checking in here checked you out of Keynote (10:00\N{EN DASH}11:00)."],
    )


async def test_check_in_without_an_overlap_says_nothing_about_other_sessions(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    first = await new_session(
        db, event, name="Keynote", session_date=DAY, start_time=time(10), end_time=time(11)
    )
    later = await new_session(
        db, event, name="Lunch talk", session_date=DAY, start_time=time(12), end_time=time(13)
    )
    browser = await joined(new_browser, event)
    await check_in(browser, event, first)

    await check_in(browser, event, later)
    section = await _attendance(browser, event, later)

    assert (_notices(section), await _checked_in(db, first)) == ([], [True])


# --- checking out early ----------------------------------------------------------------------


async def test_check_out_form_warns_what_credit_leaving_now_loses(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _running_now(db, event)
    # 60 minutes a credit, in steps of half a credit: the 65 minutes left earn 1 of the 2
    await _rules(db, event, RulesChange(minutes_per_credit=60, partial_credit_step=Decimal("0.5")))
    browser = await joined(new_browser, event)

    await check_in(browser, event, session)
    section = await _attendance(browser, event, session)

    ends = f"{session.end_time:%H:%M}"
    assert _notices(section) == [
        f"Checking out now loses credit: Accounting: 0 of 2 now, 1 if you stay until {ends}."
    ]
    [check_out] = section.by_tag("button")
    assert (check_out.text, check_out.attrs["aria-describedby"]) == (
        "Check out",
        "checkout-warning",
    )


async def test_htmx_check_in_answers_with_the_check_out_warning(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _running_now(db, event)
    await _rules(db, event, RulesChange(minutes_per_credit=60, partial_credit_step=Decimal("0.5")))
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": browser.nonces()[0]}, htmx=True
    )

    ends = f"{session.end_time:%H:%M}"
    assert _notices(parse(response.text).by_id("attendance")) == [
        f"Checking out now loses credit: Accounting: 0 of 2 now, 1 if you stay until {ends}."
    ]


async def test_check_out_form_does_not_warn_when_leaving_now_loses_nothing(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _running_now(db, event)
    # a check-out up to 90 minutes before the end counts to the end
    await _rules(db, event, RulesChange(minutes_per_credit=60, early_checkout_minutes=90))
    browser = await joined(new_browser, event)

    await check_in(browser, event, session)
    section = await _attendance(browser, event, session)

    assert (_notices(section), section.buttons()) == ([], ["Check out"])


async def test_check_out_form_does_not_warn_once_the_session_has_ended(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(
        db, event, session_date=DAY, fields_of_study={"Accounting": ("2", [])}
    )
    await _rules(db, event, RulesChange(minutes_per_credit=60))
    browser = await joined(new_browser, event)

    await check_in(browser, event, session)
    section = await _attendance(browser, event, session)

    assert (_notices(section), section.buttons()) == ([], ["Check out"])


_NONCE = re.compile(r'name="nonce" value="[^"]+"')


async def test_an_htmx_check_in_is_answered_as_the_page_renders_the_section_and_reads_little(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    session = await _running_now(db, event, checkout_code="BYE")
    # 60 minutes a credit, in steps of half a credit: leaving now loses credit
    await _rules(db, event, RulesChange(minutes_per_credit=60, partial_credit_step=Decimal("0.5")))
    before = await _running_now(db, event)  # the same hours: checking in here leaves it
    statements = []
    for htmx in (False, True):  # two attendees alike, one with a plain form, one with htmx
        browser = await joined(new_browser, event, {**ALEX, "email": f"{htmx}@example.com"})
        await check_in(browser, event, before)
        await browser.get(page_url(event, session))
        with count_queries() as counter:
            answer = await browser.post(
                f"{page_url(event, session)}/checkin", {"nonce": browser.nonces()[0]}, htmx=htmx
            )
        statements.append(counter.count)
    # the section as the page's own route renders it, saying the same
    rendered = await browser.get(f"{page_url(event, session)}/fragments/attendance?done=checked-in")

    assert answer.status_code == rendered.status_code == 200
    assert _NONCE.sub("nonce", answer.text) == _NONCE.sub("nonce", rendered.text)
    section = parse(answer.text)
    left, at_stake = _notices(section)
    assert left.startswith("Checking in here checked you out of Running now (")
    assert at_stake.startswith("Checking out now loses credit: Accounting: 0 of 2 now")
    assert section.alerts() == ["You are checked in."]
    for header in ("content-type", "cache-control", "hx-trigger"):
        assert answer.headers[header] == rendered.headers[header], header
    # beyond the check-in's own statements, the section's: the session's hours and rules, its
    # fields, the record with its history, the other sessions', the codewords entered
    plain, htmx = statements
    assert htmx - plain == 5
