"""Certificates on the web: the attendee's downloads and the public verification page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import select

from podium.credits.certificates import issue_certificates
from podium.kit.db import Database
from podium.models import Attendee, Certificate, Event, EventSession
from podium.web.pages.certificates import (
    NO_EVENT_CREDITS,
    NO_SESSION_CREDITS,
    UNKNOWN_NUMBER,
)
from tests.conftest import BASE_URL
from tests.credits.certificate_helpers import attended, line, pdf_text, transcript
from tests.factories import make_session
from tests.web.pages.attendee.conftest import ALEX, new_event, proven, text_of
from tests.web.pages.conftest import Browser, BrowserFactory

# the sessions' wall-clock times in Chicago, as instants
MORNING = (datetime(2026, 6, 1, 13, 30, tzinfo=UTC), datetime(2026, 6, 1, 14, 15, tzinfo=UTC))
AFTERNOON = (datetime(2026, 6, 2, 18, 0, tzinfo=UTC), datetime(2026, 6, 2, 19, 40, tzinfo=UTC))


class Conference:
    """An event with two sessions granting credits, and Alex, joined in a browser, who
    attended the morning session (and, when asked, the afternoon one)."""

    event: Event
    morning: EventSession
    afternoon: EventSession
    alex: Attendee
    browser: Browser


@pytest.fixture
async def conference(db: Database, new_browser: BrowserFactory) -> Conference:
    c = Conference()
    c.event = await new_event(
        db,
        organizer="Society of Example Accountants",
        start_date=date(2026, 6, 1),
        end_date=date(2026, 6, 2),
    )
    async with db.unit_of_work() as u:
        c.morning = await make_session(
            u, c.event, name="Ethics in practice", fields_of_study={"Ethics": ("1.5", [])}
        )
        c.afternoon = await make_session(
            u,
            c.event,
            name="Taxes for small firms",
            session_date=date(2026, 6, 2),
            start_time=time(13, 0),
            end_time=time(14, 40),
            fields_of_study={"Taxes": ("2", []), "Ethics": ("0.5", [])},
        )
    c.browser = await proven(new_browser, db, c.event)
    async with db.unit_of_work() as u:
        alex = await u.session.scalar(select(Attendee).where(Attendee.email == ALEX["email"]))
        assert alex is not None
        c.alex = alex
        await attended(u, c.morning, alex, arrived=MORNING[0], left=MORNING[1])
    return c


async def _certificates(db: Database) -> list[Certificate]:
    async with db.unit_of_work(write=False) as u:
        return list(await u.session.scalars(select(Certificate).order_by(Certificate.id)))


async def test_event_certificate_download_is_the_pdf_of_a_new_certificate(
    db: Database, conference: Conference
) -> None:
    response = await conference.browser.get("/e/example/credits/certificate.pdf")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    (combined, _morning) = await _certificates(db)
    assert response.headers["content-disposition"] == (
        f'attachment; filename="certificate-{combined.number}.pdf"'
    )
    text = pdf_text(response.content)
    assert "This certifies that Alex Example" in text
    assert "Ethics in practice June 1, 2026 08:30\N{EN DASH}09:15 Ethics 1.5" in text
    assert "Total 1.5" in text
    assert f"{BASE_URL}/certificates/{combined.number}" in text
    assert (combined.session_id, combined.total_credits) == (None, Decimal("1.5"))


async def test_event_certificate_download_again_is_the_same_certificate(
    db: Database, conference: Conference
) -> None:
    await conference.browser.get("/e/example/credits/certificate.pdf")
    first = await _certificates(db)

    response = await conference.browser.get("/e/example/credits/certificate.pdf")

    assert response.status_code == 200
    assert [c.number for c in await _certificates(db)] == [c.number for c in first]


async def test_event_certificate_after_another_session_is_a_new_one(
    db: Database, conference: Conference
) -> None:
    await conference.browser.get("/e/example/credits/certificate.pdf")
    (old, _morning) = await _certificates(db)
    async with db.unit_of_work() as u:
        await attended(
            u, conference.afternoon, conference.alex, arrived=AFTERNOON[0], left=AFTERNOON[1]
        )

    response = await conference.browser.get("/e/example/credits/certificate.pdf")

    text = pdf_text(response.content)
    assert "Ethics 2 Taxes 2 Total 4" in text
    assert old.number not in text
    by_number = {c.number: c for c in await _certificates(db)}
    assert by_number[old.number].superseded_at is not None


async def test_session_certificate_download(db: Database, conference: Conference) -> None:
    response = await conference.browser.get(
        f"/e/example/s/{conference.morning.public_id}/certificate.pdf"
    )

    assert (response.status_code, response.headers["content-type"]) == (200, "application/pdf")
    text = pdf_text(response.content)
    assert "attended the session Ethics in practice on June 1, 2026, 08:30\N{EN DASH}09:15" in text
    assert "Credits by field of study Field of study Credits Ethics 1.5 Total 1.5" in text
    numbers = {c.number for c in await _certificates(db) if c.session_id == conference.morning.id}
    assert len(numbers) == 1 and numbers.pop() in text


async def test_session_certificate_without_credits_is_a_404_page(conference: Conference) -> None:
    response = await conference.browser.get(
        f"/e/example/s/{conference.afternoon.public_id}/certificate.pdf"
    )

    assert response.status_code == 404
    assert NO_SESSION_CREDITS in text_of(response.text)


async def test_event_certificate_without_credits_is_a_404_page(
    db: Database, conference: Conference, new_browser: BrowserFactory
) -> None:
    blake = await proven(
        new_browser,
        db,
        conference.event,
        {"first_name": "Blake", "last_name": "Other", "email": "blake@example.com"},
    )

    response = await blake.get("/e/example/credits/certificate.pdf")

    assert response.status_code == 404
    assert NO_EVENT_CREDITS in text_of(response.text)
    assert await _certificates(db) == []


async def test_certificate_download_asks_who_you_are_first(
    conference: Conference, new_browser: BrowserFactory
) -> None:
    stranger = await new_browser()

    response = await stranger.get("/e/example/credits/certificate.pdf")

    assert response.status_code == 303
    assert response.headers["location"] == ("/e/example?next=/e/example/credits/certificate.pdf")


async def test_session_certificate_of_an_unknown_session_is_a_404(
    conference: Conference,
) -> None:
    response = await conference.browser.get("/e/example/s/nosuch/certificate.pdf")

    assert response.status_code == 404


async def _issue(db: Database, conference: Conference, credits: str, at: datetime) -> Certificate:
    async with db.unit_of_work() as u:
        event = await u.session.get(Event, conference.event.id)
        assert event is not None
        issued = await issue_certificates(
            u,
            event=event,
            transcript=transcript(
                event, conference.alex, line(conference.afternoon, "Taxes", credits)
            ),
            at=at,
        )
    return issued[0]


async def test_verification_page_of_a_genuine_certificate(
    db: Database, conference: Conference, new_browser: BrowserFactory
) -> None:
    certificate = await _issue(db, conference, "2", datetime(2026, 6, 2, 23, 0, tzinfo=UTC))
    auditor = await new_browser(ip="198.51.100.9")

    response = await auditor.get(f"/certificates/{certificate.number}")

    assert response.status_code == 200
    assert response.headers["x-robots-tag"] == "noindex"
    page = text_of(response.text)
    for expected in (
        "This certificate is genuine",
        "Alex Example",
        "Event Example Event (June 1\N{EN DASH}2, 2026)",
        "Organizer Society of Example Accountants",
        f"Certificate number {certificate.number}",
        "Issued June 2, 2026",
        "Taxes for small firms June 2, 2026 13:00\N{EN DASH}14:40 Taxes 2",
        "Total 2",
    ):
        assert expected in page, expected
    assert ALEX["email"] not in response.text
    assert "Ethics in practice" not in page  # another session of Alex's: not on this one


async def test_verification_page_takes_the_number_as_people_type_it(
    db: Database, conference: Conference, new_browser: BrowserFactory
) -> None:
    certificate = await _issue(db, conference, "2", datetime(2026, 6, 2, 23, 0, tzinfo=UTC))
    typed = certificate.number.lower().replace("-", "")

    response = await (await new_browser()).get(f"/certificates/{typed}")

    assert response.status_code == 200
    assert certificate.number in response.text


async def test_verification_page_of_a_replaced_certificate(
    db: Database, conference: Conference, new_browser: BrowserFactory
) -> None:
    old = await _issue(db, conference, "1", datetime(2026, 6, 2, 23, 0, tzinfo=UTC))
    await _issue(db, conference, "2", datetime(2026, 6, 10, 15, 0, tzinfo=UTC))

    response = await (await new_browser()).get(f"/certificates/{old.number}")

    assert response.status_code == 200
    page = text_of(response.text)
    assert "This certificate was replaced" in page
    assert "replaced by a newer certificate on June 10, 2026" in page
    assert "This certificate is genuine" not in page


@pytest.mark.parametrize("number", ["PDM-ABCD-EFGH-JKMN", "not-a-number"])
async def test_verification_page_of_an_unknown_number_is_a_404(
    db: Database, new_browser: BrowserFactory, number: str
) -> None:
    response = await (await new_browser()).get(f"/certificates/{number}")

    assert response.status_code == 404
    assert UNKNOWN_NUMBER in text_of(response.text)
