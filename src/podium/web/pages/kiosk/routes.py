"""Routes of the kiosk, ``/e/<event>/kiosk``: a tablet at the door that checks attendees in and
out of a session, behind the event's moderator password. Its desk searches the attendees
expected in the session (preloaded, or with a record already) and adds walk-ins: a name and an
email make (or find) the attendee and check them in, in one request.

The kiosk is staffed (or at least set up) by the organizer, so it checks people in without
asking them for the session's check-in or check-out code: it passes the session's own code.
Records it makes say ``source`` "kiosk" and, for a check-in, delivery format "in-person".
It keeps no state that expires: the moderator grant lasts the event, forms carry no timed
token, every tap carries a fresh nonce (a repeated tap does not check in twice), and the
session list refreshes itself every five minutes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from fastapi import Depends, Form, Request, Response
from fastapi.responses import RedirectResponse
from itsdangerous import BadSignature, URLSafeTimedSerializer

from podium.attendance.errors import AlreadyCheckedIn, NotCheckedIn
from podium.attendance.service import (
    count_checked_in,
    perform_checkin,
    perform_checkout,
    search_preloaded,
)
from podium.enums import AttendanceSource, DeliveryFormat
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Attendee, Checkin, Event, EventSession
from podium.people.service import find_or_create_attendee, get_attendee
from podium.program.service import list_sessions
from podium.verification.service import masked_email
from podium.web import urls
from podium.web.auth import identity, logins
from podium.web.deps import get_runtime, get_uow
from podium.web.pages.deps import page_event, page_session, require_event_moderator
from podium.web.pages.live_views import event_zone
from podium.web.pages.routing import page_router
from podium.web.pages.templates import is_htmx, render

router = page_router()

KIOSK = "/{event_uri}/kiosk"
DESK = KIOSK + "/s/{session_id}"
RESULTS_SHOWN = 20
NOTICE_MAX_AGE_SECONDS = 120
SESSION_LIST_REFRESH_SECONDS = 300


# --- signing in ----------------------------------------------------------------------------


def _login(event: Event) -> logins.SharedPasswordLogin:
    """Only the event's moderator password opens the kiosk (a session's own does not)."""
    return logins.SharedPasswordLogin(
        event=event,
        words=logins.LoginWords(
            heading="Check-in kiosk",
            subtitle=event.name,
            explanation="Enter the event's moderator password to run the kiosk on this device.",
            wrong="That is not the event's moderator password. Check it and try again.",
            unconfigured=logins.NO_MODERATOR_PASSWORD,
            label="Moderator password",
        ),
        action=urls.kiosk_url(event.uri) + "/login",
        home=urls.kiosk_url(event.uri),
        passwords=((identity.EVENT_SCOPE, event.moderator_password),),
    )


@router.get(KIOSK + "/login")
async def login_page(
    request: Request, next: str | None = None, event: Event = Depends(page_event)
) -> Response:
    return await logins.show_login(request, _login(event), next)


@router.post(KIOSK + "/login")
async def login(request: Request, event: Event = Depends(page_event)) -> Response:
    """Grant the event scope for the event's moderator password."""
    return await logins.submit_login(request, _login(event))


# --- choosing a session --------------------------------------------------------------------


async def _session_lists(uow: UnitOfWork, event: Event) -> dict[str, Any]:
    """Today's sessions (in the event's time zone) first, then the others, by schedule."""
    today = datetime.now(event_zone(event)).date()
    sessions = await list_sessions(uow, event=event)
    return {
        "event": event,
        "today": [session for session in sessions if session.date == today],
        "others": [session for session in sessions if session.date != today],
        "refresh_seconds": SESSION_LIST_REFRESH_SECONDS,
    }


@router.get(KIOSK)
async def kiosk_page(
    request: Request,
    event: Event = Depends(require_event_moderator),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    return render(request, "kiosk/sessions.html", await _session_lists(uow, event))


@router.get(KIOSK + "/fragments/sessions")
async def sessions_fragment(
    request: Request,
    event: Event = Depends(require_event_moderator),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    return render(request, "kiosk/_sessions.html", await _session_lists(uow, event))


# --- the desk: search, check in, check out -------------------------------------------------


@dataclass(frozen=True)
class Notice:
    text: str
    level: str  # "ok" or "error"


WALK_IN_FIELDS = (
    ("first_name", "First name", "the walk-in's first name"),
    ("last_name", "Last name", "the walk-in's last name"),
    ("email", "Email", "the walk-in's email address"),
)


@dataclass(frozen=True)
class WalkIn:
    """The walk-in form as it was sent: its values, and what is wrong with one of them."""

    values: Mapping[str, str] = field(default_factory=dict)
    error_field: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class Match:
    """One search result: the attendee, how they show, and their record."""

    attendee: Attendee
    checkin: Checkin
    name: str
    email: str | None


def _name(attendee: Attendee) -> str:
    name = f"{attendee.first_name} {attendee.last_name}".strip()
    return name or attendee.email or "this attendee"


def _masked(email: str | None) -> str | None:
    """``a…@example.org``: enough to tell two namesakes apart, not to read out an address."""
    if not email or "@" not in email:
        return None
    return masked_email(email)


def _notices(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(get_runtime(request).secret_key, salt="podium.kiosk-notice")


def _read_notice(request: Request, signed: str | None) -> Notice | None:
    if not signed:
        return None
    try:
        text, level = _notices(request).loads(signed, max_age=NOTICE_MAX_AGE_SECONDS)
    except (BadSignature, ValueError, TypeError):
        return None
    return Notice(text=str(text), level=str(level))


async def _desk_context(
    uow: UnitOfWork,
    event: Event,
    session: EventSession,
    *,
    query: str,
    notice: Notice | None,
    walk_in: WalkIn | None = None,
) -> dict[str, Any]:
    found = (
        await search_preloaded(uow, session=session, query=query, limit=RESULTS_SHOWN + 1)
        if query.strip()
        else []
    )
    zone = event_zone(event)
    return {
        "event": event,
        "session": session,
        "desk": urls.kiosk_url(event.uri) + f"/s/{session.public_id}",
        "q": query,
        "notice": notice,
        "matches": [
            Match(
                attendee=record.attendee,
                checkin=record,
                name=_name(record.attendee),
                email=_masked(record.attendee.email),
            )
            for record in found[:RESULTS_SHOWN]
        ],
        "more": len(found) > RESULTS_SHOWN,
        "checked_in": await count_checked_in(uow, session_public_id=session.public_id),
        "local": lambda value: value.astimezone(zone) if value is not None else None,
        "walk_in": walk_in or WalkIn(),
        "walk_in_fields": WALK_IN_FIELDS,
    }


@router.get(DESK)
async def desk_page(
    request: Request,
    q: str = "",
    notice: str | None = None,
    event: Event = Depends(require_event_moderator),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    context = await _desk_context(
        uow, event, session, query=q, notice=_read_notice(request, notice)
    )
    return render(request, "kiosk/desk.html", context)


@router.get(DESK + "/results")
async def results_fragment(
    request: Request,
    q: str = "",
    event: Event = Depends(require_event_moderator),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    context = await _desk_context(uow, event, session, query=q, notice=None)
    return render(request, "kiosk/_results.html", context)


async def _after_action(
    request: Request, uow: UnitOfWork, event: Event, session: EventSession, notice: Notice
) -> Response:
    """The cleared desk with the notice: as the fragment (htmx), or by a 303 that carries the
    notice signed and short-lived (so a reload later does not show it again)."""
    if is_htmx(request):
        context = await _desk_context(uow, event, session, query="", notice=notice)
        return render(request, "kiosk/_desk.html", context)
    signed = _notices(request).dumps([notice.text, notice.level])
    desk = urls.kiosk_url(event.uri) + f"/s/{session.public_id}"
    return RedirectResponse(f"{desk}?notice={signed}", status_code=303)


def _clock(event: Event, at: datetime) -> str:
    return at.astimezone(event_zone(event)).strftime("%H:%M")


async def _check_in(
    uow: UnitOfWork, event: Event, session: EventSession, person: Attendee, *, nonce: str | None
) -> Notice:
    """Check ``person`` in at the kiosk (with the session's own code: the kiosk is staffed, in
    person) and say so; already checked in is said, not refused."""
    now = utcnow()
    try:
        await perform_checkin(
            uow,
            session=session,
            attendee=person,
            code=session.checkin_code,
            source=AttendanceSource.KIOSK,
            delivery_format=DeliveryFormat.IN_PERSON,
            nonce=nonce,
            at=now,
        )
    except AlreadyCheckedIn:
        return Notice(text=f"{_name(person)} is already checked in.", level="ok")
    return Notice(text=f"Checked in {_name(person)} at {_clock(event, now)}.", level="ok")


@router.post(DESK + "/checkin")
async def checkin(
    request: Request,
    attendee: int = Form(...),
    nonce: str | None = Form(None),
    event: Event = Depends(require_event_moderator),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    person = await get_attendee(uow, event=event, attendee_id=attendee)
    notice = await _check_in(uow, event, session, person, nonce=nonce)
    return await _after_action(request, uow, event, session, notice)


@router.post(DESK + "/checkout")
async def checkout(
    request: Request,
    attendee: int = Form(...),
    nonce: str | None = Form(None),
    event: Event = Depends(require_event_moderator),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    person = await get_attendee(uow, event=event, attendee_id=attendee)
    now = utcnow()
    try:
        await perform_checkout(
            uow,
            session=session,
            attendee=person,
            code=session.checkout_code,
            source=AttendanceSource.KIOSK,
            nonce=nonce,
            at=now,
        )
    except NotCheckedIn:
        notice = Notice(
            text=f"{_name(person)} is not checked in, so there is nothing to check out.",
            level="error",
        )
    else:
        notice = Notice(text=f"Checked out {_name(person)} at {_clock(event, now)}.", level="ok")
    return await _after_action(request, uow, event, session, notice)


@router.post(DESK + "/walk-in")
async def walk_in(
    request: Request,
    first_name: str = Form(""),
    last_name: str = Form(""),
    email: str = Form(""),
    event: Event = Depends(require_event_moderator),
    session: EventSession = Depends(page_session),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """Find the attendee with this email (or add them to the event) and check them in, in one
    transaction. A blank field or an email that is not one changes nothing: the form comes back
    with what was typed and what to fix (400)."""
    values = {"first_name": first_name.strip(), "last_name": last_name.strip(), "email": email}
    values["email"] = values["email"].strip()
    try:
        for name, _label, what in WALK_IN_FIELDS:
            if not values[name]:
                raise InvalidInput(f"Enter {what}.", field=name)
        person = await find_or_create_attendee(
            uow,
            event=event,
            email=values["email"],
            first_name=values["first_name"],
            last_name=values["last_name"],
        )
    except InvalidInput as error:
        refused = WalkIn(values=values, error_field=error.field, error=_sentence(error))
        context = await _desk_context(uow, event, session, query="", notice=None, walk_in=refused)
        template = "kiosk/_desk.html" if is_htmx(request) else "kiosk/desk.html"
        return render(request, template, context, status=400)
    notice = await _check_in(uow, event, session, person, nonce=None)
    return await _after_action(request, uow, event, session, notice)


def _sentence(error: InvalidInput) -> str:
    """The service's "field: what to do" as a sentence for the form."""
    field_name, separator, text = error.message.partition(": ")
    message = text if separator and field_name == error.field else error.message
    message = message[:1].upper() + message[1:]
    return message if message.endswith(".") else message + "."
