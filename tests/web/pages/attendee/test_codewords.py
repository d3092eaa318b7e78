"""Entering codewords on a session's page: credits per field of study, right and wrong words,
replays and throttling."""

from __future__ import annotations

from sqlalchemy import func, select

from podium.kit.db import Database
from podium.models import CodewordSubmission, Event, EventSession
from tests.web.pages.attendee.conftest import check_in, joined, new_event, new_session, page_url
from tests.web.pages.attendee.html import Element, parse
from tests.web.pages.conftest import Browser, BrowserFactory

FIELDS = {"Accounting": ("2", ["alpha", "Beta"]), "Taxes": ("1.5", ["gamma"])}


async def _session(db: Database) -> tuple[Event, EventSession]:
    event = await new_event(db)
    return event, await new_session(db, event, session_date=None, fields_of_study=FIELDS)


async def _submissions(db: Database) -> int:
    async with db.unit_of_work() as u:
        return await u.session.scalar(select(func.count()).select_from(CodewordSubmission)) or 0


async def _enter(
    browser: Browser,
    event: Event,
    session: EventSession,
    word: str,
    *,
    field: str = "Accounting",
    nonce: str | None = None,
    htmx: bool = False,
) -> tuple[int, Element]:
    await browser.get(page_url(event, session))
    response = await browser.post(
        f"{page_url(event, session)}/codewords",
        {"field_of_study": field, "word": word, "nonce": nonce or browser.nonces()[1]},
        htmx=htmx,
    )
    if response.status_code == 303:
        response = await browser.get(response.headers["location"])
        return 303, parse(response.text).by_id("codewords")
    page = parse(response.text)
    if htmx or not page.has_id("codewords"):  # a fragment, or the 429 page
        return response.status_code, page
    return response.status_code, page.by_id("codewords")


def _fields(section: Element) -> list[tuple[str, str]]:
    return [
        (field.by_tag("h3")[0].text, field.by_class("tally-line")[0].text)
        for field in section.by_class("field-of-study")
    ]


async def test_codewords_show_credits_and_ask_to_check_in_first(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)

    section = parse((await browser.get(page_url(event, session))).text).by_id("codewords")

    assert _fields(section) == [
        ("Accounting", "2 credits 0 of 2 codewords entered"),
        ("Taxes", "1.5 credits 0 of 1 codewords entered"),
    ]
    assert section.texts(tag="p", cls="muted") == [
        "Check in to enter the codewords you hear during the session."
    ]
    assert section.labels() == []


async def test_codewords_after_check_in_have_an_input_per_field_of_study(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    section = parse((await browser.get(page_url(event, session))).text).by_id("codewords")

    assert section.labels() == ["Codeword for Accounting", "Codeword for Taxes"]
    assert section.buttons() == ["Submit", "Submit"]


async def test_codeword_right_is_accepted_and_counted_in_its_defined_spelling(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    status, section = await _enter(browser, event, session, " BETA ")

    assert status == 303
    assert section.alerts() == ["Codeword accepted."]
    assert _fields(section)[0] == ("Accounting", "2 credits 1 of 2 codewords entered")
    assert section.texts(tag="li", cls="badge") == ["Beta"]


async def test_codeword_wrong_is_refused_with_a_message(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    status, section = await _enter(browser, event, session, "zeta")

    assert status == 400
    assert section.alerts() == [
        "\N{LEFT DOUBLE QUOTATION MARK}zeta\N{RIGHT DOUBLE QUOTATION MARK} is not a codeword "
        "for Accounting. Check the spelling and try again."
    ]
    assert _fields(section)[0] == ("Accounting", "2 credits 0 of 2 codewords entered")


async def test_codeword_wrong_six_times_answers_429_with_retry_after(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    statuses = [(await _enter(browser, event, session, f"guess{n}"))[0] for n in range(6)]

    assert statuses == [400, 400, 400, 400, 400, 429]
    assert int(browser.last.headers["retry-after"]) > 0  # type: ignore[union-attr]


async def test_codeword_replayed_with_the_same_nonce_counts_once(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    first, _ = await _enter(browser, event, session, "alpha", nonce="tap-1")
    again, section = await _enter(browser, event, session, "alpha", nonce="tap-1")

    assert (first, again) == (303, 303)
    assert await _submissions(db) == 1
    assert _fields(section)[0] == ("Accounting", "2 credits 1 of 2 codewords entered")


async def test_codeword_entered_twice_says_it_was_already_entered(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)
    await _enter(browser, event, session, "alpha")

    status, section = await _enter(browser, event, session, "Alpha")

    assert status == 303
    assert section.alerts() == ["You had already entered that codeword."]
    assert await _submissions(db) == 1


async def test_codeword_all_entered_removes_the_input_of_that_field(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    _, section = await _enter(browser, event, session, "gamma", field="taxes")

    assert section.labels() == ["Codeword for Accounting"]
    assert _fields(section)[1] == ("Taxes", "1.5 credits 1 of 1 codewords entered")


async def test_codeword_with_htmx_answers_the_codewords_fragment(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    status, fragment = await _enter(browser, event, session, "alpha", htmx=True)
    wrong, refused = await _enter(browser, event, session, "zeta", htmx=True)

    assert (status, wrong) == (200, 400)
    assert [s.attrs["id"] for s in fragment.by_tag("section")] == ["codewords"]
    assert fragment.alerts() == ["Codeword accepted."]
    assert [s.attrs["id"] for s in refused.by_tag("section")] == ["codewords"]


async def test_codeword_before_check_in_asks_to_check_in(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)

    status, section = await _enter(browser, event, session, "alpha", nonce="n-1")

    assert status == 409
    assert section.alerts() == ["Check in to this session before entering its codewords."]


async def test_codeword_for_an_unknown_field_of_study_names_it(
    db: Database, new_browser: BrowserFactory
) -> None:
    event, session = await _session(db)
    browser = await joined(new_browser, event)
    await check_in(browser, event, session)

    status, section = await _enter(browser, event, session, "alpha", field="Ethics")

    assert status == 400
    assert section.alerts() == ['This session has no field of study "Ethics".']
