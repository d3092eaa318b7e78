"""What page handlers depend on: the event and session of the URL, and who is asking.

Handlers that need an attendee raise :class:`NeedsJoin`, those that show an attendee's own
records to a browser that has not proved the attendee's email :class:`NeedsProvenEmail`, those
that need a moderator :class:`NeedsModerator`. The pages app turns each into the page that asks
(see ``errors.py``).
"""

from __future__ import annotations

from fastapi import Depends, Request

from podium.events.service import get_event
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event, EventSession
from podium.people.errors import AttendeeNotFound
from podium.people.service import get_attendee
from podium.program.service import get_session
from podium.web import urls
from podium.web.auth import identity, logins
from podium.web.deps import get_uow


class NeedsJoin(Exception):
    """The page needs an attendee (or the app password) this browser has not given yet."""

    def __init__(self, event: Event, next_url: str) -> None:
        super().__init__(next_url)
        # the address, not the row: the request's transaction is rolled back (expiring every
        # row it loaded) before the error handler runs
        self.event_uri = event.uri
        self.next_url = next_url


class NeedsProvenEmail(Exception):
    """The page shows an attendee's own records (credits, certificates): only a browser that
    proved the attendee's email may see it."""

    def __init__(self, event: Event, attendee: Attendee, next_url: str) -> None:
        super().__init__(next_url)
        # plain values, not rows (see NeedsJoin)
        self.event_uri = event.uri
        self.event_name = event.name
        self.first_name = attendee.first_name
        self.email = attendee.email
        self.next_url = next_url


class NeedsModerator(Exception):
    """The page needs a moderator password: the event's, or ``session``'s own."""

    def __init__(self, event: Event, session: EventSession | None, next_url: str) -> None:
        super().__init__(next_url)
        # addresses, not rows (see NeedsJoin)
        self.event_uri = event.uri
        self.session_id = session.public_id if session is not None else None
        self.next_url = next_url


async def page_event(event_uri: str, uow: UnitOfWork = Depends(get_uow)) -> Event:
    return await get_event(uow, event_uri)


async def page_session(
    session_id: str,
    event: Event = Depends(page_event),
    uow: UnitOfWork = Depends(get_uow),
) -> EventSession:
    return await get_session(uow, event=event, public_id=session_id)


async def current_attendee(
    request: Request,
    event: Event = Depends(page_event),
    uow: UnitOfWork = Depends(get_uow),
) -> Attendee | None:
    """The attendee this browser joined as, or None (also when the app password changed)."""
    if not identity.has_app_access(request, event):
        return None
    attendee_id = identity.attendee_id(request, event)
    if attendee_id is None:
        return None
    try:
        return await get_attendee(uow, event=event, attendee_id=attendee_id)
    except AttendeeNotFound:
        return None


async def require_attendee(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee | None = Depends(current_attendee),
) -> Attendee:
    if attendee is None:
        raise NeedsJoin(event, _return_to(request))
    return attendee


async def require_proven_attendee(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee = Depends(require_attendee),
) -> Attendee:
    """The attendee, when this browser proved their email (a code or link mailed to it)."""
    if not identity.has_proven_email(request, event, attendee):
        raise NeedsProvenEmail(event, attendee, _return_to(request))
    return attendee


async def require_event_moderator(request: Request, event: Event = Depends(page_event)) -> Event:
    """The event, when this browser gave the event's moderator password (kiosk, every session)."""
    if not identity.moderator_access(request, event).for_event(request, event):
        raise NeedsModerator(event, None, _return_to(request))
    return event


async def require_session_moderator(
    request: Request,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
) -> EventSession:
    """The session, when this browser gave the event's or the session's moderator password."""
    if not identity.moderator_access(request, event).for_session(request, event, session):
        raise NeedsModerator(event, session, _return_to(request))
    return session


def _return_to(request: Request) -> str:
    """Where to come back after joining: this page (a form POST comes back to its page)."""
    if request.method == "GET" and request.headers.get("HX-Request") != "true":
        return request.url.path
    referer = request.headers.get("HX-Current-URL") or request.headers.get("Referer") or ""
    path = referer.split("://", 1)[-1].partition("/")[2]
    return "/" + path if path else request.url.path


def safe_next(event: Event, next_url: str | None) -> str:
    """``next_url`` when it is a page of ``event``, else the event's home (no open redirects)."""
    return logins.safe_next(urls.event_url(event.uri), next_url)
