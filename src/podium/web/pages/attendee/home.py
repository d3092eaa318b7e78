"""The list of events and an event's home: the app password, joining (and leaving), and the
schedule by day and room.

Joining with an email nobody joined as yet (a new one, or a preloaded attendee's) joins at
once; with the email of an attendee some browser already joined as, a code is mailed there and
this browser becomes that attendee only once it gives the code (``verification.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import quote

from fastapi import Depends, Query, Request, Response

from podium.events.service import list_events
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput, PodiumError
from podium.models import Attendee, Event
from podium.people.service import join_attendee
from podium.program.service import list_sessions
from podium.web import urls
from podium.web.auth import identity, throttle
from podium.web.deps import get_uow
from podium.web.pages.attendee import verification, views
from podium.web.pages.attendee.forms import text_field
from podium.web.pages.deps import current_attendee, page_event, safe_next
from podium.web.pages.errors import redirect
from podium.web.pages.routing import page_router
from podium.web.pages.templates import render

router = page_router()

WRONG_APP_PASSWORD = "That is not this event's app password. Check it and try again."


@router.get("/")
async def event_list(request: Request, uow: UnitOfWork = Depends(get_uow)) -> Response:
    events = await list_events(uow)
    return render(
        request,
        "attendee/events.html",
        {"events": [(event, views.event_dates(event)) for event in events]},
    )


@router.get("/{event_uri}")
async def event_home(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee | None = Depends(current_attendee),
    uow: UnitOfWork = Depends(get_uow),
    next_url: str | None = Query(None, alias="next"),
) -> Response:
    """Only the app password form until this browser gave it; then the join form (or who this
    browser joined as) and the schedule."""
    if not identity.has_app_access(request, event):
        return _password_page(request, event, next_url)
    return await _home(request, uow, event, attendee, next_url=next_url)


@router.post("/{event_uri}/password")
async def give_app_password(request: Request, event: Event = Depends(page_event)) -> Response:
    form = await request.form()
    next_url = text_field(form, "next")
    if not event.app_password or identity.has_app_access(request, event):
        return redirect(request, _home_url(event, next_url))
    scope = throttle.event_scope(event.id)
    await throttle.ensure_allowed(request, "app-password", scope=scope)
    if not identity.passwords_match(text_field(form, "password") or "", event.app_password):
        await throttle.record_failure(request, "app-password", scope=scope)
        return _password_page(request, event, next_url, error=WRONG_APP_PASSWORD)
    response = redirect(request, _home_url(event, next_url))
    identity.grant_app_access(request, response, event)
    return response


@router.post("/{event_uri}/join")
async def join(
    request: Request, event: Event = Depends(page_event), uow: UnitOfWork = Depends(get_uow)
) -> Response:
    """Find the attendee by email (or add them) and remember them in this browser; when a
    browser already joined as that attendee, mail a code to their email and ask for it first
    (``verification.py``)."""
    form = await request.form()
    next_url = text_field(form, "next")
    if not identity.has_app_access(request, event):
        return redirect(request, _home_url(event, next_url))
    custom = views.custom_fields(event)
    names = ("first_name", "last_name", "email", *(name for name, _ in custom))
    values = {name: (text_field(form, name) or "").strip() for name in names}
    try:
        _check_required(values)
        joining = await join_attendee(
            uow,
            event=event,
            email=values["email"],
            first_name=values["first_name"],
            last_name=values["last_name"],
            fields={name: values[name] or None for name, _ in custom},
        )
        attendee = joining.attendee
        already_proven = identity.has_proven_email(request, event, attendee)
        if joining.needs_proof and not already_proven:
            await verification.ask_for_code(request, uow, event, attendee, next_path=next_url)
            return redirect(request, urls.verify_url(event.uri))
    except PodiumError as exc:
        error = views.error_message(exc).text
        return await _home(request, uow, event, None, next_url=next_url, error=error, values=values)
    response = redirect(request, safe_next(event, next_url))
    identity.remember_attendee(
        request,
        response,
        event,
        attendee.id,
        proven_email=attendee.email if already_proven else None,
    )
    return response


@router.post("/{event_uri}/leave")
async def leave(request: Request, event: Event = Depends(page_event)) -> Response:
    response = redirect(request, urls.event_url(event.uri))
    identity.forget_attendee(response, event)
    return response


def _check_required(values: Mapping[str, str]) -> None:
    for name, what in (
        ("first_name", "your first name"),
        ("last_name", "your last name"),
        ("email", "your email address"),
    ):
        if not values[name]:
            raise InvalidInput(f"{name}: enter {what}", field=name)


def _password_page(
    request: Request, event: Event, next_url: str | None, *, error: str | None = None
) -> Response:
    return render(
        request,
        "attendee/password.html",
        {"event": event, "next": _kept_next(event, next_url), "error": error},
        status=400 if error else 200,
    )


async def _home(
    request: Request,
    uow: UnitOfWork,
    event: Event,
    attendee: Attendee | None,
    *,
    next_url: str | None,
    error: str | None = None,
    values: Mapping[str, str] | None = None,
) -> Response:
    sessions = await list_sessions(uow, event=event)
    return render(
        request,
        "attendee/home.html",
        {
            "event": event,
            "event_dates": views.event_dates(event),
            "attendee": attendee,
            "schedule": views.schedule(sessions, event=event, now=utcnow()),
            "next": _kept_next(event, next_url),
            "error": error,
            "values": values or {},
            "custom_fields": views.custom_fields(event),
        },
        status=400 if error else 200,
    )


def _kept_next(event: Event, next_url: str | None) -> str:
    """``next_url`` when it is a page of the event to come back to, else ""."""
    safe = safe_next(event, next_url)
    return "" if safe == urls.event_url(event.uri) else safe


def _home_url(event: Event, next_url: str | None) -> str:
    kept = _kept_next(event, next_url)
    return urls.event_url(event.uri) + (f"?next={quote(kept)}" if kept else "")
