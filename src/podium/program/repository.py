"""Queries of the program. Every query for event data is scoped by the caller's event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any, cast

from sqlalchemy import Row, String, Table, bindparam, exists, func, or_, select
from sqlalchemy import cast as sql_cast
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import (
    Event,
    EventSession,
    FieldOfStudy,
    Presenter,
    Room,
    SessionPresenter,
)
from podium.program import _stamp  # noqa: F401  (registers the flush hook)
from podium.program.types import (
    PageEvent,
    PageSession,
    SessionFacts,
    VisitedPage,
    VisitedSession,
)


def _details(*, with_codewords: bool = False) -> list[LoaderOption]:
    """What a session is read with: its room, presenters (in order) and fields of study.

    One query per relationship whatever the number of sessions.
    """
    fields = selectinload(EventSession.fields_of_study)
    return [
        selectinload(EventSession.room),
        selectinload(EventSession.presenter_links).selectinload(SessionPresenter.presenter),
        fields.selectinload(FieldOfStudy.codewords) if with_codewords else fields,
    ]


def _schedule_order(session: EventSession) -> tuple[object, ...]:
    # Sorted here rather than in SQL so that both databases order names the same way.
    return (
        session.date is None,
        session.date or dt.date.min,
        session.start_time is None,
        session.start_time or dt.time.min,
        session.name.casefold(),
        session.id,
    )


async def find_session(uow: UnitOfWork, *, event: Event, public_id: str) -> EventSession | None:
    """The session with ``public_id`` in ``event`` (another event's session is not found)."""
    return await uow.session.scalar(
        select(EventSession).where(
            EventSession.event_id == event.id, EventSession.public_id == public_id
        )
    )


# plain Core on the tables (see attendance/repository.py): built once, compiled once
_SESSIONS, _EVENTS = cast(Table, EventSession.__table__), cast(Table, Event.__table__)
_VISITED_SESSION = (
    select(
        _SESSIONS.c.id,
        _SESSIONS.c.public_id,
        _SESSIONS.c.event_id,
        _SESSIONS.c.checkin_code,
        _SESSIONS.c.checkout_code,
        _SESSIONS.c.delivery_format,
        _EVENTS.c.app_password,
    )
    .join(_EVENTS, _EVENTS.c.id == _SESSIONS.c.event_id)
    .where(
        _EVENTS.c.id == bindparam("event_id"),
        _EVENTS.c.uri == bindparam("event_uri"),
        _SESSIONS.c.public_id == bindparam("session_public_id"),
    )
)


def visited_session(
    work: Work, *, event_id: int, event_uri: str, session_public_id: str
) -> VisitedSession | None:
    """The session at the page address ``/e/<event_uri>/s/<session_public_id>`` of the event
    ``event_id``; None unless both are there. For group-commit jobs: one statement, made once
    per batch (kept in ``work.shared``)."""
    key = ("visited_session", event_id, event_uri, session_public_id)
    if key in work.shared:
        found: VisitedSession | None = work.shared[key]
        return found
    row = work.connection.execute(
        _VISITED_SESSION,
        {"event_id": event_id, "event_uri": event_uri, "session_public_id": session_public_id},
    ).one_or_none()
    if row is not None:
        session_id, public_id, event, checkin_code, checkout_code, delivery_format, password = row
        facts = SessionFacts(
            session_id, public_id, event, checkin_code, checkout_code, delivery_format
        )
        found = VisitedSession(facts, password)
    else:
        found = None
    work.shared[key] = found
    return found


_ROOMS, _PRESENTERS = cast(Table, Room.__table__), cast(Table, Presenter.__table__)
_LINKS = cast(Table, SessionPresenter.__table__)
# the event and session of a page's address, the session's room and its presenters in order:
# one row per presenter (one with a NULL name for a session without any)
_VISITED_PAGE = (
    select(
        _EVENTS.c.id,
        _EVENTS.c.uri,
        _EVENTS.c.name,
        _EVENTS.c.timezone,
        _EVENTS.c.app_password,
        _SESSIONS.c.id,
        _SESSIONS.c.public_id,
        _SESSIONS.c.event_id,
        _SESSIONS.c.name,
        _SESSIONS.c.description,
        _SESSIONS.c.date,
        _SESSIONS.c.start_time,
        _SESSIONS.c.end_time,
        _ROOMS.c.name,
        _SESSIONS.c.questions_moderated,
        _SESSIONS.c.checkin_code,
        _SESSIONS.c.checkout_code,
        _SESSIONS.c.delivery_format,
        _PRESENTERS.c.name,
    )
    .join(_EVENTS, _EVENTS.c.id == _SESSIONS.c.event_id)
    .outerjoin(_ROOMS, _ROOMS.c.id == _SESSIONS.c.room_id)
    .outerjoin(_LINKS, _LINKS.c.session_id == _SESSIONS.c.id)
    .outerjoin(_PRESENTERS, _PRESENTERS.c.id == _LINKS.c.presenter_id)
    .where(
        _EVENTS.c.id == bindparam("event_id"),
        _EVENTS.c.uri == bindparam("event_uri"),
        _SESSIONS.c.public_id == bindparam("session_public_id"),
    )
    .order_by(_LINKS.c.position, _PRESENTERS.c.id)
)
_EVENT_COLUMNS = 5


def visited_page(
    work: Work, *, event_id: int, event_uri: str, session_public_id: str
) -> VisitedPage | None:
    """The event ``event_id`` and its session at the page address
    ``/e/<event_uri>/s/<session_public_id>``, as the session's page shows them; None unless
    both are there. One statement, made once per read transaction (kept in ``work.shared``)."""
    key = ("visited_page", event_id, event_uri, session_public_id)
    if key in work.shared:
        found: VisitedPage | None = work.shared[key]
        return found
    rows = work.connection.execute(
        _VISITED_PAGE,
        {"event_id": event_id, "event_uri": event_uri, "session_public_id": session_public_id},
    ).all()
    found = None
    if rows:
        first = rows[0]
        names = tuple(row[-1] for row in rows if row[-1] is not None)
        found = VisitedPage(
            PageEvent(*first[:_EVENT_COLUMNS]),
            _page_session(first[_EVENT_COLUMNS:-1], names),
        )
    work.shared[key] = found
    return found


def _page_session(row: Sequence[Any], presenter_names: tuple[str, ...]) -> PageSession:
    (
        session_id,
        public_id,
        event_id,
        name,
        description,
        date,
        start_time,
        end_time,
        room_name,
        questions_moderated,
        checkin_code,
        checkout_code,
        delivery_format,
    ) = row
    return PageSession(
        id=session_id,
        public_id=public_id,
        event_id=event_id,
        name=name,
        description=description,
        date=date,
        start_time=start_time,
        end_time=end_time,
        room_name=room_name,
        presenter_names=presenter_names,
        questions_moderated=bool(questions_moderated),
        checkin_code=checkin_code,
        checkout_code=checkout_code,
        delivery_format=delivery_format,
    )


async def find_session_with_details(
    uow: UnitOfWork, *, event: Event, public_id: str, with_codewords: bool = False
) -> EventSession | None:
    """:func:`find_session` with the room, presenters and fields of study loaded."""
    return await uow.session.scalar(
        select(EventSession)
        .where(EventSession.event_id == event.id, EventSession.public_id == public_id)
        .options(*_details(with_codewords=with_codewords))
        .execution_options(populate_existing=True)
    )


async def reload_session_with_details(uow: UnitOfWork, *, session: EventSession) -> EventSession:
    """``session`` again, from the database, with its room, presenters and fields of study."""
    reloaded = await uow.session.scalar(
        select(EventSession)
        .where(EventSession.id == session.id)
        .options(*_details())
        .execution_options(populate_existing=True)
    )
    assert reloaded is not None, "a session being changed cannot vanish inside its transaction"
    return reloaded


async def list_sessions(uow: UnitOfWork, *, event: Event) -> list[EventSession]:
    """The sessions of ``event`` with their details, by date, start time, name, then creation;
    sessions without a date or a start time come after those with one."""
    sessions = list(
        await uow.session.scalars(
            select(EventSession).where(EventSession.event_id == event.id).options(*_details())
        )
    )
    return sorted(sessions, key=_schedule_order)


async def session_public_id_taken(uow: UnitOfWork, public_id: str) -> bool:
    taken = await uow.session.scalar(select(exists().where(EventSession.public_id == public_id)))
    return bool(taken)


async def rooms_of_event(uow: UnitOfWork, *, event: Event) -> list[Room]:
    return list(
        await uow.session.scalars(select(Room).where(Room.event_id == event.id).order_by(Room.id))
    )


async def find_room(uow: UnitOfWork, *, event: Event, name: str) -> Room | None:
    return await uow.session.scalar(
        select(Room).where(Room.event_id == event.id, Room.name == name)
    )


async def presenters_matching(
    uow: UnitOfWork,
    *,
    event: Event,
    public_ids: Collection[str],
    external_ids: Collection[str],
    name_keys: Collection[str],
) -> list[Presenter]:
    """The presenters of ``event`` that have one of the public ids, external ids or name keys,
    oldest first."""
    conditions = []
    if public_ids:
        conditions.append(Presenter.public_id.in_(public_ids))
    if external_ids:
        conditions.append(Presenter.external_id.in_(external_ids))
    if name_keys:
        conditions.append(Presenter.name_key.in_(name_keys))
    if not conditions:
        return []
    return list(
        await uow.session.scalars(
            select(Presenter)
            .where(Presenter.event_id == event.id, or_(*conditions))
            .order_by(Presenter.id)
        )
    )


async def find_presenter_by_external_id(
    uow: UnitOfWork, *, event: Event, external_id: str
) -> Presenter | None:
    return await uow.session.scalar(
        select(Presenter).where(
            Presenter.event_id == event.id, Presenter.external_id == external_id
        )
    )


async def find_field_of_study(
    uow: UnitOfWork, *, session: EventSession, name_key: str
) -> FieldOfStudy | None:
    """The session's field of study whose name has ``name_key``, with its codewords."""
    return await uow.session.scalar(
        select(FieldOfStudy)
        .where(FieldOfStudy.session_id == session.id, FieldOfStudy.name_key == name_key)
        .options(selectinload(FieldOfStudy.codewords))
        .execution_options(populate_existing=True)
    )


# --- the schedule feed: plain rows, no ORM objects -----------------------------------------


async def schedule_stamp(uow: UnitOfWork, *, event: Event) -> tuple[int, str]:
    """How many sessions ``event`` has and each one's id and ``updated_at``, as one string.

    One aggregate query. Every write that changes what the schedule shows moves a session's
    ``updated_at`` (see :mod:`podium.program.schedule`), so the pair changes with the schedule.
    """
    stamp = sql_cast(EventSession.id, String) + ":" + sql_cast(EventSession.updated_at, String)
    row = (
        await uow.session.execute(
            select(func.count(), func.aggregate_strings(stamp, ",")).where(
                EventSession.event_id == event.id
            )
        )
    ).one()
    return int(row[0]), str(row[1] or "")


async def schedule_session_rows(
    uow: UnitOfWork, *, event: Event
) -> Sequence[Row[*tuple[Any, ...]]]:
    """The columns of the event's sessions that the schedule shows, with the room's name."""
    result = await uow.session.execute(
        select(
            EventSession.id,
            EventSession.public_id,
            EventSession.external_id,
            EventSession.name,
            Room.name,
            EventSession.description,
            EventSession.date,
            EventSession.start_time,
            EventSession.end_time,
            EventSession.access_code,
            EventSession.moderator_password,
            EventSession.checkin_code,
            EventSession.checkin_required,
            EventSession.checkout_code,
            EventSession.checkout_required,
            EventSession.delivery_format,
            EventSession.learning_objectives,
        )
        .outerjoin(Room, Room.id == EventSession.room_id)
        .where(EventSession.event_id == event.id)
    )
    return result.all()


async def schedule_presenter_rows(
    uow: UnitOfWork, *, event: Event
) -> Sequence[Row[*tuple[Any, ...]]]:
    """(session id, public id, external id, name) of every presenter link of the event's
    sessions, by session and position."""
    result = await uow.session.execute(
        select(
            SessionPresenter.session_id, Presenter.public_id, Presenter.external_id, Presenter.name
        )
        .join(Presenter, Presenter.id == SessionPresenter.presenter_id)
        .join(EventSession, EventSession.id == SessionPresenter.session_id)
        .where(EventSession.event_id == event.id)
        .order_by(SessionPresenter.session_id, SessionPresenter.position)
    )
    return result.all()


async def schedule_field_rows(uow: UnitOfWork, *, event: Event) -> Sequence[Row[*tuple[Any, ...]]]:
    """(session id, name, credits) of every field of study of the event's sessions, by session
    and position."""
    result = await uow.session.execute(
        select(FieldOfStudy.session_id, FieldOfStudy.name, FieldOfStudy.credits)
        .join(EventSession, EventSession.id == FieldOfStudy.session_id)
        .where(EventSession.event_id == event.id)
        .order_by(FieldOfStudy.session_id, FieldOfStudy.position)
    )
    return result.all()
