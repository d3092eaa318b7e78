"""The event's schedule on a phone, in Chromium: three days, each by time with the room beside
each session; "Now" and "Next" where the event's clock says; "Jump to today" leads to today,
with JavaScript and without. The SQLite run saves docs/screenshots/schedule-phone.png."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, expect

from podium.events.service import create_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.db import Database
from podium.program.service import create_session
from podium.program.types import PresenterRef, SessionDraft
from tests.browser.conftest import PHONE, People, Screenshots, assert_labelled
from tests.processes import ServerProcess

ZONE = ZoneInfo("America/Chicago")


async def _three_days(db: Database) -> str:
    """Yesterday, today and tomorrow in Chicago: a session running all of today, one starting
    at the next hour (Next), and a morning of sessions on the other days. Returns today's
    anchor."""
    now = datetime.now(ZONE)
    today = now.date()
    yesterday, tomorrow = today - timedelta(days=1), today + timedelta(days=1)
    soon = (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    program = [
        ("Opening Keynote", yesterday, time(9), time(10), "Grand Ballroom", ["Grace Hopper"]),
        ("Revenue Recognition", yesterday, time(10, 30), time(11, 45), "Room 101", []),
        ("Lease Accounting", yesterday, time(10, 30), time(11, 45), "Room 102", ["Ada Byron"]),
        ("Exhibit Hall", today, time(0), None, "Hall B", []),
        ("Ethics for CPAs", tomorrow, time(9), time(10, 15), "Room 101", ["Alan Turing"]),
        ("Closing Panel", tomorrow, time(15), time(16), "Grand Ballroom", []),
    ]
    if soon.date() == today:  # late in the evening there is no "next" left today
        program.append(("Tax Update", today, soon.time(), None, "Room 102", ["Sam Roe"]))
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo 2026", timezone=ZONE.key)
        await update_event_settings(
            uow, event=event, changes=EventChanges(start_date=yesterday, end_date=tomorrow)
        )
        for name, day, start, end, room, presenters in program:
            await create_session(
                uow,
                event=event,
                draft=SessionDraft(
                    name=name,
                    date=day,
                    start_time=start,
                    end_time=end,
                    location=room,
                    presenters=[PresenterRef(name=person) for person in presenters],
                ),
            )
    return f"day-{today.isoformat()}"


async def _jumps_to_today(page: Page, anchor: str) -> None:
    await page.get_by_role("link", name="Jump to today").click()
    await expect(page).to_have_url(f"{page.url.split('#')[0].split('?')[0]}#{anchor}")
    heading = page.locator(f"#{anchor} h3")
    await expect(heading).to_be_in_viewport()
    assert await page.evaluate("window.scrollY") > 0


async def test_schedule_on_a_phone_by_time_with_now_next_and_a_jump_to_today(
    db: Database, people: People, screenshots: Screenshots
) -> None:
    anchor = await _three_days(db)
    phone = await people.phone()

    await phone.goto("/e/expo")

    today = phone.locator(f"#{anchor}")
    now_row = today.locator(".session-row.is-now")
    await expect(now_row.locator(".session-link")).to_have_text("Exhibit Hall")
    await expect(now_row.locator(".marker")).to_have_text("Now")
    await expect(now_row.locator(".room")).to_have_text("Hall B")
    if await today.locator(".session-row").count() == 2:
        await expect(phone.locator(".session-row.is-next .session-link")).to_have_text("Tax Update")
    yesterday_rooms = await phone.locator(".day").first.locator(".room").all_inner_texts()
    assert yesterday_rooms == ["Grand Ballroom", "Room 101", "Room 102"]
    assert await phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    await assert_labelled(phone)
    await screenshots.one(phone, "schedule-phone")
    await _jumps_to_today(phone, anchor)


async def test_schedule_jump_to_today_without_javascript(
    db: Database, browser: Browser, server: ServerProcess
) -> None:
    anchor = await _three_days(db)
    context = await browser.new_context(
        base_url=server.base_url,
        viewport=PHONE,  # type: ignore[arg-type]
        java_script_enabled=False,
    )
    try:
        page = await context.new_page()
        await page.goto("/e/expo")
        await expect(page.locator(".session-row.is-now .marker")).to_have_text("Now")
        await _jumps_to_today(page, anchor)
    finally:
        await context.close()
