"""In a real browser, with JavaScript on (htmx) and off (plain forms): the attendance section
says that checking in here checks the attendee out of the session they are in, which one it did,
and what checking out now would lose."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from playwright.async_api import Browser, expect

from podium.credits.service import set_credit_rules
from podium.credits.types import RulesChange
from podium.events.service import create_event
from podium.kit.db import Database
from tests.browser.conftest import LIVE_TIMEOUT_MS, PHONE, Screenshots, assert_labelled
from tests.factories import make_session
from tests.processes import ServerProcess

CHICAGO = ZoneInfo("America/Chicago")


async def _two_sessions_running_now(db: Database) -> tuple[str, str, str, str]:
    """Keynote and Workshop, both from ten minutes ago for 75 minutes: their public ids, their
    hours ("10:05-11:20", en dash) and the time they end."""
    start = (datetime.now(CHICAGO) - timedelta(minutes=10)).replace(second=0, microsecond=0)
    end = start + timedelta(minutes=75)
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="America/Chicago")
        sessions = [
            await make_session(
                uow,
                event,
                name=name,
                session_date=start.date(),
                start_time=start.time(),
                end_time=end.time(),
                fields_of_study={"Accounting": ("2", [])},
            )
            for name in ("Keynote", "Workshop")
        ]
        await set_credit_rules(
            uow,
            event=event,
            change=RulesChange(minutes_per_credit=60, partial_credit_step=Decimal("0.5")),
        )
    hours = f"{start:%H:%M}\N{EN DASH}{end:%H:%M}"
    return sessions[0].public_id, sessions[1].public_id, hours, f"{end:%H:%M}"


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-javascript"])
async def test_attendance_notices_before_and_after_checking_in_elsewhere(
    db: Database,
    browser: Browser,
    server: ServerProcess,
    screenshots: Screenshots,
    javascript: bool,
) -> None:
    keynote, workshop, hours, ends = await _two_sessions_running_now(db)
    context = await browser.new_context(
        base_url=server.base_url,
        viewport=PHONE,  # type: ignore[arg-type]
        java_script_enabled=javascript,
    )
    context.set_default_timeout(LIVE_TIMEOUT_MS)
    page = await context.new_page()
    try:
        await page.goto("/e/expo")
        await page.get_by_label("First name").fill("Lin")
        await page.get_by_label("Last name").fill("Chen")
        await page.get_by_label("Email").fill("lin@example.org")
        await page.get_by_role("button", name="Join").click()
        await page.goto(f"/e/expo/s/{keynote}")
        await page.get_by_role("button", name="Check in").click()
        await expect(page.get_by_role("button", name="Check out")).to_be_visible()
        await page.goto(f"/e/expo/s/{workshop}")

        await expect(page.locator("#overlap-notice")).to_have_text(
            f"You are checked in to Keynote ({hours}); checking in here checks you out of it."
        )
        await page.get_by_role("button", name="Check in").click()

        await expect(page.get_by_text("You are checked in.")).to_be_visible()
        await expect(page.locator("#left-notice")).to_have_text(
            f"Checking in here checked you out of Keynote ({hours})."
        )
        await expect(page.locator("#checkout-warning")).to_have_text(
            f"Checking out now loses credit: Accounting: 0 of 2 now, 1 if you stay until {ends}."
        )
        await assert_labelled(page)
        if javascript:
            await screenshots.both(page, "attendance-notices")
    finally:
        await context.close()
