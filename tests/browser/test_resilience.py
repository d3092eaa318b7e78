"""A page that loses its socket catches up when it comes back, and with JavaScript off every
form still works (plain POSTs answered with whole pages)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.async_api import Browser, Page, expect
from sqlalchemy import select

from podium.enums import PollType
from podium.events.service import create_event, get_event
from podium.kit.db import Database
from podium.live.service import create_poll, get_poll, open_poll
from podium.models import Poll
from podium.program.service import get_session
from tests.browser.conftest import PHONE
from tests.factories import make_session
from tests.processes import free_port, serve

POLL = "Coffee or tea?"
ZONE = ZoneInfo("America/Chicago")


async def _event_with_a_draft_poll(db: Database) -> str:
    """A session running now (its page says "Live" only while it runs) with a draft poll."""
    now = datetime.now(ZONE)
    start = (now - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(minutes=50)).time().replace(second=0, microsecond=0)
    if end < start:  # near midnight: keep the session within one day
        start, end = time(0, 0), time(23, 59)
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone=ZONE.key)
        session = await make_session(
            uow,
            event,
            name="Morning Talk",
            checkin_code="sunrise",
            session_date=now.date(),
            start_time=start,
            end_time=end,
        )
        await create_poll(
            uow, session=session, name=POLL, type=PollType.MULTIPLE_CHOICE,
            choices=["Coffee", "Tea"],
        )  # fmt: skip
        return session.public_id


async def _open_the_poll(db: Database, session_id: str) -> None:
    """Open the poll straight through the service, from this test process: the server's pages
    get no message about it."""
    async with db.unit_of_work() as uow:
        event = await get_event(uow, "expo")
        session = await get_session(uow, event=event, public_id=session_id)
        poll_id = (await uow.session.scalars(select(Poll.public_id))).one()
        await open_poll(uow, poll=await get_poll(uow, session=session, public_id=poll_id))


async def _join(page: Page, base_url: str, session_id: str) -> None:
    await page.goto(f"{base_url}/e/expo")
    await page.get_by_label("First name").fill("Lin")
    await page.get_by_label("Last name").fill("Chen")
    await page.get_by_label("Email").fill("lin@example.org")
    await page.get_by_role("button", name="Join").click()
    await page.goto(f"{base_url}/e/expo/s/{session_id}")


async def test_resilience_page_catches_up_after_the_server_comes_back(
    db: Database, browser: Browser, tmp_path: Path
) -> None:
    session_id = await _event_with_a_draft_poll(db)
    port = free_port()
    env = {"PODIUM_DATABASE_URL": db.url, "PODIUM_SECRET_KEY": "resilience-secret"}
    context = await browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = await context.new_page()
    try:
        with serve(env, tmp_path / "first.log", port=port) as server:
            await _join(page, server.base_url, session_id)
            await expect(page.locator("[data-live-status]")).to_have_text("Live")
        await expect(page.locator("[data-live-status]")).to_have_text("Reconnecting…")
        await _open_the_poll(db, session_id)  # while no server runs: the page misses it
        with serve(env, tmp_path / "second.log", port=port):
            await expect(page.locator("[data-live-status]")).to_have_text("Live", timeout=20_000)
            await expect(page.get_by_role("group", name=POLL)).to_be_visible()
    finally:
        await context.close()


async def test_resilience_forms_work_without_javascript(
    db: Database, browser: Browser, tmp_path: Path
) -> None:
    session_id = await _event_with_a_draft_poll(db)
    await _open_the_poll(db, session_id)
    env = {"PODIUM_DATABASE_URL": db.url, "PODIUM_SECRET_KEY": "no-script-secret"}
    context = await browser.new_context(
        viewport=PHONE,  # type: ignore[arg-type]
        java_script_enabled=False,
    )
    page = await context.new_page()
    try:
        with serve(env, tmp_path / "serve.log") as server:
            await _join(page, server.base_url, session_id)
            await page.get_by_label("Check-in code").fill("sunrise")
            await page.get_by_role("button", name="Check in").click()
            await expect(page.get_by_text("Checked in", exact=True)).to_be_visible()
            await page.get_by_label("Tea").check()
            await page.get_by_role("button", name="Vote").click()
            await expect(page.get_by_text("Your answer: Tea")).to_be_visible()
            await page.get_by_label("Your question").fill("Is there decaf?")
            await page.get_by_role("button", name="Ask").click()
            await expect(page.get_by_text("Is there decaf?")).to_be_visible()
    finally:
        await context.close()
