"""The projector screen and the moderator page as Chromium draws them: the join address's QR
code scans to the session's page, the session's title is shown once, and a poll's result bars
line up (one label column, one bar track) at projector, laptop and phone sizes."""

from __future__ import annotations

import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import zxingcpp
from PIL import Image
from playwright.async_api import Page, expect

from podium.enums import PollType
from podium.events.service import create_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.db import Database
from podium.live.service import cast_vote, create_poll, open_poll, set_poll_results_visible
from tests.browser.conftest import DESKTOP, PHONE, PROJECTOR, People
from tests.factories import make_attendee, make_session

ZONE = ZoneInfo("America/Chicago")
SESSION = "Lease Accounting Under ASC 842"
POLL = "Which lease standard do your clients use?"
CHOICES = ["ASC 842", "IFRS 16, with the practical expedients for short-term leases", "None"]


async def _stage(db: Database) -> str:
    """A session running now (check-in code 4821) whose poll has its results shown: 3, 1 and
    0 votes for choices of very different lengths."""
    now = datetime.now(ZONE)
    start = (now - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(minutes=50)).time().replace(second=0, microsecond=0)
    if end < start:
        start, end = time(0, 0), time(23, 59)
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo 2026", timezone=ZONE.key)
        await update_event_settings(
            uow, event=event, changes=EventChanges(moderator_password="backstage")
        )
        session = await make_session(
            uow, event, name=SESSION, session_date=now.date(), start_time=start,
            end_time=end, checkin_code="4821",
        )  # fmt: skip
        poll = await create_poll(
            uow, session=session, name=POLL, type=PollType.MULTIPLE_CHOICE, choices=CHOICES
        )
        await open_poll(uow, poll=poll)
        for n, choice in enumerate([0, 0, 0, 1]):
            voter = await make_attendee(uow, event, email=f"voter{n}@example.org")
            await cast_vote(uow, poll=poll, attendee=voter, choices=[choice])
        await set_poll_results_visible(uow, poll=poll, visible=True)
        return session.public_id


async def _bar_boxes(page: Page, scope: str) -> list[tuple[int, int]]:
    """(left, width) of each result bar's track in ``scope``, in CSS pixels."""
    boxes: list[tuple[int, int]] = await page.eval_on_selector_all(
        f"{scope} meter.bar",
        "(bars) => bars.map((bar) => { const r = bar.getBoundingClientRect();"
        " return [Math.round(r.left), Math.round(r.width)]; })",
    )
    return [tuple(box) for box in boxes]  # type: ignore[misc]


async def _sign_in(people: People, session_path: str) -> Page:
    moderator = await people.desktop()
    await moderator.goto(f"{session_path}/moderate")
    await moderator.get_by_label("Moderator password").fill("backstage")
    await moderator.get_by_role("button", name="Sign in").click()
    await expect(moderator.get_by_role("heading", name=SESSION)).to_be_visible()
    return moderator


async def test_screen_join_qr_code_scans_to_the_session_page(db: Database, people: People) -> None:
    session_id = await _stage(db)
    session_path = f"/e/expo/s/{session_id}"
    moderator = await _sign_in(people, session_path)
    screen = await moderator.context.new_page()
    await screen.set_viewport_size(PROJECTOR)  # type: ignore[arg-type]

    await screen.goto(f"{session_path}/screen?show=checkin-code")

    png = await screen.locator(".join .qr").screenshot()
    (code,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert code.text == f"{people.base_url}{session_path}"
    short = f"{people.base_url.removeprefix('http://')}{session_path}"
    await expect(screen.locator(".join-url")).to_have_text(short)
    await expect(screen.locator(".join-code .code")).to_have_text("4821")
    # the title is the poll's now; the session's name is not on the screen twice
    assert (await screen.locator("body").inner_text()).count(SESSION) <= 1


async def test_result_bars_line_up_on_the_screen_and_the_moderator_page(
    db: Database, people: People
) -> None:
    session_id = await _stage(db)
    session_path = f"/e/expo/s/{session_id}"
    moderator = await _sign_in(people, session_path)
    screen = await moderator.context.new_page()
    await screen.goto(f"{session_path}/screen")
    await expect(screen.get_by_role("heading", name=POLL)).to_be_visible()

    for page, scope, sizes in (
        (screen, ".stage", (PROJECTOR, {"width": 1366, "height": 768}, PHONE)),
        (moderator, "#polls", (DESKTOP, PHONE)),
    ):
        for size in sizes:
            await page.set_viewport_size(size)  # type: ignore[arg-type]
            boxes = await _bar_boxes(page, scope)
            assert len(boxes) == len(CHOICES)
            # one track for every choice: the same left edge and width, whatever the label
            assert len(set(boxes)) == 1, (scope, size, boxes)
            assert boxes[0][1] > 40, (scope, size, boxes)
            width = await page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], (scope, size, width)
