"""The event's schedule as plain read models, and the stamp that tells when it changed.

The stamp is the event's sessions' ids and ``updated_at`` (one aggregate query);
:mod:`podium.program._stamp` makes every write that changes the schedule move it.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession
from podium.program import repository


@dataclass(frozen=True, slots=True)
class ScheduledPresenter:
    public_id: str
    external_id: str | None
    name: str


@dataclass(frozen=True, slots=True)
class ScheduledField:
    name: str
    credits: Decimal


@dataclass(frozen=True, slots=True)
class ScheduledSession:
    """A session as the schedule shows it, with its room's name, presenters and fields."""

    presenters: tuple[ScheduledPresenter, ...]
    fields_of_study: tuple[ScheduledField, ...]
    id: int
    public_id: str
    external_id: str | None
    name: str
    location: str | None
    description: str | None
    date: date | None
    start_time: time | None
    end_time: time | None
    access_code: str | None
    moderator_password: str | None
    checkin_code: str | None
    checkin_required: bool
    checkout_code: str | None
    checkout_required: bool
    delivery_format: str | None
    learning_objectives: list[str] | None


def as_scheduled(session: EventSession) -> ScheduledSession:
    """``session``, loaded with its room, presenters and fields of study, as the schedule shows
    it (one shape for one session and for the whole schedule)."""
    return ScheduledSession(
        presenters=tuple(
            ScheduledPresenter(presenter.public_id, presenter.external_id, presenter.name)
            for presenter in (link.presenter for link in session.presenter_links)
        ),
        fields_of_study=tuple(
            ScheduledField(field.name, field.credits) for field in session.fields_of_study
        ),
        id=session.id,
        public_id=session.public_id,
        external_id=session.external_id,
        name=session.name,
        location=session.room.name if session.room is not None else None,
        description=session.description,
        date=session.date,
        start_time=session.start_time,
        end_time=session.end_time,
        access_code=session.access_code,
        moderator_password=session.moderator_password,
        checkin_code=session.checkin_code,
        checkin_required=session.checkin_required,
        checkout_code=session.checkout_code,
        checkout_required=session.checkout_required,
        delivery_format=session.delivery_format,
        learning_objectives=session.learning_objectives,
    )


async def schedule_version(uow: UnitOfWork, *, event: Event) -> str:
    """A short digest that changes whenever anything :func:`load_schedule` returns for
    ``event`` changes. One query."""
    count, stamps = await repository.schedule_stamp(uow, event=event)
    return hashlib.blake2b(f"{count}|{stamps}".encode(), digest_size=16).hexdigest()


async def load_schedule(uow: UnitOfWork, *, event: Event) -> list[ScheduledSession]:
    """Every session of ``event`` in schedule order (as
    :func:`podium.program.service.list_sessions`), read as plain rows: three queries whatever
    the number of sessions."""
    presenters: defaultdict[int, list[ScheduledPresenter]] = defaultdict(list)
    for session_id, public_id, external_id, name in await repository.schedule_presenter_rows(
        uow, event=event
    ):
        presenters[session_id].append(ScheduledPresenter(public_id, external_id, name))
    fields: defaultdict[int, list[ScheduledField]] = defaultdict(list)
    for session_id, name, credits in await repository.schedule_field_rows(uow, event=event):
        fields[session_id].append(ScheduledField(name, credits))
    sessions = [
        ScheduledSession(tuple(presenters.get(row[0], ())), tuple(fields.get(row[0], ())), *row)
        for row in await repository.schedule_session_rows(uow, event=event)
    ]
    return sorted(sessions, key=_schedule_order)


def _schedule_order(session: ScheduledSession) -> tuple[object, ...]:
    # the order of repository.list_sessions
    return (
        session.date is None,
        session.date or date.min,
        session.start_time is None,
        session.start_time or time.min,
        session.name.casefold(),
        session.id,
    )
