"""Transcripts made by hand for the tests of certificates, and reading a certificate PDF back:
its text (pypdf) and the QR code on its first page (rendered by PDFium, decoded by zxing-cpp)."""

from __future__ import annotations

import io
from datetime import datetime
from decimal import Decimal

import pypdfium2
import zxingcpp
from pypdf import PdfReader

from podium.credits.types import Outcome, Transcript, TranscriptLine
from podium.enums import CheckinAction
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Checkin, CheckinHistoryEntry, Event, EventSession


def line(session: EventSession, field: str, credits: str, possible: str = "2") -> TranscriptLine:
    return TranscriptLine(
        session_public_id=session.public_id,
        session_name=session.name,
        date=session.date,
        start_time=session.start_time,
        end_time=session.end_time,
        field_of_study=field,
        possible=Decimal(possible),
        computed=Decimal(credits),
        adjusted=None,
        credits=Decimal(credits),
        outcome=Outcome.AWARDED if Decimal(credits) > 0 else Outcome.WITHHELD,
        minutes_attended=50,
        missing=(),
        reasons=(),
        still_checked_in=False,
    )


def transcript(
    event: Event, attendee: Attendee, *lines: TranscriptLine, name: str | None = None
) -> Transcript:
    totals: dict[str, Decimal] = {}
    for each in lines:
        totals[each.field_of_study] = totals.get(each.field_of_study, Decimal(0)) + each.credits
    return Transcript(
        event_name=event.name,
        event_uri=event.uri,
        organizer=event.organizer,
        start_date=event.start_date,
        end_date=event.end_date,
        attendee_id=attendee.id,
        attendee_name=name or f"{attendee.first_name} {attendee.last_name}",
        attendee_email=attendee.email,
        lines=tuple(lines),
        totals=tuple(totals.items()),
    )


def pdf_text(pdf: bytes) -> str:
    """The text of every page, with runs of white space made one space."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def qr_codes(pdf: bytes) -> list[str]:
    """What the QR codes on the first page say."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    return [result.text for result in zxingcpp.read_barcodes(image)]


async def attended(
    uow: UnitOfWork,
    session: EventSession,
    attendee: Attendee,
    *,
    arrived: datetime,
    left: datetime | None,
) -> Checkin:
    """A record of ``attendee`` in ``session``: checked in at ``arrived``, out at ``left``."""
    checkin = Checkin(
        session_id=session.id,
        attendee_id=attendee.id,
        checked_in=left is None,
        checkin_time=arrived,
        checkin_time_actual=arrived,
        checkout_time=left,
        checkout_time_actual=left,
    )
    uow.session.add(checkin)
    await uow.session.flush()
    uow.session.add(
        CheckinHistoryEntry(checkin_id=checkin.id, action=CheckinAction.CHECKIN, at=arrived)
    )
    if left is not None:
        uow.session.add(
            CheckinHistoryEntry(checkin_id=checkin.id, action=CheckinAction.CHECKOUT, at=left)
        )
    await uow.session.flush()
    return checkin
