"""Certificates of credit on the web:

- ``GET /e/{event}/credits/certificate.pdf`` and ``GET /e/{event}/s/{session}/certificate.pdf``:
  the signed-in attendee's certificate for the whole event or for one session, issued (or the
  current one reused) from their transcript and sent as a PDF (``downloads``, in the pages app);
- ``GET /certificates/{number}``: the public page that confirms a printed certificate is
  genuine, showing what it certifies and nothing else about its holder (``verification``,
  mounted at the root by :func:`podium.web.pages.app.create_certificates_app`).
"""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Request, Response
from starlette.concurrency import run_in_threadpool

from podium.credits.service import (
    CertificateView,
    attendee_transcript,
    certificate_view,
    credits_text,
    date_range_text,
    day_text,
    find_certificate,
    issue_certificates,
    render_certificate,
    time_range_text,
    verification_url,
)
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Certificate, Event, EventSession
from podium.web.deps import get_runtime, get_uow
from podium.web.pages.deps import page_event, page_session, require_proven_attendee
from podium.web.pages.errors import error_response
from podium.web.pages.routing import page_router, writing_page_router
from podium.web.pages.templates import render

downloads = writing_page_router()
verification = page_router()

NO_EVENT_CREDITS = (
    "You have no credits at this event yet, so there is no certificate to download. "
    "Check in to sessions (and out, if they ask you to), then come back."
)
NO_SESSION_CREDITS = (
    "You have no credits for this session yet, so there is no certificate to download. "
    "Check in (and out, if the session asks you to), enter its codewords, then come back."
)
UNKNOWN_NUMBER = "No certificate has this number; check it against the printed one."


@downloads.get("/{event_uri}/credits/certificate.pdf")
async def event_certificate(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee = Depends(require_proven_attendee),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """The attendee's certificate for every session they earned credits in."""
    certificate = await _issued(uow, event, attendee, session_id=None)
    if certificate is None:
        return error_response(request, NO_EVENT_CREDITS, status=404)
    return await _pdf(request, certificate, event)


@downloads.get("/{event_uri}/s/{session_id}/certificate.pdf")
async def session_certificate(
    request: Request,
    event: Event = Depends(page_event),
    session: EventSession = Depends(page_session),
    attendee: Attendee = Depends(require_proven_attendee),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """The attendee's certificate for one session."""
    certificate = await _issued(uow, event, attendee, session_id=session.id)
    if certificate is None:
        return error_response(request, NO_SESSION_CREDITS, status=404)
    return await _pdf(request, certificate, event)


async def _issued(
    uow: UnitOfWork, event: Event, attendee: Attendee, *, session_id: int | None
) -> Certificate | None:
    transcript = await attendee_transcript(uow, event=event, attendee=attendee)
    issued = await issue_certificates(uow, event=event, transcript=transcript)
    return next((c for c in issued if c.session_id == session_id), None)


async def _pdf(request: Request, certificate: Certificate, event: Event) -> Response:
    url = verification_url(get_runtime(request).settings.base_url, certificate.number)
    view = certificate_view(certificate, event=event)
    # a long certificate takes a good part of a second to lay out: not on the event loop
    pdf = await run_in_threadpool(render_certificate, view, verification_url=url)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="certificate-{certificate.number}.pdf"',
            "Cache-Control": "private, no-store",
        },
    )


@verification.get("/{number}")
async def verify_certificate(
    request: Request, number: str, uow: UnitOfWork = Depends(get_uow)
) -> Response:
    """Whether a certificate with this number was issued, and what it certifies."""
    certificate = await find_certificate(uow, number=number)
    if certificate is None:
        return error_response(
            request, UNKNOWN_NUMBER, status=404, headers={"X-Robots-Tag": "noindex"}
        )
    return render(
        request,
        "certificates/verify.html",
        {"certificate": certificate, "text": _Wording(certificate)},
        # the holder's name is on it: no search engine needs the page
        headers={"X-Robots-Tag": "noindex", "Cache-Control": "no-cache"},
    )


class _Wording:
    """The certificate's dates, times and numbers as the page writes them."""

    def __init__(self, certificate: CertificateView) -> None:
        self.certificate = certificate

    @property
    def event_dates(self) -> str:
        return date_range_text(self.certificate.start_date, self.certificate.end_date)

    @property
    def issued_on(self) -> str:
        return day_text(self.certificate.issued_on)

    @property
    def superseded_on(self) -> str:
        day = self.certificate.superseded_on
        return day_text(day) if day else ""

    @property
    def session_when(self) -> str:
        session = self.certificate.session
        if session is None:
            return ""
        parts = (
            day_text(session.date) if session.date else "",
            time_range_text(session.start_time, session.end_time),
        )
        return ", ".join(part for part in parts if part)

    @staticmethod
    def day(value: date | None) -> str:
        return day_text(value) if value else ""

    time_range = staticmethod(time_range_text)
    credits = staticmethod(credits_text)
