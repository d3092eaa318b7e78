"""Proving an attendee's email on this device: the page that takes the 6-digit code, asking
for a (new) code, and the sign-in link from the same mail.

- ``GET  /{event}/verify``: "We sent a 6-digit code to m…@example.org …", with the code form;
- ``POST /{event}/verify``: the code; right, this browser becomes the attendee, proven, and goes
  on to where it was going; wrong, the page again (400), each wrong code counted;
- ``POST /{event}/verify/resend``: a new code for the proof this browser is waiting to give;
- ``POST /{event}/verify/send``: a code for the attendee this browser joined as (from the page
  that explains why credits wait for it);
- ``GET  /{event}/signin/{token}`` and ``POST`` the same: the link in the mail. The GET only
  asks "Continue as Maya Lopez on this device?" (mail scanners open links; they must not use
  them up); the POST proves.

Codes mailed and codes guessed are throttled per event (the attendee, this browser, this
address; see ``web/auth/throttle.py``).
"""

from __future__ import annotations

from typing import Any

from fastapi import Depends, Request, Response

from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event
from podium.verification.errors import NoCodePending, SignInLinkNotValid, WrongCode
from podium.verification.service import (
    LIFETIME,
    full_name,
    masked_email,
    pending_email_proof,
    prove_with_code,
    prove_with_link,
    send_email_proof,
    sign_in_link,
)
from podium.verification.types import PendingProof, Proven
from podium.web import urls
from podium.web.auth import csrf, identity, throttle
from podium.web.deps import get_runtime, get_uow
from podium.web.pages.attendee.forms import text_field
from podium.web.pages.deps import page_event, require_attendee, safe_next
from podium.web.pages.errors import error_response, redirect
from podium.web.pages.routing import page_router
from podium.web.pages.templates import render

router = page_router()

CODE_KIND = "email-code"
MAIL_KIND = "email-code-mail"
MAILS_SENT = "We have sent several codes already."
NO_STORE = {"Cache-Control": "no-store"}


def _device(request: Request) -> str | None:
    """This browser's own secret (its CSRF cookie): what a code is bound to."""
    return csrf.browser_id(request)


async def send_code(
    request: Request,
    uow: UnitOfWork,
    event: Event,
    attendee: Attendee,
    *,
    next_path: str | None,
) -> None:
    """Mail ``attendee`` a new code and sign-in link for this browser (throttled: a few mails
    per attendee, browser and address within the attempt window)."""
    device = _device(request)
    assert device is not None  # a POST that passed the CSRF check has the cookie
    scope = throttle.event_scope(event.id)
    await throttle.ensure_allowed(
        request, MAIL_KIND, scope=scope, attendee_id=attendee.id, reason=MAILS_SENT
    )
    base_url = get_runtime(request).settings.base_url
    await send_email_proof(
        uow,
        event=event,
        attendee=attendee,
        device=device,
        next_path=safe_next(event, next_path),
        sign_in_url=lambda token: base_url + urls.sign_in_path(event.uri, token),
    )
    await throttle.record_failure(request, MAIL_KIND, scope=scope, attendee_id=attendee.id)


async def ask_for_code(
    request: Request,
    uow: UnitOfWork,
    event: Event,
    attendee: Attendee,
    *,
    next_path: str | None,
) -> None:
    """What joining as an attendee another browser joined as does: mail a code, unless this
    browser is already waiting with a live one for that attendee (joining twice mails once)."""
    pending = await _pending(request, uow, event)
    if pending is not None and pending.attendee.id == attendee.id:
        return
    await send_code(request, uow, event, attendee, next_path=next_path)


def remember_proven(request: Request, event: Event, proven: Proven) -> Response:
    """Go on to where the person was going, as the attendee they proved to be."""
    response = redirect(request, safe_next(event, proven.next_path))
    identity.remember_attendee(
        request, response, event, proven.attendee.id, proven_email=proven.email
    )
    return response


def _code_page(
    request: Request,
    event: Event,
    pending: PendingProof,
    *,
    error: str | None = None,
    notice: str | None = None,
    status: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "event": event,
        "masked_email": masked_email(pending.email),
        "name": full_name(pending.attendee),
        "minutes": int(LIFETIME.total_seconds() // 60),
        "error": error,
        "notice": notice,
        "join_url": urls.event_url(event.uri),
    }
    return render(request, "attendee/verify.html", context, status=status, headers=NO_STORE)


async def _pending(request: Request, uow: UnitOfWork, event: Event) -> PendingProof | None:
    device = _device(request)
    if device is None:
        return None
    return await pending_email_proof(uow, event=event, device=device)


@router.get("/{event_uri}/verify")
async def code_page(
    request: Request,
    sent: str | None = None,
    event: Event = Depends(page_event),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    pending = await _pending(request, uow, event)
    if pending is None or not identity.has_app_access(request, event):
        return redirect(request, urls.event_url(event.uri))
    notice = "We sent a new code. Only the newest one works." if sent == "again" else None
    return _code_page(request, event, pending, notice=notice)


@router.post("/{event_uri}/verify")
async def enter_code(
    request: Request, event: Event = Depends(page_event), uow: UnitOfWork = Depends(get_uow)
) -> Response:
    """The code: this browser becomes the attendee, with their email proven."""
    pending = await _pending(request, uow, event)
    device = _device(request)
    if pending is None or device is None:
        return _no_code(request, event)
    scope = throttle.event_scope(event.id)
    await throttle.ensure_allowed(request, CODE_KIND, scope=scope, attendee_id=pending.attendee.id)
    form = await request.form()
    code = text_field(form, "code") or ""
    if not code.strip():
        return _code_page(request, event, pending, error="Enter the 6-digit code.", status=400)
    try:
        proven = await prove_with_code(uow, event=event, device=device, code=code)
    except WrongCode as exc:
        await throttle.record_failure(
            request, CODE_KIND, scope=scope, attendee_id=pending.attendee.id
        )
        return _code_page(request, event, pending, error=exc.message, status=400)
    except NoCodePending:
        return _no_code(request, event)
    return remember_proven(request, event, proven)


def _no_code(request: Request, event: Event) -> Response:
    return error_response(
        request,
        "There is no code waiting for this device: it was used, or it expired. "
        "Join again with your email to get a new one.",
        status=409,
    )


@router.post("/{event_uri}/verify/resend")
async def resend_code(
    request: Request, event: Event = Depends(page_event), uow: UnitOfWork = Depends(get_uow)
) -> Response:
    """A new code (the old one stops working) for the attendee this browser is proving."""
    pending = await _pending(request, uow, event)
    if pending is None:
        return _no_code(request, event)
    await send_code(request, uow, event, pending.attendee, next_path=pending.next_path)
    return redirect(request, urls.verify_url(event.uri) + "?sent=again")


@router.post("/{event_uri}/verify/send")
async def send_code_to_me(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee = Depends(require_attendee),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """A code for the attendee this browser joined as, to see their own records."""
    form = await request.form()
    await send_code(request, uow, event, attendee, next_path=text_field(form, "next"))
    return redirect(request, urls.verify_url(event.uri))


@router.get("/{event_uri}/signin/{token}")
async def sign_in_page(
    request: Request,
    token: str,
    event: Event = Depends(page_event),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """Asks before it signs in: opening the link uses nothing up."""
    try:
        pending = await sign_in_link(uow, event=event, token=token)
    except SignInLinkNotValid as exc:
        return error_response(request, exc.message, status=404)
    return render(
        request,
        "attendee/signin.html",
        {
            "event": event,
            "name": full_name(pending.attendee),
            "masked_email": masked_email(pending.email),
            "action": urls.sign_in_path(event.uri, token),
        },
        headers={**NO_STORE, "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"},
    )


@router.post("/{event_uri}/signin/{token}")
async def sign_in(
    request: Request,
    token: str,
    event: Event = Depends(page_event),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    try:
        proven = await prove_with_link(uow, event=event, token=token)
    except SignInLinkNotValid as exc:
        return error_response(request, exc.message, status=404)
    return remember_proven(request, event, proven)
