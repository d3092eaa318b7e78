"""The attendee's transcript, "My credits": for each session they checked in to and each of
its fields of study, the credits earned of those possible and what is still missing; the
totals; and where to download their certificates.

The transcript is decided live from the attendance data and the rules
(:func:`podium.credits.transcript.attendee_transcript`), so it is current even before the
ledger of awards is refreshed. Only the signed-in attendee's own transcript is ever read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from fastapi import Depends, Request, Response

from podium.credits.service import attendee_transcript, format_credits, still_needed
from podium.credits.types import Outcome, Transcript, TranscriptLine
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event
from podium.web import urls
from podium.web.deps import get_uow
from podium.web.pages.attendee import views
from podium.web.pages.deps import page_event, require_proven_attendee
from podium.web.pages.routing import page_router
from podium.web.pages.templates import day_label, render

router = page_router()

# personal data: never kept by a shared cache or the back button of a shared device
NO_STORE = {"Cache-Control": "no-store"}


def credits_url(event_uri: str) -> str:
    return f"{urls.event_url(event_uri)}/credits"


def event_certificate_url(event_uri: str) -> str:
    return f"{credits_url(event_uri)}/certificate.pdf"


def session_certificate_url(event_uri: str, session_id: str) -> str:
    return f"{urls.session_url(event_uri, session_id)}/certificate.pdf"


@router.get("/{event_uri}/credits")
async def my_credits(
    request: Request,
    event: Event = Depends(page_event),
    attendee: Attendee = Depends(require_proven_attendee),
    uow: UnitOfWork = Depends(get_uow),
) -> Response:
    """The signed-in attendee's transcript; a fixed number of queries."""
    transcript = await attendee_transcript(uow, event=event, attendee=attendee)
    return render(
        request,
        "attendee/credits.html",
        {
            "event": event,
            "attendee": attendee,
            "page": credits_page(transcript),
            "current": "credits",
            "event_certificate_url": event_certificate_url(event.uri),
            "session_certificate_url": session_certificate_url,
        },
        headers=NO_STORE,
    )


# --- what the page shows -------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    text: str
    kind: str  # the CSS class: "ok", "partial", "pending", "withheld"


@dataclass(frozen=True)
class FieldCredits:
    """One field of study of a session, as the page shows it."""

    field_of_study: str
    earned: str  # "0.8"
    possible: str  # "1 credit"
    badge: Badge
    missing: str  # "You still need 1 codeword."; "" when nothing is
    adjusted: str | None  # "Adjusted by the organizer (computed: 0.5)."
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class SessionCredits:
    public_id: str
    name: str
    when: str  # "Monday, June 1, 2026 · 08:30-09:15" (en dash)
    fields: tuple[FieldCredits, ...]
    earned: Decimal

    @property
    def has_credits(self) -> bool:
        return self.earned > 0


@dataclass(frozen=True)
class CreditsPage:
    attendee_name: str
    sessions: tuple[SessionCredits, ...]
    totals: tuple[tuple[str, str], ...]  # (field of study, "3.5 credits")
    total: str  # "4.5 credits"
    has_credits: bool


def credits_page(transcript: Transcript) -> CreditsPage:
    """The transcript by session (in schedule order, as the transcript has its lines)."""
    grouped: dict[str, list[TranscriptLine]] = {}
    for line in transcript.lines:
        grouped.setdefault(line.session_public_id, []).append(line)
    sessions = tuple(
        SessionCredits(
            public_id=public_id,
            name=lines[0].session_name,
            when=_when(lines[0].date, lines[0].start_time, lines[0].end_time),
            fields=tuple(_field_credits(line) for line in lines),
            earned=sum((line.credits for line in lines), Decimal(0)),
        )
        for public_id, lines in grouped.items()
    )
    return CreditsPage(
        attendee_name=transcript.attendee_name,
        sessions=sessions,
        totals=tuple((name, credits_label(value)) for name, value in transcript.totals),
        total=credits_label(transcript.total),
        has_credits=transcript.total > 0,
    )


def credits_label(value: Decimal) -> str:
    """ "1 credit", "2.5 credits"."""
    text = format_credits(value)
    return f"{text} {'credit' if text == '1' else 'credits'}"


def _field_credits(line: TranscriptLine) -> FieldCredits:
    adjusted = None
    if line.adjusted is not None:
        adjusted = f"Adjusted by the organizer (computed: {format_credits(line.computed)})."
    return FieldCredits(
        field_of_study=line.field_of_study,
        earned=format_credits(line.credits),
        possible=credits_label(line.possible),
        badge=_badge(line),
        missing=still_needed(line.missing),
        adjusted=adjusted,
        reasons=tuple(reason.text for reason in line.reasons),
    )


def _badge(line: TranscriptLine) -> Badge:
    """What the credits that count amount to; an adjusted line is judged by its adjustment."""
    if line.adjusted is not None:
        outcome = (
            Outcome.AWARDED
            if line.credits >= line.possible
            else Outcome.PARTIAL
            if line.credits > 0
            else Outcome.WITHHELD
        )
    else:
        outcome = line.outcome
    if outcome is Outcome.AWARDED:
        return Badge("Awarded", "ok")
    if outcome is Outcome.PARTIAL:
        return Badge("Partial", "partial")
    if line.still_checked_in:
        # their time so far counts at check-out: nothing is decided yet
        return Badge("Not yet awarded", "pending")
    return Badge("Withheld", "withheld")


def _when(day: date | None, start: time | None, end: time | None) -> str:
    parts = [day_label(day) if day else "", views.times_text(start, end)]
    return " · ".join(part for part in parts if part)
