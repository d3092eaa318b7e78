"""Every failure on a page becomes a page (or, for htmx, an alert) a person can act on.

Domain errors keep their message and map their kind to a status; a missing attendee or moderator
leads to the page that asks for them (an attendee's own records, to the page that offers the
code that proves their email); too many wrong attempts answer 429 with Retry-After; an
unexpected error is logged and answered with a sentence, never a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, RedirectResponse
from starlette.exceptions import HTTPException

from podium.kit.errors import PodiumError
from podium.verification.service import masked_email
from podium.web import urls
from podium.web.auth.csrf import CsrfFailed
from podium.web.auth.throttle import TooManyAttempts
from podium.web.methods import allowed_methods
from podium.web.pages.deps import NeedsJoin, NeedsModerator, NeedsProvenEmail
from podium.web.pages.templates import is_htmx, render
from podium.web.statuses import STATUS_BY_KIND
from podium.web.unexpected import AnswerUnexpectedErrors

log = logging.getLogger(__name__)

UNPROVEN = (
    "Your credits and certificates are shown once this device has confirmed your email "
    "address. Open My credits to get a code."
)


def error_response(
    request: Request, message: str, *, status: int, headers: Mapping[str, str] | None = None
) -> Response:
    """The error as a whole page, or for htmx as an alert swapped into the page's ``#alerts``."""
    if is_htmx(request):
        return render(
            request,
            "_alert.html",
            {"message": message, "level": "error"},
            status=status,
            headers={**(headers or {}), "HX-Retarget": "#alerts", "HX-Reswap": "innerHTML"},
        )
    return render(
        request,
        "error.html",
        {"message": message, "status": status},
        status=status,
        headers=headers,
    )


def redirect(request: Request, url: str) -> Response:
    """Go to ``url``: a 303 for a plain request, ``HX-Redirect`` for htmx."""
    if is_htmx(request):
        return Response(status_code=204, headers={"HX-Redirect": url})
    return RedirectResponse(url, status_code=303)


async def _podium_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PodiumError)
    return error_response(request, exc.explained, status=STATUS_BY_KIND[exc.kind])


async def _needs_join(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NeedsJoin)
    return redirect(request, f"{urls.event_url(exc.event_uri)}?next={quote(exc.next_url)}")


@dataclass(frozen=True)
class _EventShown:
    uri: str
    name: str


@dataclass(frozen=True)
class _AttendeeShown:
    first_name: str
    email: str | None


async def _needs_proven_email(request: Request, exc: Exception) -> Response:
    """The page that says why an attendee's own records wait for the code, and sends it."""
    assert isinstance(exc, NeedsProvenEmail)
    masked = masked_email(exc.email) if exc.email else None
    if is_htmx(request):
        return error_response(request, UNPROVEN, status=403)
    return render(
        request,
        "attendee/unverified.html",
        {
            "event": _EventShown(uri=exc.event_uri, name=exc.event_name),
            "attendee": _AttendeeShown(first_name=exc.first_name, email=exc.email),
            "masked_email": masked,
            "action": urls.verify_url(exc.event_uri) + "/send",
            "next": exc.next_url,
        },
        status=403,
        headers={"Cache-Control": "no-store"},
    )


async def _needs_moderator(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, NeedsModerator)
    if exc.session_id is not None:
        login = urls.moderate_url(exc.event_uri, exc.session_id) + "/login"
    else:
        login = urls.kiosk_url(exc.event_uri) + "/login"
    return redirect(request, f"{login}?next={quote(exc.next_url)}")


async def _too_many(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, TooManyAttempts)
    return error_response(
        request, exc.message, status=429, headers={"Retry-After": str(exc.retry_after)}
    )


async def _csrf_failed(request: Request, _exc: Exception) -> Response:
    return error_response(
        request,
        "This form has expired or came from another site. Reload the page and try again.",
        status=403,
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    first = exc.errors()[0]
    field = ".".join(
        str(part) for part in first.get("loc", ()) if part not in ("body", "query", "form")
    )
    message = f"{field}: {first.get('msg', 'is not valid')}." if field else "The form is not valid."
    return error_response(request, message, status=400)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    if exc.status_code == 404:
        message = "There is no such page. Check the address, or go back to the event's home."
    elif exc.status_code == 405:
        message = "This page cannot be used that way; go back and use its buttons."
        headers["Allow"] = allowed_methods(request)
    else:
        message = str(exc.detail)
    return error_response(request, message, status=exc.status_code, headers=headers or None)


def unexpected_error(request: Request) -> Response:
    """The answer to an error nothing else handled (see :mod:`podium.web.unexpected`, which
    logs it)."""
    message = "Something went wrong on our side; nothing was changed. Try again."
    try:
        return error_response(request, message, status=500)
    except Exception:  # the error page itself failed: still no stack trace for the person
        log.exception("the error page failed to render")
        return PlainTextResponse(message, status_code=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PodiumError, _podium_error)
    app.add_exception_handler(NeedsJoin, _needs_join)
    app.add_exception_handler(NeedsProvenEmail, _needs_proven_email)
    app.add_exception_handler(NeedsModerator, _needs_moderator)
    app.add_exception_handler(TooManyAttempts, _too_many)
    app.add_exception_handler(CsrfFailed, _csrf_failed)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    # unexpected errors: answered by a middleware that, unlike Starlette's, raises nothing
    # after answering, so the keep-alive connection stays usable
    app.add_middleware(AnswerUnexpectedErrors, respond=unexpected_error)
