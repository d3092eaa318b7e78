"""Transcripts: an attendee's credits at an event, decided now from the data and the rules,
with an administrator's adjustments beside the computed values."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import Select, func, select

from podium.credits.engine import decide_credits, missing_for
from podium.credits.ledger import CHUNK, SessionCatalog, load_records
from podium.credits.types import Transcript, TranscriptLine
from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import Attendee, Checkin, CreditAdjustment, Event


async def attendee_transcript(uow: UnitOfWork, *, event: Event, attendee: Attendee) -> Transcript:
    """``attendee``'s transcript of ``event``: a line per session and field of study of every
    record they ever checked in to. Reads only, a fixed number of queries."""
    facts = _EventFacts.of(event)
    people = [(attendee.id, _name(attendee.first_name, attendee.last_name), attendee.email)]

    def read(work: Work) -> list[Transcript]:
        return _transcripts(work, facts, people)

    return (await uow.run(read))[0]


async def event_transcripts(
    uow: UnitOfWork, *, event: Event, attendee_email: str | None = None
) -> AsyncIterator[Transcript]:
    """The transcript of every attendee of ``event`` with a record ever checked in (only those
    with ``attendee_email``, case-insensitive, when given), by name; read a chunk of attendees
    at a time."""
    facts = _EventFacts.of(event)
    people = [
        (row.id, _name(row.first_name, row.last_name), row.email)
        for row in await uow.session.execute(
            _attendees_query(event, attendee_email).add_columns(
                Attendee.first_name, Attendee.last_name, Attendee.email
            )
        )
    ]
    for start in range(0, len(people), CHUNK):
        chunk = people[start : start + CHUNK]

        def read(
            work: Work, chunk: Sequence[tuple[int, str, str | None]] = chunk
        ) -> list[Transcript]:
            return _transcripts(work, facts, chunk)

        for transcript in await uow.run(read):
            yield transcript


async def count_attendees_with_records(
    uow: UnitOfWork, *, event: Event, attendee_email: str | None = None
) -> int:
    """How many transcripts :func:`event_transcripts` yields."""
    query = _attendees_query(event, attendee_email).subquery()
    return int(await uow.session.scalar(select(func.count()).select_from(query)) or 0)


@dataclass(frozen=True, kw_only=True)
class _EventFacts:
    """What a transcript shows of its event (read before a job runs: no ORM in jobs)."""

    id: int
    name: str
    uri: str
    organizer: str | None
    start_date: date | None
    end_date: date | None

    @classmethod
    def of(cls, event: Event) -> _EventFacts:
        return cls(
            id=event.id,
            name=event.name,
            uri=event.uri,
            organizer=event.organizer,
            start_date=event.start_date,
            end_date=event.end_date,
        )


def _attendees_query(event: Event, email: str | None) -> Select[int]:
    query = (
        select(Attendee.id)
        .where(
            Attendee.event_id == event.id,
            select(Checkin.id)
            .where(Checkin.attendee_id == Attendee.id, Checkin.checkin_time_actual.is_not(None))
            .exists(),
        )
        .order_by(Attendee.last_name, Attendee.first_name, Attendee.id)
    )
    if email is not None:
        query = query.where(Attendee.email_key == email.strip().casefold())
    return query


def _transcripts(
    work: Work, event: _EventFacts, people: Sequence[tuple[int, str, str | None]]
) -> list[Transcript]:
    sessions = SessionCatalog(work, event_id=event.id)
    everyone = load_records(work, sessions=sessions, attendee_ids=[p[0] for p in people])
    record_ids = [record.checkin_id for attendee in everyone for record in attendee.records]
    adjusted: dict[tuple[int, int], Decimal] = {}
    if record_ids:
        adjusted = {
            (checkin_id, field_id): credits
            for checkin_id, field_id, credits in work.connection.execute(
                select(
                    CreditAdjustment.checkin_id,
                    CreditAdjustment.field_of_study_id,
                    CreditAdjustment.credits,
                ).where(CreditAdjustment.checkin_id.in_(record_ids))
            )
        }
    transcripts = []
    for (attendee_id, name, email), attendee in zip(people, everyone, strict=True):
        records = {record.checkin_id: record for record in attendee.records}
        lines = []
        totals: dict[str, Decimal] = {}
        for decision in decide_credits(attendee.records):
            session = records[decision.checkin_id].session
            field = next(f for f in session.fields if f.id == decision.field_of_study_id)
            public_id, day, start, end = sessions.shown[session.id]
            adjustment = adjusted.get((decision.checkin_id, decision.field_of_study_id))
            credits = adjustment if adjustment is not None else decision.credits
            checked_in = decision.checkin_id in attendee.checked_in
            lines.append(
                TranscriptLine(
                    session_public_id=public_id,
                    session_name=session.name,
                    date=day,
                    start_time=start,
                    end_time=end,
                    field_of_study=field.name,
                    possible=decision.possible,
                    computed=decision.credits,
                    adjusted=adjustment,
                    credits=credits,
                    outcome=decision.outcome,
                    minutes_attended=decision.seconds_attended // 60,
                    missing=()
                    if adjustment is not None
                    else missing_for(decision, checked_in=checked_in),
                    reasons=decision.reasons,
                    still_checked_in=checked_in,
                )
            )
            totals[field.name] = totals.get(field.name, Decimal(0)) + credits
        transcripts.append(
            Transcript(
                event_name=event.name,
                event_uri=event.uri,
                organizer=event.organizer,
                start_date=event.start_date,
                end_date=event.end_date,
                attendee_id=attendee_id,
                attendee_name=name,
                attendee_email=email,
                lines=tuple(lines),
                totals=tuple(totals.items()),
            )
        )
    return transcripts


def _name(first: str, last: str) -> str:
    return " ".join(part for part in (first.strip(), last.strip()) if part)
