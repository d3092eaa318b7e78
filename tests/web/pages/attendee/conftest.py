"""Helpers of the attendee page tests: an event and sessions made (and committed) through the
models, and browsers that joined the event through its join form."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import select

from podium.enums import PollState, PollType
from podium.events.service import create_event
from podium.kit.db import Database
from podium.live.service import close_poll, create_poll, open_poll, set_poll_results_visible
from podium.models import Event, EventSession, OutboxMail, Poll
from podium.program.service import create_session
from podium.program.types import PresenterRef, SessionDraft
from tests.factories import make_session
from tests.web.pages.conftest import Browser, BrowserFactory

ALEX = {"first_name": "Alex", "last_name": "Example", "email": "alex@example.com"}
BLAKE = {"first_name": "Blake", "last_name": "Other", "email": "blake@example.com"}
OTHER_IP = "198.51.100.9"


async def new_event(db: Database, uri: str = "example", **settings: Any) -> Event:
    """An event (America/Chicago) with ``settings`` (app_password, custom fields…)."""
    async with db.unit_of_work() as u:
        event = await create_event(u, uri=uri, name="Example Event", timezone="America/Chicago")
        for name, value in settings.items():
            setattr(event, name, value)
    return event


async def new_session(db: Database, event: Event, **attributes: Any) -> EventSession:
    async with db.unit_of_work() as u:
        return await make_session(u, event, **attributes)


async def joined(
    new_browser: BrowserFactory,
    event: Event,
    person: dict[str, str] | None = None,
    *,
    ip: str | None = None,
) -> Browser:
    """A browser that joined ``event`` as ``person`` (Alex by default) through the join form."""
    browser = await new_browser(**({"ip": ip} if ip else {}))
    await browser.get(f"/e/{event.uri}")
    response = await browser.post(f"/e/{event.uri}/join", dict(person or ALEX))
    assert response.status_code == 303
    return browser


def page_url(event: Event, session: EventSession) -> str:
    return f"/e/{event.uri}/s/{session.public_id}"


def text_of(html: str) -> str:
    """The page's text without tags and with whitespace collapsed, for sentence assertions."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


async def program_session(db: Database, event: Event, name: str, **draft: Any) -> EventSession:
    """A session made as organizers make them (room by name, presenters by name)."""
    presenters = [PresenterRef(name=presenter) for presenter in draft.pop("presenters", [])]
    async with db.unit_of_work() as u:
        return await create_session(
            u, event=event, draft=SessionDraft(name=name, presenters=presenters, **draft)
        )


async def check_in(browser: Browser, event: Event, session: EventSession, **fields: str) -> None:
    """Check in through the page's form (the session has no check-in code unless given)."""
    await browser.get(page_url(event, session))
    response = await browser.post(
        f"{page_url(event, session)}/checkin", {"nonce": browser.nonces()[0], **fields}
    )
    assert response.status_code == 303, response.text


async def new_poll(
    db: Database,
    session: EventSession,
    name: str,
    kind: PollType,
    choices: list[str] | None = None,
    *,
    state: PollState = PollState.OPEN,
    show_results: bool = False,
) -> Poll:
    """A poll made as a moderator makes it, in ``state``, its results shown or not."""
    async with db.unit_of_work() as u:
        owner = await u.session.get(EventSession, session.id)
        assert owner is not None
        poll = await create_poll(u, session=owner, name=name, type=kind, choices=choices)
        if state in (PollState.OPEN, PollState.CLOSED):
            await open_poll(u, poll=poll)
        if state == PollState.CLOSED:
            await close_poll(u, poll=poll)
        if show_results:
            await set_poll_results_visible(u, poll=poll, visible=True)
    return poll


_CODE = re.compile(r"^    (\d{6})$", re.MULTILINE)
_LINK = re.compile(r"(https?://\S+/signin/\S+)")


async def mailed(db: Database, to: str) -> list[OutboxMail]:
    """The mails queued to ``to``, oldest first (the worker is off in these tests)."""
    async with db.unit_of_work(write=False) as u:
        return list(
            await u.session.scalars(
                select(OutboxMail).where(OutboxMail.to_address == to).order_by(OutboxMail.id)
            )
        )


def code_in(mail: OutboxMail) -> str:
    found = _CODE.search(mail.text_body)
    assert found is not None, mail.text_body
    return found.group(1)


def link_in(mail: OutboxMail) -> str:
    found = _LINK.search(mail.text_body)
    assert found is not None, mail.text_body
    return found.group(1)


async def prove_email(browser: Browser, db: Database, event: Event, email: str) -> None:
    """From "My credits", ask for a code, read it from the outbox, and enter it."""
    await browser.get(f"/e/{event.uri}/credits")
    sent = await browser.post(f"/e/{event.uri}/verify/send", {"next": f"/e/{event.uri}/credits"})
    assert sent.status_code == 303, sent.text
    code = code_in((await mailed(db, email))[-1])
    await browser.get(f"/e/{event.uri}/verify")
    entered = await browser.post(f"/e/{event.uri}/verify", {"code": code})
    assert entered.status_code == 303, entered.text


async def proven(
    new_browser: BrowserFactory,
    db: Database,
    event: Event,
    person: dict[str, str] | None = None,
) -> Browser:
    """A browser that joined ``event`` as ``person`` (Alex by default) and proved the email."""
    who = person or ALEX
    browser = await joined(new_browser, event, who)
    await prove_email(browser, db, event, who["email"])
    return browser
