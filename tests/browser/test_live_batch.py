"""What the server combines for the audience arrives as one frame, ``{"type": "batch",
"messages": [...]}``: the page takes it apart and acts on each message as if it came alone —
the tally changes in place, and the question list is fetched again."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
from playwright.async_api import Browser, Request, WebSocketRoute, expect
from sqlalchemy import select

from podium.events.service import get_event
from podium.kit.db import Database
from podium.live.service import get_poll, open_poll, set_poll_results_visible
from podium.models import Poll
from podium.program.service import get_session
from tests.browser.conftest import PHONE
from tests.browser.test_question_list_refetch import SETTLE_MS
from tests.browser.test_resilience import _event_with_a_draft_poll, _join
from tests.processes import serve


async def _show_the_poll(db: Database, session_id: str) -> str:
    """Open the poll and show its results (before the page loads); its public id."""
    async with db.unit_of_work() as uow:
        event = await get_event(uow, "expo")
        session = await get_session(uow, event=event, public_id=session_id)
        poll_id = (await uow.session.scalars(select(Poll.public_id))).one()
        poll = await get_poll(uow, session=session, public_id=poll_id)
        await open_poll(uow, poll=poll)
        await set_poll_results_visible(uow, poll=poll, visible=True)
        return poll.public_id


async def test_a_batch_frame_is_taken_apart_message_by_message(
    db: Database, browser: Browser, tmp_path: Path
) -> None:
    session_id = await _event_with_a_draft_poll(db)
    poll_id = await _show_the_poll(db, session_id)
    env = {"PODIUM_DATABASE_URL": db.url, "PODIUM_SECRET_KEY": "batch-secret"}
    context = await browser.new_context(viewport=PHONE)  # type: ignore[arg-type]
    page = await context.new_page()
    routes: list[WebSocketRoute] = []

    def through(route: WebSocketRoute) -> None:  # the real server's socket, and a way in
        route.connect_to_server()
        routes.append(route)

    def question_list(request: Request) -> bool:
        return request.url.endswith("/fragments/question-list")

    await page.route_web_socket(re.compile(r".*/live$"), through)
    try:
        with serve(env, tmp_path / "serve.log") as server:
            await _join(page, server.base_url, session_id)
            await expect(page.locator("[data-live-status]")).to_have_text("Live")
            results = page.locator(f'[data-tally-poll="{poll_id}"]')
            await expect(results.locator("[data-tally-total]")).to_have_text("0")
            tally = {"type": "poll.tally", "poll": poll_id, "votes": 3, "counts": [1, 2],
                     "visible": True}  # fmt: skip
            approved = {"type": "question.approved", "question": "q1"}
            frame = orjson.dumps({"type": "batch", "messages": [tally, approved]}).decode()
            async with page.expect_request(question_list, timeout=SETTLE_MS):
                routes[-1].send(frame)

            await expect(results.locator("[data-tally-total]")).to_have_text("3")
            await expect(results.locator('[data-tally-count="1"]')).to_have_text("2")
            await expect(results.locator('[data-tally-share="1"]')).to_have_text("67%")
    finally:
        await context.close()
