"""A certificate from download to verification, in Chromium against ``podium serve``: the
attendee downloads their certificate, its QR code leads to the public page that says it is
genuine. The SQLite run saves the page and the certificate's first page to docs/screenshots."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

import pypdfium2
from playwright.async_api import expect

from podium.events.service import create_event
from podium.kit.db import Database
from tests.browser.conftest import SCREENSHOTS, People, Screenshots, prove_email
from tests.credits.certificate_helpers import attended, pdf_text, qr_codes
from tests.factories import make_attendee, make_session
from tests.mail_support import SmtpServer


async def _conference(db: Database) -> None:
    """Maya attended three sessions of "expo" (Chicago) and earned credits in three fields."""
    async with db.unit_of_work() as u:
        event = await create_event(
            u, uri="expo", name="Heartland Accounting & Finance Conference",
            timezone="America/Chicago",
        )  # fmt: skip
        event.organizer = "Heartland Society of CPAs"
        event.start_date, event.end_date = date(2026, 6, 1), date(2026, 6, 2)
        maya = await make_attendee(
            u, event, first_name="Maya", last_name="Patel", email="maya@example.org"
        )
        program = [
            ("Ethics for CPAs: Independence in the Age of Advisory", 1, time(9), time(10, 15),
             {"Ethics": ("1.5", [])}),
            ("Partnership Taxation: Capital Accounts Demystified", 1, time(13, 30),
             time(15, 10), {"Taxes": ("2", []), "Accounting": ("0.5", [])}),
            ("Cybersecurity Risk Assessment for Small Practices", 2, time(10, 45), time(12),
             {"Information Technology": ("1.5", [])}),
        ]  # fmt: skip
        for name, day, start, end, fields in program:
            session = await make_session(
                u, event, name=name, session_date=date(2026, 6, day), start_time=start,
                end_time=end, fields_of_study=fields,
            )  # fmt: skip
            # Chicago is five hours behind UTC in June
            arrived = datetime(2026, 6, day, start.hour + 5, start.minute, tzinfo=UTC)
            left = datetime(2026, 6, day, end.hour + 5, end.minute, tzinfo=UTC)
            await attended(u, session, maya, arrived=arrived, left=left)


async def test_certificate_download_and_verification(
    db: Database, people: People, screenshots: Screenshots, smtp_server: SmtpServer
) -> None:
    await _conference(db)

    # Maya joins on her laptop and downloads her certificate
    attendee = await people.desktop()
    await attendee.goto("/e/expo")
    await attendee.get_by_label("First name").fill("Maya")
    await attendee.get_by_label("Last name").fill("Patel")
    await attendee.get_by_label("Email").fill("maya@example.org")
    await attendee.get_by_role("button", name="Join").click()
    await expect(attendee.get_by_text("Signed in as")).to_be_visible()
    await attendee.goto("/e/expo/credits")
    await attendee.get_by_role("button", name="Send me a code to see my credits").click()
    await prove_email(attendee, smtp_server, "maya@example.org")
    await expect(attendee.get_by_role("heading", name="My credits")).to_be_visible()
    response = await attendee.context.request.get("/e/expo/credits/certificate.pdf")
    assert (response.status, response.headers["content-type"]) == (200, "application/pdf")
    pdf = await response.body()
    text = pdf_text(pdf)
    assert "This certifies that Maya Patel" in text
    assert "Ethics 1.5 Taxes 2 Accounting 0.5 Information Technology 1.5 Total 5.5" in text
    match = re.search(r"PDM-\w{4}-\w{4}-\w{4}", text)
    assert match is not None
    number = match.group(0)
    if screenshots.enabled:
        _save_first_page(pdf)

    # an employer scans the code on the printed certificate
    (url,) = qr_codes(pdf)
    assert url.endswith(f"/certificates/{number}")
    verifier = await people.desktop()
    await verifier.goto(urlsplit(url).path)
    await expect(
        verifier.get_by_role("heading", name="This certificate is genuine")
    ).to_be_visible()
    await expect(verifier.get_by_role("heading", name="Maya Patel")).to_be_visible()
    await expect(verifier.get_by_text(number)).to_be_visible()
    assert "maya@example.org" not in await verifier.content()
    await screenshots.one(verifier, "certificate-verification")

    # ... or on a phone: nothing sticks out sideways at 390 px
    phone = await people.phone()
    await phone.goto(urlsplit(url).path)
    await expect(phone.get_by_role("heading", name="This certificate is genuine")).to_be_visible()
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
    await screenshots.one(phone, "certificate-verification-phone")

    # a mistyped number
    await verifier.goto("/certificates/PDM-AAAA-BBBB-CCCC")
    await expect(verifier.get_by_text("No certificate has this number")).to_be_visible()


def _save_first_page(pdf: bytes) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    document = pypdfium2.PdfDocument(pdf)
    try:
        document[0].render(scale=1.5).to_pil().save(SCREENSHOTS / "certificate.png")
    finally:
        document.close()
