"""A plenary's phones must not all fetch the question list at the same instant, nor once per
question message: an attendee's page fetches it again at most once every 5 seconds, after a
random wait of up to 2 seconds, and the last fetch after a burst shows its final state."""

from __future__ import annotations

import asyncio
from pathlib import Path

from playwright.async_api import Browser, Request, expect

from podium.events.service import get_event
from podium.kit.db import Database
from podium.live.service import ask_question
from podium.program.service import get_session
from tests.browser.conftest import PHONE
from tests.browser.test_resilience import _event_with_a_draft_poll, _join
from tests.factories import make_attendee
from tests.processes import serve

# 5 s between fetches and up to 2 s of jitter, with a margin for a loaded CI machine
SETTLE_MS = 12_000


async def _ask(db: Database, session_id: str, text: str) -> None:
    """A question shown at once (the session does not hold questions), asked straight through
    the service from this test process: the server's pages get no message about it."""
    async with db.unit_of_work() as uow:
        event = await get_event(uow, "expo")
        session = await get_session(uow, event=event, public_id=session_id)
        asker = await make_attendee(uow, event, email=f"asker{len(text)}@example.org")
        await ask_question(uow, session=session, attendee=asker, text=text)


_BURST = """async (count) => {
  for (let n = 0; n < count; n++) {
    document.body.dispatchEvent(new CustomEvent("podium-question-approved", {detail: {}}));
    await new Promise((done) => setTimeout(done, 50));
  }
}"""


async def test_question_list_is_fetched_once_for_a_burst_and_again_for_its_final_state(
    db: Database, browser: Browser, tmp_path: Path
) -> None:
    session_id = await _event_with_a_draft_poll(db)
    env = {"PODIUM_DATABASE_URL": db.url, "PODIUM_SECRET_KEY": "refetch-secret"}
    context = await browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = await context.new_page()
    fetches: list[str] = []

    def note(request: Request) -> None:
        if request.url.endswith("/fragments/question-list"):
            fetches.append(request.url)

    try:
        with serve(env, tmp_path / "serve.log") as server:
            await _join(page, server.base_url, session_id)
            await expect(page.locator("[data-live-status]")).to_have_text("Live")
            page.on("request", note)
            await _ask(db, session_id, "First question?")
            await page.evaluate(_BURST, 20)  # twenty messages in a second
            await expect(page.get_by_text("First question?")).to_be_visible(timeout=SETTLE_MS)
            after_the_burst = len(fetches)
            await _ask(db, session_id, "Second question, a moment later?")
            await page.evaluate(_BURST, 1)
            await expect(page.get_by_text("Second question, a moment later?")).to_be_visible(
                timeout=SETTLE_MS
            )
            await asyncio.sleep(1)  # nothing more is fetched for the messages already heard
            in_all = len(fetches)
    finally:
        await context.close()

    assert after_the_burst in (1, 2)
    assert in_all <= after_the_burst + 1
