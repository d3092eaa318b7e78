"""The attendee's transcript page, "My credits": credits per session and field of study, what
is still missing, totals, certificates, and who may see it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from podium.attendance.checkin import perform_checkin, perform_checkout
from podium.attendance.codewords import submit_codeword
from podium.attendance.service import adjust_credits, get_checkin
from podium.enums import AttendanceSource
from podium.kit.db import Database
from podium.models import Event, EventSession, SessionCreditRules
from podium.people.service import find_or_create_attendee
from tests.web.pages.attendee.conftest import (
    ALEX,
    BLAKE,
    new_event,
    new_session,
    page_url,
    proven,
)
from tests.web.pages.attendee.html import Element, parse
from tests.web.pages.conftest import BrowserFactory

ZONE = ZoneInfo("America/Chicago")  # the time zone of new_event's events
DAY = date(2026, 6, 1)
WORDS = ["debit", "credit", "ledger", "audit"]
_DAY = "Monday, June 1, 2026"
DASH = "\N{EN DASH}"


def _at(hhmm: str) -> datetime:
    hours, minutes = hhmm.split(":")
    return datetime.combine(DAY, time(int(hours), int(minutes)), tzinfo=ZONE)


async def _session(
    db: Database,
    event: Event,
    name: str,
    hours: tuple[str, str],
    fields: dict[str, tuple[str, list[str]]],
    **rules: Any,
) -> EventSession:
    """A session on DAY with ``fields`` (name: (credits, codewords)) and its own ``rules``."""
    start, end = (_at(hhmm).time() for hhmm in hours)
    session = await new_session(
        db,
        event,
        name=name,
        session_date=DAY,
        start_time=start,
        end_time=end,
        fields_of_study=fields,
    )
    if rules:
        async with db.unit_of_work() as u:
            u.session.add(SessionCreditRules(session_id=session.id, **rules))
    return session


async def _attend(
    db: Database,
    event: Event,
    session: EventSession,
    stay: tuple[str, str | None],
    *,
    person: dict[str, str] = ALEX,
    codewords: dict[str, list[str]] | None = None,
) -> None:
    """``person`` checks in at ``stay[0]`` and out at ``stay[1]`` (None: still in), entering
    ``codewords`` (field: words) a minute after checking in."""
    arrived, left = stay
    async with db.unit_of_work() as u:
        attendee = await find_or_create_attendee(
            u,
            event=event,
            email=person["email"],
            first_name=person["first_name"],
            last_name=person["last_name"],
        )
        await perform_checkin(
            u, session=session, attendee=attendee, source=AttendanceSource.WEB, at=_at(arrived)
        )
        hours, minutes = arrived.split(":")
        entered = f"{hours}:{int(minutes) + 1:02d}"
        for field, words in (codewords or {}).items():
            for word in words:
                await submit_codeword(
                    u,
                    session=session,
                    attendee=attendee,
                    field_of_study_name=field,
                    word=word,
                    at=_at(entered),
                )
        if left is not None:
            await perform_checkout(
                u, session=session, attendee=attendee, source=AttendanceSource.WEB, at=_at(left)
            )


@dataclass
class Stage:
    event: Event
    opening: EventSession  # attended: awarded
    ethics: EventSession  # left early: partial
    taxes: EventSession  # codewords and evaluation missing: withheld


async def _stage(db: Database) -> Stage:
    event = await new_event(db)
    taxes = await _session(
        db,
        event,
        "Tax Update",
        ("13:00", "14:00"),
        {"Taxes": ("2", WORDS)},
        codeword_rule="all",
        evaluation_rule="for_credit",
    )
    opening = await _session(db, event, "Opening", ("08:30", "09:15"), {"Accounting": ("1", [])})
    ethics = await _session(
        db,
        event,
        "Ethics",
        ("10:00", "11:00"),
        {"Ethics": ("1", [])},
        minutes_per_credit=50,
        partial_credit_step=Decimal("0.2"),
    )
    await _attend(db, event, taxes, ("13:00", "14:00"), codewords={"Taxes": WORDS[:2]})
    await _attend(db, event, opening, ("08:35", "09:10"))
    await _attend(db, event, ethics, ("10:00", "10:40"))
    return Stage(event=event, opening=opening, ethics=ethics, taxes=taxes)


def _credits_url(event: Event) -> str:
    return f"/e/{event.uri}/credits"


def _lines(page: Element) -> list[tuple[str, str, str, str, str, str]]:
    """(session, field of study, credits, badge, what is missing or adjusted, when) per line."""
    found = []
    for card in page.by_class("credit-session"):
        name = card.by_tag("h2")[0].text
        when = card.texts(tag="p", cls="meta")[0]
        for line in card.by_class("credit-line"):
            notes = line.texts(cls="missing") + line.texts(cls="adjusted")
            found.append(
                (
                    name,
                    line.by_tag("h3")[0].text,
                    line.texts(cls="earned")[0],
                    line.texts(cls="badge")[0],
                    " ".join(notes),
                    when,
                )
            )
    return found


def _totals(page: Element) -> list[tuple[str, str]]:
    table = page.by_class("totals")[0]
    rows = table.by_tag("tbody")[0].by_tag("tr")
    return [(row.by_tag("th")[0].text, row.by_tag("td")[0].text) for row in rows]


async def test_credits_show_each_session_in_schedule_order_with_what_is_missing(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    browser = await proven(new_browser, db, stage.event)

    response = await browser.get(_credits_url(stage.event))

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert _lines(parse(response.text)) == [
        ("Opening", "Accounting", "1 of 1 credit", "Awarded", "", f"{_DAY} · 08:30{DASH}09:15"),
        (
            "Ethics",
            "Ethics",
            "0.8 of 1 credit",
            "Partial",
            "You still need 10 more minutes in the session.",
            f"{_DAY} · 10:00{DASH}11:00",
        ),
        (
            "Tax Update",
            "Taxes",
            "0 of 2 credits",
            "Withheld",
            "You still need 2 more codewords and your evaluation.",
            f"{_DAY} · 13:00{DASH}14:00",
        ),
    ]


async def test_credits_explain_how_each_line_was_decided(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    browser = await proven(new_browser, db, stage.event)

    page = parse((await browser.get(_credits_url(stage.event))).text)

    why = [line.by_class("why")[0] for line in page.by_class("credit-line")]
    assert [details.by_tag("summary")[0].text for details in why] == ["How this was decided"] * 3
    assert why[2].texts(tag="li") == [
        "Attended 60 minutes of the session.",
        "2 of 4 codewords entered; 4 needed: no credit.",
        "Evaluation not submitted: no credit until it is.",
    ]


async def test_credits_total_each_field_of_study_and_all_of_them(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    both = await _session(
        db, event, "Both", ("08:30", "09:15"), {"Accounting": ("2", []), "Taxes": ("1.5", [])}
    )
    more = await _session(db, event, "More", ("10:00", "11:00"), {"Accounting": ("1", [])})
    await _attend(db, event, both, ("08:30", "09:00"))
    await _attend(db, event, more, ("10:00", "11:00"))
    browser = await proven(new_browser, db, event)

    page = parse((await browser.get(_credits_url(event))).text)

    assert _totals(page) == [("Accounting", "3 credits"), ("Taxes", "1.5 credits")]
    assert page.texts(cls="grand-total") == ["Total: 4.5 credits"]
    assert [(line[0], line[1], line[2]) for line in _lines(page)] == [
        ("Both", "Accounting", "2 of 2 credits"),
        ("Both", "Taxes", "1.5 of 1.5 credits"),
        ("More", "Accounting", "1 of 1 credit"),
    ]


async def test_credits_adjusted_by_the_organizer_say_what_was_computed(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    async with db.unit_of_work() as u:
        attendee = await find_or_create_attendee(
            u, event=stage.event, email=ALEX["email"], first_name=None, last_name=None
        )
        checkin = await get_checkin(u, session=stage.taxes, attendee=attendee)
        await adjust_credits(
            u, checkin=checkin, field_of_study_name="Taxes", credits=Decimal("1.5")
        )
    browser = await proven(new_browser, db, stage.event)

    page = parse((await browser.get(_credits_url(stage.event))).text)

    assert _lines(page)[2][:5] == (
        "Tax Update",
        "Taxes",
        "1.5 of 2 credits",
        "Partial",
        "Adjusted by the organizer (computed: 0).",
    )
    assert page.texts(cls="grand-total") == ["Total: 3.3 credits"]


async def test_credits_while_checked_in_are_not_yet_awarded(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await _session(db, event, "Now", ("08:30", "09:15"), {"Accounting": ("1", [])})
    await _attend(db, event, session, ("08:30", None))
    browser = await proven(new_browser, db, event)

    page = parse((await browser.get(_credits_url(event))).text)

    assert [line[2:5] for line in _lines(page)] == [
        (
            "0 of 1 credit",
            "Not yet awarded",
            "You still need to check out (your time counts when you do).",
        )
    ]
    assert page.texts(tag="p", cls="muted")[-1] == (
        "Your certificate can be downloaded here once you have earned credits."
    )


async def test_credits_without_a_session_with_credits_say_how_they_are_earned(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    await _session(db, event, "Opening", ("08:30", "09:15"), {"Accounting": ("1", [])})
    no_credits = await _session(db, event, "Lunch", ("12:00", "13:00"), {})
    await _attend(db, event, no_credits, ("12:00", "13:00"))
    browser = await proven(new_browser, db, event)

    page = parse((await browser.get(_credits_url(event))).text)

    assert page.texts(tag="p", cls="empty") == [
        "You have not checked in to a session with credits yet; "
        "credits appear here after you check in and out."
    ]
    assert page.by_class("credit-session") == []
    assert page.by_class("totals") == []
    assert [a.text for a in page.with_attr("href") if a.text.startswith("Download")] == []


async def test_credits_show_only_the_signed_in_attendees_own(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    await _attend(db, stage.event, stage.opening, ("08:30", "09:15"), person=BLAKE)
    blake = await proven(new_browser, db, stage.event, BLAKE)

    page = parse((await blake.get(_credits_url(stage.event))).text)

    assert page.texts(cls="who-for") == ["Blake Other · Example Event"]
    assert [line[:4] for line in _lines(page)] == [
        ("Opening", "Accounting", "1 of 1 credit", "Awarded")
    ]


async def test_credits_of_an_anonymous_visitor_send_them_to_join_first(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    browser = await new_browser()

    response = await browser.get(_credits_url(stage.event))

    assert response.status_code == 303
    assert response.headers["location"] == f"/e/example?next={_credits_url(stage.event)}"
    assert "Opening" not in response.text


async def test_credits_behind_an_app_password_ask_for_it_first(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db, app_password="letmein")
    browser = await new_browser()

    response = await browser.get(_credits_url(event), follow_redirects=True)

    assert response.status_code == 200
    assert parse(response.text).labels() == ["App password"]
    assert parse(response.text).with_attr("name", "next")[0].attrs["value"] == _credits_url(event)


async def test_credits_link_sessions_and_certificates_with_credits(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    browser = await proven(new_browser, db, stage.event)

    page = parse((await browser.get(_credits_url(stage.event))).text)

    titles = [card.by_tag("h2")[0].by_tag("a")[0] for card in page.by_class("credit-session")]
    assert [(a.text, a.attrs["href"]) for a in titles] == [
        ("Opening", page_url(stage.event, stage.opening)),
        ("Ethics", page_url(stage.event, stage.ethics)),
        ("Tax Update", page_url(stage.event, stage.taxes)),
    ]
    downloads = [
        (a.text, a.attrs["href"]) for a in page.with_attr("href") if a.text.startswith("Download")
    ]
    assert downloads == [
        ("Download certificate (PDF)", "/e/example/credits/certificate.pdf"),
        (
            "Download certificate (PDF) for Opening",
            f"{page_url(stage.event, stage.opening)}/certificate.pdf",
        ),
        (
            "Download certificate (PDF) for Ethics",
            f"{page_url(stage.event, stage.ethics)}/certificate.pdf",
        ),
    ]


async def test_my_credits_is_linked_from_the_event_home_and_session_pages(
    db: Database, new_browser: BrowserFactory
) -> None:
    stage = await _stage(db)
    browser = await proven(new_browser, db, stage.event)
    anonymous = await new_browser()

    links = {}
    for name, who, url in (
        ("home", browser, "/e/example"),
        ("session", browser, page_url(stage.event, stage.opening)),
        ("credits", browser, _credits_url(stage.event)),
        ("anonymous home", anonymous, "/e/example"),
    ):
        topbar = parse((await who.get(url)).text).by_class("topbar")[0]
        links[name] = [
            (a.text, a.attrs["href"], a.attrs.get("aria-current"))
            for a in topbar.by_class("nav-credits")
        ]

    assert links == {
        "home": [("My credits", "/e/example/credits", None)],
        "session": [("My credits", "/e/example/credits", None)],
        "credits": [("My credits", "/e/example/credits", "page")],
        "anonymous home": [],
    }


async def test_credits_run_as_many_queries_for_5_sessions_as_for_1(
    db: Database, new_browser: BrowserFactory, count_queries: Any
) -> None:
    event = await new_event(db)
    browser = await proven(new_browser, db, event)

    async def queries() -> tuple[int, int]:
        """(queries, lines shown) of one load of the page."""
        with count_queries() as counter:
            response = await browser.get(_credits_url(event))
        assert response.status_code == 200
        return counter.count, len(_lines(parse(response.text)))

    async def attended(n: int) -> None:
        session = await _session(
            db,
            event,
            f"S{n}",
            (f"{8 + n}:00", f"{8 + n}:50"),
            {"Accounting": ("1", ["alpha", "beta"]), "Taxes": ("0.5", [])},
            codeword_rule="count",
            codeword_minimum=Decimal(1),
            evaluation_rule="for_credit",
        )
        await _attend(
            db, event, session, (f"{8 + n}:00", f"{8 + n}:40"), codewords={"Accounting": ["alpha"]}
        )

    await attended(0)
    one, one_lines = await queries()
    for n in range(1, 5):
        await attended(n)
    five, five_lines = await queries()

    assert (one_lines, five_lines) == (2, 10)
    assert one == five
