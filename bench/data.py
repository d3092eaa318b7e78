"""Data generators: what each scenario needs, written straight into the database before the
servers start (services for the few rows that matter, SQLAlchemy Core in bulk for the many)."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from itsdangerous import Signer, URLSafeSerializer
from sqlalchemy import func, insert, select, update

from bench.servers import SECRET_KEY
from podium.enums import PollType
from podium.events.service import create_event
from podium.integrations.service import create_api_key
from podium.kit import ids
from podium.kit.db import Database, create_database
from podium.live.service import create_poll, open_poll, set_poll_results_visible
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    EventSession,
    Presenter,
    SessionPresenter,
    Vote,
)

BATCH = 2000


@dataclass(frozen=True)
class EventData:
    event_id: int
    uri: str
    session_id: int
    session_public_id: str
    api_key: str


async def make_event(db: Database, *, uri: str = "bench") -> EventData:
    """An event with one session and an API key."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri=uri, name="Benchmark Conference")
        session = EventSession(
            event_id=event.id,
            public_id=ids.session_id(),
            name="Keynote",
            date=date(2026, 6, 1),
            start_time=time(9, 0),
            end_time=time(10, 0),
        )
        uow.session.add(session)
        await uow.session.flush()
        key = await create_api_key(uow, event=event, description="bench")
    return EventData(event.id, event.uri, session.id, session.public_id, key.key)


async def make_attendees(db: Database, *, event_id: int, count: int, tag: str) -> list[int]:
    """``count`` new attendees of the event; their ids in order."""
    now = datetime.now(UTC)
    async with db.unit_of_work() as uow:
        for start in range(0, count, BATCH):
            rows = [
                {
                    "event_id": event_id,
                    "first_name": f"First{n}",
                    "last_name": f"Last{tag}{n:06d}",
                    "email": f"{tag}-{n}@example.com",
                    "email_key": f"{tag}-{n}@example.com",
                    "external_id": f"{tag}-{n}",
                    "external_id_key": f"{tag}-{n}",
                    "created_at": now,
                }
                for n in range(start, min(count, start + BATCH))
            ]
            await uow.session.execute(insert(Attendee), rows)
        found = await uow.session.execute(
            select(Attendee.id)
            .where(Attendee.event_id == event_id, Attendee.external_id.like(f"{tag}-%"))
            .order_by(Attendee.id)
        )
        return list(found.scalars())


async def make_checkins(db: Database, *, session_id: int, attendee_ids: list[int]) -> None:
    """A checked-in record (and its history entry) for each attendee."""
    start = datetime(2026, 6, 1, 13, 0, tzinfo=UTC)
    async with db.unit_of_work() as uow:
        for offset in range(0, len(attendee_ids), BATCH):
            chunk = attendee_ids[offset : offset + BATCH]
            rows = [
                {
                    "session_id": session_id,
                    "attendee_id": attendee_id,
                    "preloaded": False,
                    "checked_in": True,
                    "checkin_time": start + timedelta(seconds=offset + n),
                    "checkin_time_actual": start + timedelta(seconds=offset + n),
                    "checkin_source": "web",
                    "created_at": start,
                }
                for n, attendee_id in enumerate(chunk)
            ]
            await uow.session.execute(insert(Checkin), rows)
        records = await uow.session.execute(
            select(Checkin.id, Checkin.checkin_time).where(Checkin.session_id == session_id)
        )
        history = [
            {"checkin_id": cid, "action": "checkin", "at": at, "source": "web"}
            for cid, at in records
        ]
        for offset in range(0, len(history), BATCH):
            await uow.session.execute(insert(CheckinHistoryEntry), history[offset : offset + BATCH])


async def make_schedule(
    db: Database, *, event_id: int, sessions: int, presenters: int, rooms: int = 20
) -> None:
    """``sessions`` more sessions over three days and ``rooms`` rooms, ``presenters``
    presenters; presenter i presents session i mod ``sessions`` (so some sessions have two)."""
    from podium.models import Room

    now = datetime.now(UTC)
    async with db.unit_of_work() as uow:
        await uow.session.execute(
            insert(Room), [{"event_id": event_id, "name": f"Room {n}"} for n in range(rooms)]
        )
        room_ids = list(
            (await uow.session.execute(select(Room.id).where(Room.event_id == event_id))).scalars()
        )
        session_rows = [
            {
                "event_id": event_id,
                "public_id": ids.session_id(),
                "external_id": f"s-{n}",
                "name": f"Session {n}: what we learned running conferences at scale",
                "description": "A talk about events. " * 10,
                "room_id": room_ids[n % len(room_ids)],
                "date": date(2026, 6, 1) + timedelta(days=n % 3),
                "start_time": time(8 + (n // len(room_ids)) % 10, 0),
                "end_time": time(8 + (n // len(room_ids)) % 10, 45),
                "checkin_required": False,
                "checkout_required": False,
                "questions_moderated": False,
                "created_at": now,
                "updated_at": now,
            }
            for n in range(sessions)
        ]
        await uow.session.execute(insert(EventSession), session_rows)
        presenter_rows = [
            {
                "event_id": event_id,
                "public_id": ids.presenter_id(),
                "external_id": f"p-{n}",
                "name": f"Presenter {n}",
                "name_key": f"presenter {n}",
                "created_at": now,
            }
            for n in range(presenters)
        ]
        for offset in range(0, len(presenter_rows), BATCH):
            await uow.session.execute(insert(Presenter), presenter_rows[offset : offset + BATCH])
        session_ids = list(
            (
                await uow.session.execute(
                    select(EventSession.id)
                    .where(EventSession.external_id.like("s-%"), EventSession.event_id == event_id)
                    .order_by(EventSession.id)
                )
            ).scalars()
        )
        presenter_ids = list(
            (
                await uow.session.execute(
                    select(Presenter.id)
                    .where(Presenter.event_id == event_id)
                    .order_by(Presenter.id)
                )
            ).scalars()
        )
        links = [
            {
                "session_id": session_ids[n % len(session_ids)],
                "presenter_id": presenter_id,
                "position": n // len(session_ids),
            }
            for n, presenter_id in enumerate(presenter_ids)
        ]
        for offset in range(0, len(links), BATCH):
            await uow.session.execute(insert(SessionPresenter), links[offset : offset + BATCH])


async def make_poll(db: Database, *, session_id: int) -> str:
    """An open two-choice poll of the session with its results shown; its public id."""
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, session_id)
        assert session is not None
        poll = await create_poll(
            uow, session=session, name="Pick one", type=PollType.MULTIPLE_CHOICE, choices=["A", "B"]
        )
        await open_poll(uow, poll=poll)
        await set_poll_results_visible(uow, poll=poll, visible=True)
    return poll.public_id


async def count_votes(db: Database, *, poll_public_id: str) -> int:
    from podium.models import Poll

    async with db.unit_of_work(write=False) as uow:
        found = await uow.session.execute(
            select(func.count(Vote.id))
            .join(Poll, Poll.id == Vote.poll_id)
            .where(Poll.public_id == poll_public_id)
        )
        return int(found.scalar_one())


async def touch_a_checkin(db: Database, *, session_id: int, note: str) -> None:
    """Change the admin note of the session's first record (plain SQL: what an integration's
    write or an administrator's edit does to the list)."""
    async with db.unit_of_work() as uow:
        first = select(func.min(Checkin.id)).where(Checkin.session_id == session_id)
        await uow.session.execute(
            update(Checkin).where(Checkin.id == first.scalar_subquery()).values(admin_note=note)
        )


async def count_checked_in(db: Database, *, session_id: int) -> int:
    async with db.unit_of_work(write=False) as uow:
        found = await uow.session.execute(
            select(func.count(Checkin.id)).where(
                Checkin.session_id == session_id, Checkin.checked_in.is_(True)
            )
        )
        return int(found.scalar_one())


def open_database(url: str) -> Database:
    return create_database(url)


# --- what a browser sends ------------------------------------------------------------------

CSRF_VALUE = secrets.token_urlsafe(24)


def csrf_token() -> str:
    return Signer(SECRET_KEY, salt="podium.csrf").sign(CSRF_VALUE).decode()


def attendee_cookie(*, attendee_id: int, event_id: int) -> str:
    """The Cookie header of a browser that joined the event as ``attendee_id``."""
    serializer = URLSafeSerializer(SECRET_KEY, salt="podium.podium_attendee")
    signed = serializer.dumps({"a": attendee_id, "e": event_id})
    return f"podium_csrf={CSRF_VALUE}; podium_attendee={signed}"
