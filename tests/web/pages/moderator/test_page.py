"""The moderator page as a whole: its header, the check-in count, codewords, and its queries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from podium.attendance.service import perform_checkin, preload_attendees
from podium.attendance.types import PreloadAttendee
from podium.enums import AttendanceSource, PollType
from podium.kit.db import Database
from podium.live.service import ask_question, cast_vote, create_poll, open_poll
from podium.models import Attendee, Codeword
from tests.factories import make_attendee
from tests.web.pages.attendee.html import parse
from tests.web.pages.conftest import BrowserFactory
from tests.web.pages.moderator.helpers import Setup, moderator, setup_event


async def test_moderator_page_shows_the_session_and_links_to_its_screen(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await moderator(new_browser, setup)

    page = await browser.get(setup.moderate)

    assert "<h1>Opening Keynote</h1>" in page.text
    assert f'href="{setup.screen}"' in page.text and ">Open the screen view</a>" in page.text
    assert f'data-live="/e/example/s/{setup.session.public_id}/live"' in page.text
    assert "data-live-status" in page.text
    assert "/static/js/moderator.js" in page.text


@pytest.mark.parametrize(
    ("codes", "shown"),
    [
        ({"checkin_code": "4821", "checkout_code": "sunset"}, ["4821", "sunset"]),
        ({"checkin_code": "4821"}, ["4821", "none"]),
        ({}, ["none", "none"]),
    ],
)
async def test_moderator_page_shows_the_session_codes(
    db: Database, new_browser: BrowserFactory, codes: dict[str, str], shown: list[str]
) -> None:
    setup = await setup_event(db, **codes)
    browser = await moderator(new_browser, setup)

    page = parse((await browser.get(setup.moderate)).text)

    (listed,) = page.by_class("session-codes")
    assert listed.texts(tag="dt") == ["Check-in code", "Check-out code"]
    assert listed.texts(tag="dd") == shown
    screen_links = [
        (a.attrs["href"], a.text) for a in page.by_tag("a") if "/screen" in a.attrs["href"]
    ]
    with_code = [
        (f"{setup.screen}?show=checkin-code", "Open the screen view with the check-in code")
    ]
    assert screen_links == [(setup.screen, "Open the screen view")] + (
        with_code if "checkin_code" in codes else []
    )


async def test_moderator_page_shows_the_checked_in_count(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    async with db.unit_of_work() as uow:
        await preload_attendees(
            uow,
            session=setup.session,
            attendees=[PreloadAttendee(email=f"p{n}@example.org") for n in range(3)],
        )
        people = list(await uow.session.scalars(select(Attendee).order_by(Attendee.id)))
        for person in people[:2]:
            await perform_checkin(
                uow, session=setup.session, attendee=person, source=AttendanceSource.WEB
            )
    browser = await moderator(new_browser, setup)

    page = await browser.get(setup.moderate)
    fragment = await browser.get(setup.moderate + "/fragments/checkins")

    assert "Checked in now: <strong data-checkin-count>2</strong>" in page.text
    assert fragment.text.lstrip().startswith('<p id="checkins"')
    assert "<strong data-checkin-count>2</strong>" in fragment.text


async def _announced(db: Database) -> dict[str, datetime | None]:
    async with db.unit_of_work(write=False) as uow:
        return {c.word: c.announced_at for c in await uow.session.scalars(select(Codeword))}


async def test_codewords_are_listed_by_field_of_study(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await moderator(new_browser, setup)

    page = await browser.get(setup.moderate)

    section = page.text.split('id="codewords"')[1]
    assert section.index(">Accounting</h3>") < section.index("ledger") < section.index("audit")
    assert section.index("audit") < section.index(">Taxes</h3>") < section.index("deduction")
    assert section.count(">Announce</button>") == 3
    assert section.count("Not announced yet") == 3


async def test_announce_a_codeword_without_javascript(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await moderator(new_browser, setup)
    before = datetime.now(UTC)

    response = await browser.post(
        setup.moderate + "/codewords/announce", {"field_of_study": "Accounting", "word": "audit"}
    )

    announced = await _announced(db)
    assert (response.status_code, response.headers["location"]) == (
        303,
        setup.moderate + "#codewords",
    )
    assert (announced["ledger"], announced["deduction"]) == (None, None)
    assert announced["audit"] is not None and announced["audit"] >= before


async def test_announce_a_codeword_with_htmx(db: Database, new_browser: BrowserFactory) -> None:
    setup = await setup_event(db)
    browser = await moderator(new_browser, setup)

    response = await browser.post(
        setup.moderate + "/codewords/announce",
        {"field_of_study": "Taxes", "word": "deduction"},
        htmx=True,
    )

    assert response.status_code == 200
    assert response.text.lstrip().startswith('<section id="codewords"')
    assert response.text.count("Announced at ") == 1
    assert (await _announced(db))["deduction"] is not None


async def test_announce_a_word_that_is_no_codeword_is_not_found(
    db: Database, new_browser: BrowserFactory
) -> None:
    setup = await setup_event(db)
    browser = await moderator(new_browser, setup)

    response = await browser.post(
        setup.moderate + "/codewords/announce", {"field_of_study": "Taxes", "word": "ledger"}
    )

    assert response.status_code == 404
    assert "is not a codeword of Taxes" in response.text.replace("&#34;", '"')
    assert set((await _announced(db)).values()) == {None}


async def _fill(db: Database, setup: Setup, count: int) -> None:
    """``count`` polls (open, with a vote each) and ``count`` questions in the session."""
    async with db.unit_of_work() as uow:
        voter = await make_attendee(uow, setup.event, email="voter@example.org")
        for n in range(count):
            poll = await create_poll(
                uow,
                session=setup.session,
                name=f"Poll {n}",
                type=PollType.MULTIPLE_CHOICE,
                choices=["A", "B"],
            )
            await open_poll(uow, poll=poll)
            await cast_vote(uow, poll=poll, attendee=voter, choices=[n % 2])
            await ask_question(
                uow,
                session=setup.session,
                attendee=voter,
                text=f"Question {n}?",
                moderated=n % 2 == 0,
            )


async def _page_queries(
    db: Database, new_browser: BrowserFactory, count_queries: Any, count: int
) -> int:
    setup = await setup_event(db, uri=f"example-{count}")
    await _fill(db, setup, count)
    browser = await moderator(new_browser, setup)
    with count_queries() as counter:
        page = await browser.get(setup.moderate)
    assert page.status_code == 200
    assert page.text.count('<article class="poll') == count
    return int(counter.count)


async def test_moderator_page_queries_do_not_grow_with_polls_and_questions(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    one = await _page_queries(db, new_browser, count_queries, 1)
    many = await _page_queries(db, new_browser, count_queries, 30)

    assert (one, many) == (10, 10)
