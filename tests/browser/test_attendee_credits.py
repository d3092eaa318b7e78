"""An attendee on a phone opens "My credits" after a day of sessions: one awarded, one
partial (left early), one withheld (codewords and the evaluation missing). The page must read
well at phone width; its screenshot is docs/screenshots/attendee-credits.png."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from podium.attendance.checkin import perform_checkin, perform_checkout
from podium.attendance.codewords import submit_codeword
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database
from podium.models import SessionCreditRules
from podium.people.service import find_or_create_attendee
from podium.program.service import create_session, set_codewords
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionDraft
from tests.browser.conftest import People, Screenshots, assert_labelled, prove_email
from tests.mail_support import SmtpServer

ZONE = ZoneInfo("America/Chicago")
DAY = date(2026, 6, 1)
ADA = {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org"}


def _at(hour: int, minute: int) -> datetime:
    return datetime.combine(DAY, time(hour, minute), tzinfo=ZONE)


async def _stage(db: Database) -> None:
    """Ada's day at "expo": three sessions with their own rules, attended as the docstring of
    this module says."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo 2026", timezone=ZONE.key)
        ada = await find_or_create_attendee(uow, event=event, **ADA)
        plan = [
            (
                "Revenue Recognition in Practice",
                (8, 30, 9, 20),
                [("Accounting", "2"), ("Auditing", "1")],
                {},
            ),
            (
                "Professional Ethics for CPAs",
                (10, 0, 11, 0),
                [("Ethics", "1")],
                {"minutes_per_credit": 50, "partial_credit_step": Decimal("0.2")},
            ),
            (
                "Federal Tax Update",
                (13, 0, 14, 40),
                [("Taxes", "2")],
                {"codeword_rule": "all", "evaluation_rule": "for_credit"},
            ),
        ]
        sessions = []
        for name, (h1, m1, h2, m2), fields, rules in plan:
            session = await create_session(
                uow,
                event=event,
                draft=SessionDraft(
                    name=name,
                    date=DAY,
                    start_time=time(h1, m1),
                    end_time=time(h2, m2),
                    presenters=[PresenterRef(name="Grace Hopper")],
                    fields_of_study=[
                        FieldOfStudyDraft(name=field, credits=Decimal(credits))
                        for field, credits in fields
                    ],
                ),
            )
            if rules:
                uow.session.add(SessionCreditRules(session_id=session.id, **rules))
            sessions.append(session)
        revenue, ethics, taxes = sessions
        await set_codewords(
            uow,
            session=taxes,
            field_of_study_name="Taxes",
            words=["depreciation", "basis", "nexus", "deduction"],
        )
        await uow.session.flush()
        for session, arrived, left in (
            (revenue, _at(8, 30), _at(9, 20)),
            (ethics, _at(10, 0), _at(10, 40)),
            (taxes, _at(13, 0), _at(14, 40)),
        ):
            await perform_checkin(
                uow, session=session, attendee=ada, source=AttendanceSource.WEB, at=arrived
            )
            if session is taxes:
                for word in ("depreciation", "basis"):
                    await submit_codeword(
                        uow,
                        session=taxes,
                        attendee=ada,
                        field_of_study_name="Taxes",
                        word=word,
                        at=_at(13, 30),
                    )
            await perform_checkout(
                uow, session=session, attendee=ada, source=AttendanceSource.WEB, at=left
            )


async def test_my_credits_on_a_phone(
    db: Database, people: People, screenshots: Screenshots, smtp_server: SmtpServer
) -> None:
    await _stage(db)
    phone = await people.phone()

    # not signed in: the join form, then back to the credits
    await phone.goto("/e/expo/credits")
    await phone.get_by_label("First name").fill(ADA["first_name"])
    await phone.get_by_label("Last name").fill(ADA["last_name"])
    await phone.get_by_label("Email").fill(ADA["email"])
    await phone.get_by_role("button", name="Join").click()
    # her credits wait until this phone has the code mailed to her
    await expect(phone.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    await phone.get_by_role("button", name="Send me a code to see my credits").click()
    await prove_email(phone, smtp_server, ADA["email"])

    await expect(phone.get_by_role("heading", name="My credits")).to_be_visible()
    await expect(phone.get_by_text("Total: 3.8 credits")).to_be_visible()
    await expect(
        phone.get_by_text("You still need 2 more codewords and your evaluation.", exact=True)
    ).to_be_visible()
    await expect(
        phone.get_by_role("link", name="Download certificate (PDF)", exact=True)
    ).to_be_visible()
    # nothing sticks out sideways at phone width
    assert await phone.evaluate("document.documentElement.scrollWidth") <= 390
    await assert_labelled(phone)
    await screenshots.one(phone, "attendee-credits")

    # the topbar leads back to it from a session's page
    await phone.get_by_role("link", name="Federal Tax Update").click()
    await expect(phone.get_by_role("heading", name="Federal Tax Update")).to_be_visible()
    await phone.get_by_role("link", name="My credits").click()
    await expect(phone.get_by_role("heading", name="My credits")).to_be_visible()
