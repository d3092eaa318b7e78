"""A page form with text no database can store (a NUL) is a 400 page naming the field, and
stores nothing; the express lane passes such a form on to the full route, which refuses it."""

from __future__ import annotations

from sqlalchemy import func, select

from podium.kit.db import Database
from podium.models import Attendee, Checkin
from tests.web.pages.attendee.conftest import ALEX, joined, new_event, new_session, page_url
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import BrowserFactory


async def _count(db: Database, model: type[Attendee] | type[Checkin]) -> int:
    async with db.unit_of_work() as u:
        return int(await u.session.scalar(select(func.count()).select_from(model)) or 0)


async def test_join_with_a_nul_in_the_name_is_a_400_page_and_stores_no_one(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    browser = await new_browser()
    await browser.get(f"/e/{event.uri}")

    response = await browser.post(f"/e/{event.uri}/join", {**ALEX, "first_name": "Al\x00ex"})

    assert response.status_code == 400
    assert parse(response.text).by_tag("section")[0].texts(tag="p")[0] == (
        "first_name: contains a character that cannot be stored (a NUL character); remove it."
    )
    assert await _count(db, Attendee) == 0


async def test_express_checkin_with_a_nul_goes_to_the_full_route_which_refuses_it(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))

    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": browser.nonces()[0] + "\x00"}
    )

    assert response.status_code == 400
    assert parse(response.text).by_tag("section")[0].texts(tag="p")[0] == (
        "nonce: contains a character that cannot be stored (a NUL character); remove it."
    )
    assert await _count(db, Checkin) == 0
