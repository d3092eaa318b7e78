"""Every page family under its Content-Security-Policy, in Chromium: the attendee's home and
session page, "My credits", a certificate's verification page, the moderator page, the screen
and the kiosk, each used as people use them (htmx swaps, the live socket). Not one violation
may be reported (the ``people`` fixture collects them from every page's console)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.async_api import Page, expect

from podium.attendance.service import preload_attendees
from podium.attendance.types import PreloadAttendee
from podium.enums import EvaluationQuestionKind, PollType
from podium.evaluations.service import define_evaluation_question
from podium.events.service import create_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.db import Database
from podium.live.service import create_poll, open_poll, set_poll_results_visible
from podium.program.service import create_session, set_codewords
from podium.program.types import FieldOfStudyDraft, SessionDraft
from tests.browser.conftest import People, prove_email
from tests.credits.certificate_helpers import attended, pdf_text
from tests.factories import make_attendee, make_session
from tests.mail_support import SmtpServer

ZONE = ZoneInfo("America/Chicago")
SESSION = "Revenue Recognition in Practice"
POLL = "Which standard do you apply most?"


async def _stage(db: Database) -> str:
    """The event "expo": a session running now (check-in code "ledger", codewords, an open
    poll with its results shown), an evaluation, Ada preloaded for the kiosk, and a session
    yesterday that Maya attended for a credit."""
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
        session = await create_session(
            uow,
            event=event,
            draft=SessionDraft(
                name=SESSION,
                location="Ballroom A",
                date=now.date(),
                start_time=start,
                end_time=end,
                checkin_code="ledger",
                fields_of_study=[FieldOfStudyDraft(name="Accounting", credits=Decimal("1"))],
            ),
        )
        await set_codewords(uow, session=session, field_of_study_name="Accounting", words=["debit"])
        poll = await create_poll(
            uow, session=session, name=POLL, type=PollType.MULTIPLE_CHOICE,
            choices=["ASC 606", "IFRS 15"],
        )  # fmt: skip
        await open_poll(uow, poll=poll)
        await set_poll_results_visible(uow, poll=poll, visible=True)
        await define_evaluation_question(
            uow, event=event, text="How useful was it?", kind=EvaluationQuestionKind.RATING
        )
        await preload_attendees(
            uow,
            session=session,
            attendees=[PreloadAttendee(email="ada@example.org", first_name="Ada")],
        )
        yesterday = now.date() - timedelta(days=1)
        past = await make_session(
            uow, event, name="Ethics", session_date=yesterday, start_time=time(9),
            end_time=time(10), fields_of_study={"Ethics": ("1", [])},
        )  # fmt: skip
        maya = await make_attendee(uow, event, first_name="Maya", email="maya@example.org")
        arrived = datetime.combine(yesterday, time(9), tzinfo=ZONE).astimezone(UTC)
        await attended(uow, past, maya, arrived=arrived, left=arrived + timedelta(hours=1))
        return session.public_id


async def _join(page: Page, first: str, email: str) -> None:
    await page.goto("/e/expo")
    await page.get_by_label("First name").fill(first)
    await page.get_by_label("Last name").fill("Example")
    await page.get_by_label("Email").fill(email)
    await page.get_by_role("button", name="Join").click()
    await expect(page.get_by_text("Signed in as")).to_be_visible()


async def test_every_page_family_passes_its_content_security_policy(
    db: Database, people: People, smtp_server: SmtpServer
) -> None:
    session_id = await _stage(db)
    session_path = f"/e/expo/s/{session_id}"

    # an attendee on a phone: the home, the session page and its forms (htmx), live
    attendee = await people.phone()
    await _join(attendee, "Maya", "maya@example.org")
    await attendee.get_by_role("link", name=SESSION).click()
    await expect(attendee.locator("[data-live-status]")).to_have_text("Live")
    await attendee.get_by_label("Check-in code").fill("ledger")
    await attendee.get_by_role("button", name="Check in").click()
    await expect(attendee.get_by_text("Checked in", exact=True)).to_be_visible()
    await attendee.get_by_label("IFRS 15").check()
    await attendee.get_by_role("button", name="Vote").click()
    await expect(attendee.get_by_text("Your answer: IFRS 15")).to_be_visible()
    await attendee.get_by_label("Your question").fill("Does it apply to grants?")
    await attendee.get_by_role("button", name="Ask").click()
    await expect(attendee.get_by_text("Your question is in.")).to_be_visible()

    # "My credits" (after proving the email with the mailed code), the certificate and its
    # verification page
    await attendee.get_by_role("link", name="My credits").click()
    await attendee.get_by_role("button", name="Send me a code to see my credits").click()
    await prove_email(attendee, smtp_server, "maya@example.org")
    await expect(attendee.get_by_role("heading", name="My credits")).to_be_visible()
    pdf = await (await attendee.context.request.get("/e/expo/credits/certificate.pdf")).body()
    number = re.search(r"PDM-\w{4}-\w{4}-\w{4}", pdf_text(pdf))
    assert number is not None
    await attendee.goto(f"/certificates/{number.group(0)}")
    await expect(
        attendee.get_by_role("heading", name="This certificate is genuine")
    ).to_be_visible()

    # the moderator page, and the screen with the check-in code, on the moderator's laptop
    moderator = await people.desktop()
    await moderator.goto(f"{session_path}/moderate")
    await moderator.get_by_label("Moderator password").fill("backstage")
    await moderator.get_by_role("button", name="Sign in").click()
    await expect(moderator.locator("[data-live-status]")).to_have_text("Live")
    await expect(moderator.get_by_text("Does it apply to grants?")).to_be_visible()
    poll_card = moderator.get_by_role("article", name=POLL)
    await poll_card.get_by_role("button", name="Hide results").click()
    await expect(poll_card.get_by_role("button", name="Show results")).to_be_visible()
    screen = await moderator.context.new_page()
    await screen.goto(f"{session_path}/screen?show=checkin-code")
    await expect(screen.locator(".join-code .code")).to_have_text("ledger")
    await expect(screen.locator("[data-live-status]")).to_have_text("Live")

    # the kiosk: a search (htmx) and a walk-in
    kiosk = await moderator.context.new_page()
    await kiosk.goto("/e/expo/kiosk")
    await kiosk.get_by_role("link", name=SESSION).click()
    await kiosk.get_by_label("Name or email").fill("ada")
    await expect(kiosk.get_by_role("button", name="Check in Ada")).to_be_visible()
    await kiosk.get_by_label("First name", exact=True).fill("Lin")
    await kiosk.get_by_label("Last name", exact=True).fill("Chen")
    await kiosk.get_by_label("Email", exact=True).fill("lin@example.org")
    await kiosk.get_by_role("button", name="Add and check in").click()
    await expect(kiosk.get_by_text(re.compile(r"Checked in Lin Chen at \d\d:\d\d"))).to_be_visible()

    assert people.violations == []


async def test_content_security_violations_are_caught(db: Database, people: People) -> None:
    """The check above can fail: an inline style (which the policy refuses) is reported."""
    await _stage(db)
    page = await people.phone()
    await page.goto("/e/expo")

    await page.evaluate(
        "document.body.insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')"
    )
    # the reports arrive through the console a moment later: Chromium's own, and the event's
    for _ in range(50):
        if len(people.violations) >= 2:
            break
        await page.wait_for_timeout(100)

    assert len(people.violations) == 2
    assert all("style-src" in violation for violation in people.violations)
    people.violations.clear()  # seen: the fixture's own check passes


async def test_an_error_pages_go_back_link_goes_back_under_the_policy(
    db: Database, people: People
) -> None:
    """The error page's "Go back" is a link the policy lets run (no javascript: address)."""
    await _stage(db)
    page = await people.phone()
    await page.goto("/e/expo")
    await page.goto("/e/no-such-event")
    await expect(page.get_by_role("heading", name="Not found")).to_be_visible()

    await page.get_by_role("link", name="Go back").click()

    await expect(page).to_have_url(re.compile(r"/e/expo$"))
    assert people.violations == []
