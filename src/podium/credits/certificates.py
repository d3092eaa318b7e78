"""Certificates of continuing-education credit: issuing them from a transcript, and reading one
back by its number for the public verification page and for printing.

A certificate keeps what it certified when it was issued (holder, lines, total), so that it
reads the same years later whatever happens to the program. When the credits behind it change,
the next issue supersedes it and a new certificate with a new number takes its place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select

from podium.credits.types import Transcript, TranscriptLine
from podium.kit import ids
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.models import Certificate, Event, EventSession

NUMBER_PREFIX = "PDM"
_NUMBER_GROUPS = 3
_GROUP_LENGTH = 4
_NUMBER_ATTEMPTS = 5
VERIFICATION_PATH = "/certificates/"


# --- what a certificate says ---------------------------------------------------------------


@dataclass(frozen=True, kw_only=True, slots=True)
class CertifiedLine:
    """One session and field of study a certificate certifies, as it was when issued."""

    session: str
    date: dt.date | None
    start_time: dt.time | None
    end_time: dt.time | None
    field_of_study: str
    credits: Decimal


@dataclass(frozen=True, kw_only=True, slots=True)
class CertifiedSession:
    """The session of a session certificate: its name, day and wall-clock times."""

    name: str
    date: dt.date | None
    start_time: dt.time | None
    end_time: dt.time | None


@dataclass(frozen=True, kw_only=True)
class CertificateView:
    """Everything a certificate says, for the verification page and the printed PDF.

    ``session`` is None for the combined certificate of the whole event. ``issued_on`` and
    ``superseded_on`` are days in the event's time zone; ``superseded_at`` is set once a newer
    certificate replaced this one.
    """

    number: str
    holder_name: str
    event_name: str
    organizer: str | None
    start_date: dt.date | None
    end_date: dt.date | None
    session: CertifiedSession | None
    lines: tuple[CertifiedLine, ...]
    totals: tuple[tuple[str, Decimal], ...]
    total: Decimal
    issued_at: dt.datetime
    issued_on: dt.date
    superseded_at: dt.datetime | None
    superseded_on: dt.date | None

    @property
    def superseded(self) -> bool:
        return self.superseded_at is not None


# --- numbers and addresses -------------------------------------------------------------------


def new_certificate_number() -> str:
    """A new number, "PDM-7KQX-M4TZ-9HWC": 60 random bits, in letters and digits that are hard
    to mistake for one another when read off paper (no L or 1, no O or 0)."""
    groups = (ids.random_id(_GROUP_LENGTH).upper() for _ in range(_NUMBER_GROUPS))
    return "-".join((NUMBER_PREFIX, *groups))


def normalize_certificate_number(text: str) -> str | None:
    """The number as issued, from what a person typed: any case, spaces and dashes anywhere,
    with or without the "PDM" prefix, and a "1" or "L" read off an "I". None when it cannot be
    a certificate number."""
    compact = "".join(ch for ch in text.upper() if ch not in " -\t\u2010\u2011\u2013\u2014")
    if compact.startswith(NUMBER_PREFIX):
        compact = compact[len(NUMBER_PREFIX) :]
    # numbers have neither 1 nor L, so these can only be a misread I
    compact = compact.replace("1", "I").replace("L", "I")
    if len(compact) != _NUMBER_GROUPS * _GROUP_LENGTH or not compact.isalnum():
        return None
    groups = [compact[i : i + _GROUP_LENGTH] for i in range(0, len(compact), _GROUP_LENGTH)]
    return "-".join((NUMBER_PREFIX, *groups))


def verification_path(number: str) -> str:
    """The path of the certificate's public verification page."""
    return f"{VERIFICATION_PATH}{number}"


def verification_url(base_url: str, number: str) -> str:
    """The address printed on the certificate (and in its QR code): ``base_url`` is where
    Podium is served, e.g. ``https://events.example.org`` (``PODIUM_BASE_URL``)."""
    return base_url.rstrip("/") + verification_path(number)


# --- wording shared by the printed certificate and the verification page -------------------


def credits_text(value: Decimal) -> str:
    """Credits as people read them and as certificates store them: "1.5", "2", "100" (no
    trailing zeros, no exponent, so that the same credits always compare equal)."""
    return format(value.normalize(), "f")


def day_text(day: dt.date) -> str:
    """ "June 1, 2026"."""
    return f"{day:%B} {day.day}, {day.year}"


def date_range_text(start: dt.date | None, end: dt.date | None) -> str:
    """An event's days: "June 1, 2026", "June 1-3, 2026", "May 30 - June 2, 2026" (with
    en dashes); "" when it
    has no dates."""
    if start is None or end is None or start == end:
        day = start or end
        return day_text(day) if day else ""
    if start.year != end.year:
        return f"{day_text(start)} \N{EN DASH} {day_text(end)}"
    if start.month != end.month:
        return f"{start:%B} {start.day} \N{EN DASH} {end:%B} {end.day}, {end.year}"
    return f"{start:%B} {start.day}\N{EN DASH}{end.day}, {end.year}"


def time_range_text(start: dt.time | None, end: dt.time | None) -> str:
    """A session's wall-clock times as the organizer typed them: "08:30-09:15" (with
    an en dash)."""
    first = f"{start:%H:%M}" if start else ""
    last = f"{end:%H:%M}" if end else ""
    if first and last:
        return f"{first}\N{EN DASH}{last}"
    return first or (f"until {last}" if last else "")


# --- issuing ---------------------------------------------------------------------------------


async def issue_certificates(
    uow: UnitOfWork, *, event: Event, transcript: Transcript, at: dt.datetime | None = None
) -> list[Certificate]:
    """The attendee's current certificates for what ``transcript`` shows: a combined one for
    the event when its total is above zero, and one per session with credits above zero.

    Only lines with credits above zero are certified. A current certificate that already
    certifies exactly the same holder name and lines is kept (same number, nothing written);
    any other current certificate of the attendee for that session (or for the event) is
    marked superseded at ``at`` (default: now) and a new one is added with a new number. A
    certificate of a session that no longer earns credits is superseded without a successor.
    Returns the combined certificate first, then the sessions' in the transcript's order.
    Flushes; three queries plus one per batch of new numbers.
    """
    at = at or utcnow()
    earned = [line for line in transcript.lines if line.credits > 0]
    by_session: dict[str, list[TranscriptLine]] = {}
    for line in earned:
        by_session.setdefault(line.session_public_id, []).append(line)
    session_ids = await _session_ids(uow, event=event, public_ids=by_session.keys())

    wanted: dict[int | None, list[dict[str, Any]]] = {}
    if sum((line.credits for line in earned), Decimal(0)) > 0:
        wanted[None] = [_stored_line(line) for line in earned]
    for public_id, session_lines in by_session.items():
        wanted[session_ids[public_id]] = [_stored_line(line) for line in session_lines]

    current = await _current_certificates(uow, event=event, attendee_id=transcript.attendee_id)
    kept: dict[int | None, Certificate] = {}
    for certificate in current:
        lines = wanted.get(certificate.session_id)
        if (
            lines is not None
            and certificate.session_id not in kept
            and certificate.holder_name == transcript.attendee_name
            and certificate.lines == lines
        ):
            kept[certificate.session_id] = certificate
        else:
            certificate.superseded_at = at

    missing = [key for key in wanted if key not in kept]
    numbers = await _new_numbers(uow, len(missing))
    for key, number in zip(missing, numbers, strict=True):
        lines = wanted[key]
        certificate = Certificate(
            number=number,
            event_id=event.id,
            attendee_id=transcript.attendee_id,
            session_id=key,
            holder_name=transcript.attendee_name,
            total_credits=sum((Decimal(line["credits"]) for line in lines), Decimal(0)),
            lines=lines,
            issued_at=at,
        )
        uow.session.add(certificate)
        kept[key] = certificate
    await uow.session.flush()
    return [kept[key] for key in wanted]


def _stored_line(line: TranscriptLine) -> dict[str, Any]:
    return {
        "session": line.session_name,
        "date": line.date.isoformat() if line.date else None,
        "start": f"{line.start_time:%H:%M}" if line.start_time else None,
        "end": f"{line.end_time:%H:%M}" if line.end_time else None,
        "field_of_study": line.field_of_study,
        "credits": credits_text(line.credits),
    }


async def _session_ids(
    uow: UnitOfWork, *, event: Event, public_ids: Iterable[str]
) -> dict[str, int]:
    wanted = sorted(set(public_ids))
    if not wanted:
        return {}
    rows = await uow.session.execute(
        select(EventSession.public_id, EventSession.id).where(
            EventSession.event_id == event.id, EventSession.public_id.in_(wanted)
        )
    )
    found = {public_id: session_id for public_id, session_id in rows}
    unknown = [public_id for public_id in wanted if public_id not in found]
    if unknown:
        raise ValueError(f"the transcript names sessions not of this event: {unknown}")
    return found


async def _current_certificates(
    uow: UnitOfWork, *, event: Event, attendee_id: int
) -> Sequence[Certificate]:
    rows = await uow.session.scalars(
        select(Certificate)
        .where(
            Certificate.event_id == event.id,
            Certificate.attendee_id == attendee_id,
            Certificate.superseded_at.is_(None),
        )
        .order_by(Certificate.issued_at.desc(), Certificate.id.desc())
    )
    return rows.all()


async def _new_numbers(uow: UnitOfWork, count: int) -> list[str]:
    """``count`` numbers no certificate has; a clash (one in 10^18) draws again."""
    numbers: list[str] = []
    for _attempt in range(_NUMBER_ATTEMPTS):
        if len(numbers) == count:
            break
        candidates = {new_certificate_number() for _ in range(count - len(numbers))}
        candidates -= set(numbers)
        taken = set(
            await uow.session.scalars(
                select(Certificate.number).where(Certificate.number.in_(candidates))
            )
        )
        numbers.extend(sorted(candidates - taken))
    if len(numbers) != count:
        raise RuntimeError(f"no free certificate number after {_NUMBER_ATTEMPTS} attempts")
    return numbers


# --- reading ---------------------------------------------------------------------------------


async def find_certificate(uow: UnitOfWork, *, number: str) -> CertificateView | None:
    """The certificate with ``number`` as a person typed it (see
    :func:`normalize_certificate_number`), with its event; None when there is none."""
    normalized = normalize_certificate_number(number)
    if normalized is None:
        return None
    row = (
        await uow.session.execute(
            select(Certificate, Event)
            .join(Event, Event.id == Certificate.event_id)
            .where(Certificate.number == normalized)
        )
    ).first()
    if row is None:
        return None
    certificate, event = row
    return certificate_view(certificate, event=event)


def certificate_view(certificate: Certificate, *, event: Event) -> CertificateView:
    """What ``certificate`` (of ``event``) says, read from what it kept when issued."""
    lines = tuple(_certified_line(line) for line in certificate.lines)
    zone = ZoneInfo(event.timezone) if event.timezone else dt.UTC
    session = None
    if certificate.session_id is not None and lines:
        first = lines[0]
        session = CertifiedSession(
            name=first.session,
            date=first.date,
            start_time=first.start_time,
            end_time=first.end_time,
        )
    return CertificateView(
        number=certificate.number,
        holder_name=certificate.holder_name,
        event_name=event.name,
        organizer=event.organizer,
        start_date=event.start_date,
        end_date=event.end_date,
        session=session,
        lines=lines,
        totals=_totals(lines),
        total=certificate.total_credits,
        issued_at=certificate.issued_at,
        issued_on=_local_day(certificate.issued_at, zone),
        superseded_at=certificate.superseded_at,
        superseded_on=(
            _local_day(certificate.superseded_at, zone) if certificate.superseded_at else None
        ),
    )


def _certified_line(stored: Mapping[str, Any]) -> CertifiedLine:
    def _time(value: Any) -> dt.time | None:
        return dt.time.fromisoformat(value) if value else None

    return CertifiedLine(
        session=str(stored["session"]),
        date=dt.date.fromisoformat(stored["date"]) if stored.get("date") else None,
        start_time=_time(stored.get("start")),
        end_time=_time(stored.get("end")),
        field_of_study=str(stored["field_of_study"]),
        credits=Decimal(str(stored["credits"])),
    )


def _totals(lines: Iterable[CertifiedLine]) -> tuple[tuple[str, Decimal], ...]:
    """Credits per field of study, in first-seen order."""
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.field_of_study] = totals.get(line.field_of_study, Decimal(0)) + line.credits
    return tuple(totals.items())


def _local_day(instant: dt.datetime, zone: dt.tzinfo) -> dt.date:
    # SQLite gives instants back without their zone; they are stored in UTC
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=dt.UTC)
    return instant.astimezone(zone).date()
