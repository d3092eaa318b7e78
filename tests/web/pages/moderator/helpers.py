"""Events, sessions and signed-in browsers for the moderator, screen and kiosk page tests."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from podium.events.service import create_event
from podium.kit.db import Database
from podium.models import Event, EventSession, Poll, Question
from podium.web import urls
from tests.factories import make_session
from tests.web.pages.conftest import Browser, BrowserFactory

EVENT_PASSWORD = "event-secret"
SESSION_PASSWORD = "session-secret"
OTHER_PASSWORD = "other-secret"
SECRET_KEY = "test-secret"  # the ``settings`` fixture's


@dataclass
class Setup:
    event: Event
    session: EventSession
    other: EventSession

    @property
    def moderate(self) -> str:
        return urls.moderate_url(self.event.uri, self.session.public_id)

    @property
    def screen(self) -> str:
        return urls.screen_url(self.event.uri, self.session.public_id)

    @property
    def kiosk(self) -> str:
        return urls.kiosk_url(self.event.uri)

    @property
    def desk(self) -> str:
        return f"{self.kiosk}/s/{self.session.public_id}"


async def setup_event(
    db: Database,
    *,
    moderator_password: str | None = EVENT_PASSWORD,
    session_password: str | None = SESSION_PASSWORD,
    app_password: str | None = None,
    uri: str = "example",
    **session_attributes: Any,
) -> Setup:
    """The event ``uri`` (America/Chicago) with the session "Opening Keynote" (fields of
    study Accounting: ledger, audit; Taxes: deduction) and the session "Other Session"."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri=uri, name="Example Event", timezone="America/Chicago")
        event.moderator_password = moderator_password
        event.app_password = app_password
        session = await make_session(
            uow,
            event,
            name="Opening Keynote",
            moderator_password=session_password,
            fields_of_study={
                "Accounting": ("2", ["ledger", "audit"]),
                "Taxes": ("1", ["deduction"]),
            },
            **session_attributes,
        )
        other = await make_session(
            uow, event, name="Other Session", moderator_password=OTHER_PASSWORD
        )
    return Setup(event=event, session=session, other=other)


async def sign_in(
    new_browser: BrowserFactory, login_url: str, password: str = EVENT_PASSWORD
) -> Browser:
    """A new browser that gave ``password`` on the login page at ``login_url``."""
    browser = await new_browser()
    await browser.get(login_url)
    response = await browser.post(login_url, {"password": password})
    assert response.status_code == 303, response.text
    return browser


async def moderator(new_browser: BrowserFactory, setup: Setup) -> Browser:
    """A browser signed in with the event's moderator password, on the moderator page."""
    browser = await sign_in(new_browser, setup.moderate + "/login")
    page = await browser.get(setup.moderate)
    assert page.status_code == 200, page.text
    return browser


def join_as(browser: Browser, event: Event, attendee_id: int) -> None:
    """Give the browser the attendee cookie the join page would have set."""
    value = URLSafeSerializer(SECRET_KEY, salt="podium.podium_attendee").dumps(
        {"a": attendee_id, "e": event.id}
    )
    browser.http.cookies.set(
        "podium_attendee", value, domain="testserver.local", path=urls.event_url(event.uri)
    )


def grant_app_access(browser: Browser, event: Event, password: str) -> None:
    """Give the browser the cookie the app password page would have set."""
    fingerprint = hmac.new(SECRET_KEY.encode(), password.encode(), hashlib.sha256).hexdigest()
    value = URLSafeSerializer(SECRET_KEY, salt="podium.podium_pass").dumps(
        {"f": fingerprint[:24], "e": event.id}
    )
    browser.http.cookies.set(
        "podium_pass", value, domain="testserver.local", path=urls.event_url(event.uri)
    )


async def polls_of(db: Database, session: EventSession) -> list[Poll]:
    async with db.unit_of_work(write=False) as uow:
        return list(
            await uow.session.scalars(
                select(Poll).where(Poll.session_id == session.id).order_by(Poll.rank, Poll.id)
            )
        )


async def questions_of(db: Database, session: EventSession) -> list[Question]:
    async with db.unit_of_work(write=False) as uow:
        return list(
            await uow.session.scalars(
                select(Question).where(Question.session_id == session.id).order_by(Question.id)
            )
        )
