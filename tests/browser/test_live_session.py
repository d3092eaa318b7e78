"""The issue's scenario in a real browser: an attendee on a phone joins, checks in with a code,
enters a codeword, votes and asks a question while a moderator on a laptop opens the poll and
sees the vote and the question arrive without reloading; the projector screen follows; the
kiosk checks in a preloaded attendee; and /api/v2 then reports exactly those records.

Elements are found the way people find them: by role and accessible name, and by label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx
from playwright.async_api import Page, expect

from podium.attendance.service import preload_attendees
from podium.attendance.types import PreloadAttendee
from podium.enums import EvaluationQuestionKind, PollType
from podium.evaluations.service import define_evaluation_question
from podium.events.service import create_event, update_event_settings
from podium.events.types import EventChanges
from podium.integrations.service import create_api_key
from podium.kit.db import Database
from podium.live.service import create_poll
from podium.program.service import create_session, set_codewords
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionDraft
from tests.browser.conftest import People, Screenshots, assert_labelled
from tests.processes import ServerProcess

ZONE = ZoneInfo("America/Chicago")
SESSION_NAME = "Revenue Recognition in Practice"
POLL = "Which standard do you apply most?"
QUESTION = "Does <b>ASC 606</b> apply to grants?"


# every visible form control without a label, and every button or link without a text name
@dataclass
class Stage:
    session_id: str
    api_key: str


async def _stage(db: Database) -> Stage:
    """An event with one session running now (its check-in code "ledger", codewords for
    "Accounting"), a draft poll, an evaluation question and one preloaded attendee."""
    now = datetime.now(ZONE)
    start = (now - timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    end = (now + timedelta(minutes=50)).time().replace(second=0, microsecond=0)
    if end < start:  # near midnight: keep the session within one day
        start, end = start.replace(hour=0, minute=0), end.replace(hour=23, minute=59)
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo 2026", timezone=ZONE.key)
        await update_event_settings(
            uow,
            event=event,
            changes=EventChanges(
                moderator_password="backstage", custom_attendee_field_1="License number"
            ),
        )
        session = await create_session(
            uow,
            event=event,
            draft=SessionDraft(
                name=SESSION_NAME,
                location="Ballroom A",
                date=now.date(),
                start_time=start,
                end_time=end,
                checkin_code="ledger",
                presenters=[PresenterRef(name="Grace Hopper")],
                fields_of_study=[FieldOfStudyDraft(name="Accounting", credits=Decimal("1.5"))],
            ),
        )
        await set_codewords(
            uow, session=session, field_of_study_name="Accounting", words=["debit", "credit"]
        )
        await create_poll(
            uow, session=session, name=POLL, type=PollType.MULTIPLE_CHOICE,
            choices=["ASC 606", "IFRS 15", "Neither"],
        )  # fmt: skip
        await define_evaluation_question(
            uow, event=event, text="How useful was this session?",
            kind=EvaluationQuestionKind.RATING, choices=["1", "2", "3", "4", "5"],
        )  # fmt: skip
        await preload_attendees(
            uow,
            session=session,
            attendees=[
                PreloadAttendee(email="ada@example.org", first_name="Ada", last_name="Lovelace")
            ],
        )
        key = await create_api_key(uow, event=event, description="browser test")
        return Stage(session_id=session.public_id, api_key=key.key)


async def test_live_session_from_join_to_api(
    db: Database, server: ServerProcess, people: People, screenshots: Screenshots
) -> None:
    stage = await _stage(db)
    session_path = f"/e/expo/s/{stage.session_id}"

    # the moderator signs in on a laptop
    moderator = await people.desktop()
    await moderator.goto(f"{session_path}/moderate")
    await moderator.get_by_label("Moderator password").fill("backstage")
    await moderator.get_by_role("button", name="Sign in").click()
    await expect(moderator.get_by_role("heading", name=SESSION_NAME)).to_be_visible()
    await expect(moderator.locator("[data-checkin-count]")).to_have_text("0")

    # the projector shows the session
    screen = await people.projector()
    await screen.goto(f"{session_path}/screen")

    # the attendee joins on a phone
    attendee = await people.phone()
    await attendee.goto("/e/expo")
    await screenshots.both(attendee, "join")
    await assert_labelled(attendee)
    await attendee.get_by_label("First name").fill("Maya")
    await attendee.get_by_label("Last name").fill("Patel")
    await attendee.get_by_label("Email").fill("maya@example.org")
    await attendee.get_by_label("License number").fill("CPA-1234")
    await attendee.get_by_role("button", name="Join").click()
    await expect(attendee.get_by_text("Signed in as")).to_be_visible()
    await attendee.get_by_role("link", name=SESSION_NAME).click()
    await expect(attendee.get_by_role("heading", name=SESSION_NAME)).to_be_visible()

    # a wrong code gets a message; the right one checks in
    await attendee.get_by_label("Check-in code").fill("ledgr")
    await attendee.get_by_role("button", name="Check in").click()
    wrong_code = attendee.get_by_text(re.compile("not this session's code to check in"))
    await expect(wrong_code).to_be_visible()
    await attendee.get_by_label("Check-in code").fill("ledger")
    await attendee.get_by_role("button", name="Check in").click()
    await expect(attendee.get_by_text("Checked in", exact=True)).to_be_visible()
    await expect(moderator.locator("[data-checkin-count]")).to_have_text("1")

    # a codeword
    await attendee.get_by_label("Codeword for Accounting").fill("Debit")
    await attendee.get_by_role("button", name="Submit").click()
    await expect(attendee.get_by_text("1 of 2 codewords entered")).to_be_visible()

    # the moderator opens the poll; it reaches the phone without a reload
    poll_card = moderator.get_by_role("article", name=POLL)
    await poll_card.get_by_role("button", name="Open").click()
    await expect(attendee.get_by_role("group", name=POLL)).to_be_visible()
    await expect(screen.get_by_text(POLL)).to_be_visible()
    await attendee.get_by_label("IFRS 15").check()
    await attendee.get_by_role("button", name="Vote").click()
    await expect(attendee.get_by_text("Your answer: IFRS 15")).to_be_visible()
    # ... and the vote reaches the moderator without a reload
    await expect(poll_card.locator("[data-tally-total]")).to_have_text("1")
    await expect(poll_card.locator('[data-tally-count="1"]')).to_have_text("1")

    # results on the projector once the moderator shows them
    await poll_card.get_by_role("button", name="Show results").click()
    await expect(screen.locator('[data-tally-share="1"]').first).to_have_text("100%")
    await screenshots.one(screen, "screen-results-projector")

    # a question, escaped everywhere, arrives at the moderator without a reload
    await attendee.get_by_label("Your question").fill(QUESTION)
    await attendee.get_by_role("button", name="Ask").click()
    await expect(attendee.get_by_text(QUESTION)).to_be_visible()
    await expect(moderator.get_by_text(QUESTION)).to_be_visible()
    await poll_card.get_by_role("button", name="Hide results").click()
    await poll_card.get_by_role("button", name="Close").click()
    await expect(screen.get_by_text(QUESTION)).to_be_visible()
    await screenshots.one(screen, "screen-questions-projector")
    await screenshots.both(screen, "screen")
    await screenshots.both(attendee, "session")
    await screenshots.both(moderator, "moderator")
    for page in (attendee, moderator, screen):
        await assert_labelled(page)

    # check out; the evaluation follows
    await attendee.get_by_role("button", name="Check out").click()
    await expect(attendee.get_by_text("Checked out", exact=True)).to_be_visible()
    evaluation = attendee.get_by_role("group", name="How useful was this session?")
    await evaluation.get_by_label("4").check()
    await attendee.get_by_role("button", name="Send evaluation").click()
    thanks = attendee.locator("#evaluation").get_by_text("Thank you for your evaluation.")
    await expect(thanks).to_be_visible()
    # said once: the section lists the answers without thanking again
    assert (await attendee.locator("#evaluation").inner_text()).lower().count("thank you") == 1

    # the kiosk checks in the preloaded attendee
    await expect(moderator.locator("[data-checkin-count]")).to_have_text("0")
    kiosk = await _kiosk_check_in(moderator, screenshots)
    confirmation = re.compile(r"Checked in Ada Lovelace at \d\d:\d\d")
    await expect(kiosk.get_by_text(confirmation)).to_be_visible()
    await expect(moderator.locator("[data-checkin-count]")).to_have_text("1")

    await _api_shows_exactly_these_records(server, stage)


async def _kiosk_check_in(moderator: Page, screenshots: Screenshots) -> Page:
    kiosk = await moderator.context.new_page()  # the event password signed this browser in
    await kiosk.goto("/e/expo/kiosk")
    await screenshots.both(kiosk, "kiosk-sessions")
    await kiosk.get_by_role("link", name=SESSION_NAME).click()
    await kiosk.get_by_label("Name or email").fill("lovelace")
    await kiosk.get_by_role("button", name="Check in Ada Lovelace").click()
    await screenshots.both(kiosk, "kiosk-desk")
    await assert_labelled(kiosk)
    return kiosk


async def _api_shows_exactly_these_records(server: ServerProcess, stage: Stage) -> None:
    headers = {"API-Key": stage.api_key}
    base = f"{server.base_url}/api/v2"
    session = f"{base}/sessions/{stage.session_id}"
    async with httpx.AsyncClient(headers=headers, timeout=10) as api:
        attendance = (await api.get(f"{session}/attendance")).json()["data"]
        data = (await api.get(f"{session}/data")).json()["data"]
        evaluations = (await api.get(f"{base}/evaluations/responses")).json()["data"]

    by_email = {record["user"]["email"]: record for record in attendance}
    assert sorted(by_email) == ["ada@example.org", "maya@example.org"]
    maya, ada = by_email["maya@example.org"], by_email["ada@example.org"]
    assert (maya["checkin_source"], maya["checkout_source"]) == ("web", "web")
    assert [entry["action"] for entry in maya["history"]] == ["checkin", "checkout"]
    assert maya["user"]["field_1"] == "CPA-1234"
    assert maya["fields_of_study"][0]["codewords"]["valid_list"] == ["debit"]
    assert maya["evaluation_complete"] == "1"
    assert (ada["checkin_source"], ada["checkout_source"]) == ("kiosk", None)
    assert [poll["name"] for poll in data["polls"].values()] == [POLL]
    responses = next(iter(data["polls"].values()))["responses"]
    assert [response["response"] for response in responses] == ["IFRS 15"]
    assert [question["question"] for question in data["questions"]] == [QUESTION]
    assert [
        (response["user"]["last_name"], response["question"], response["response"])
        for response in evaluations["responses"]
    ] == [("Patel", "How useful was this session?", "4")]
