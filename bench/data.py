"""Data generators: what each scenario needs, written straight into the database before the
servers start (services for the few rows that matter, SQLAlchemy Core in bulk for the many)."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, cast

from itsdangerous import Signer, URLSafeSerializer
from sqlalchemy import Table, func, insert, select, text, update

from bench.servers import SECRET_KEY
from podium.enums import PollType
from podium.events.service import create_event
from podium.integrations.service import create_api_key
from podium.kit import ids
from podium.kit.db import Database
from podium.live.service import (
    close_poll,
    create_poll,
    get_poll,
    open_poll,
    set_poll_results_visible,
)
from podium.models import (
    Attendee,
    Base,
    Checkin,
    CheckinHistoryEntry,
    Codeword,
    CodewordSubmission,
    EventCreditRules,
    EventSession,
    FieldOfStudy,
    Presenter,
    SessionCreditRules,
    SessionPresenter,
    Vote,
)
from podium.program.window import session_window
from podium.reactions import open_database as open_podium_database

BATCH = 2000


def _table(model: type[Base]) -> Table:
    """A model's table, for Core's executemany INSERTs (no ORM bulk machinery)."""
    return cast(Table, model.__table__)


@dataclass(frozen=True)
class EventData:
    event_id: int
    uri: str
    session_id: int
    session_public_id: str
    api_key: str


async def make_event(db: Database, *, uri: str = "bench", live: bool = False) -> EventData:
    """An event with one session and an API key. The session is on 2026-06-01, or with
    ``live`` running now (started ten minutes ago, ending in two hours or at midnight, UTC:
    the worker's session-end check-out leaves its check-ins alone)."""
    day, start, end = date(2026, 6, 1), time(9, 0), time(10, 0)
    if live:
        now = datetime.now(UTC).replace(tzinfo=None)
        day = now.date()
        began, ends = now - timedelta(minutes=10), now + timedelta(hours=2)
        start = began.time() if began.date() == day else time(0, 0)
        end = ends.time() if ends.date() == day else time(23, 59, 59)
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri=uri, name="Benchmark Conference")
        session = EventSession(
            event_id=event.id,
            public_id=ids.session_id(),
            name="Keynote",
            date=day,
            start_time=start.replace(microsecond=0),
            end_time=end.replace(microsecond=0),
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


async def make_poll(db: Database, *, session_id: int, opened: bool = True) -> str:
    """A two-choice poll of the session with its results shown, open unless ``opened`` is
    false (a draft, for :func:`move_poll`); its public id."""
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, session_id)
        assert session is not None
        poll = await create_poll(
            uow, session=session, name="Pick one", type=PollType.MULTIPLE_CHOICE, choices=["A", "B"]
        )
        if opened:
            await open_poll(uow, poll=poll)
        await set_poll_results_visible(uow, poll=poll, visible=True)
    return poll.public_id


async def move_poll(db: Database, *, session_id: int, poll_public_id: str, opened: bool) -> None:
    """Open the poll, or close it, as its presenter does between two questions to the room."""
    async with db.unit_of_work() as uow:
        session = await uow.session.get(EventSession, session_id)
        assert session is not None
        poll = await get_poll(uow, session=session, public_id=poll_public_id)
        await (open_poll if opened else close_poll)(uow, poll=poll)


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


async def count_questions(db: Database, *, session_id: int) -> int:
    from podium.models import Question

    async with db.unit_of_work(write=False) as uow:
        found = await uow.session.execute(
            select(func.count(Question.id)).where(Question.session_id == session_id)
        )
        return int(found.scalar_one())


# autovacuum_analyze_threshold: fewer changed rows than this and autovacuum leaves a table be
_ANALYZED_FROM = 50


async def analyze(db: Database) -> None:
    """Give PostgreSQL's planner the statistics autovacuum gathers within a minute or so of a
    bulk load, so that a scenario measures the database as it runs, not its first minute.

    A table PostgreSQL has never analyzed is planned blind: ``attendees.id = ? AND event_id
    = ?`` then walks the (event_id, email) index through every attendee of the event instead
    of taking the primary key (2,000 rows per check-in for an event of 2,000; seen with
    EXPLAIN ANALYZE). Only the tables with at least autovacuum's 50 rows are analyzed, as
    autovacuum would: one analyzed while empty (``checkins`` before the rush) is planned as
    empty, and the plans that PL/pgSQL and the driver keep per connection then scan it whole
    as it fills (measured: a check-in's statements 0.3-0.4 ms each instead of 0.01-0.05).
    SQLite: nothing to do (it takes the rowid)."""
    if db.write_engine.dialect.name != "postgresql":
        return
    async with db.unit_of_work() as uow:
        tables = (
            await uow.session.execute(
                text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            )
        ).scalars()
        for table in list(tables):
            filled = await uow.session.execute(
                text(f'SELECT 1 FROM "{table}" OFFSET {_ANALYZED_FROM - 1} LIMIT 1')
            )
            if filled.first() is not None:
                await uow.session.execute(text(f'ANALYZE "{table}"'))


def open_database(url: str) -> Database:
    return open_podium_database(url)


# --- what a browser sends ------------------------------------------------------------------

CSRF_VALUE = secrets.token_urlsafe(24)


def csrf_token() -> str:
    return Signer(SECRET_KEY, salt="podium.csrf").sign(CSRF_VALUE).decode()


def attendee_cookie(*, attendee_id: int, event_id: int) -> str:
    """The Cookie header of a browser that joined the event as ``attendee_id``."""
    serializer = URLSafeSerializer(SECRET_KEY, salt="podium.podium_attendee")
    signed = serializer.dumps({"a": attendee_id, "e": event_id})
    return f"podium_csrf={CSRF_VALUE}; podium_attendee={signed}"


# --- credits: a generated event to recompute -----------------------------------------------

CREDITS_TIMEZONE = "America/Chicago"
CREDITS_DAYS = 3
CREDITS_TRACKS = 3
_FIELD_NAMES = ("Accounting", "Auditing", "Taxes", "Ethics", "Finance", "Management")
# the event's rules (what `podium credits rules` would set) and a few sessions' own
CREDITS_EVENT_RULES: dict[str, Any] = {
    "minutes_per_credit": 50,
    "partial_credit_step": Decimal("0.2"),
    "codeword_rule": "count",
    "codeword_minimum": Decimal(2),
    "evaluation_rule": "for_credit",
    "late_checkin_minutes": 10,
    "early_checkout_minutes": 5,
}
_SESSION_OVERRIDES: tuple[dict[str, Any], ...] = (
    {"minutes_per_credit": 60, "codeword_rule": "none"},
    {"evaluation_rule": "none"},
    {"partial_credit_step": Decimal(0)},
)


@dataclass(frozen=True)
class CreditsEvent:
    """What ``make_credits_event`` wrote: the event and how many rows of each kind."""

    event_id: int
    sessions: int
    fields_of_study: int
    codewords: int
    attendees: int
    records: int
    history_entries: int
    submissions: int


@dataclass(frozen=True)
class _PlannedSession:
    day: date
    start: time
    end: time
    starts_at: datetime
    ends_at: datetime
    slot: tuple[int, int]  # (day, slot of the day): the sessions that run side by side


def _plan_sessions(count: int, rng: random.Random) -> list[_PlannedSession]:
    """``count`` sessions over three days in three tracks; a track's slot starts every 75
    minutes, 10 minutes after the track before it, and lasts 50 to 75 minutes, so sessions of
    neighbouring slots and tracks overlap a little."""
    per_day = -(-count // CREDITS_DAYS)
    planned = []
    for n in range(count):
        day_index, within = divmod(n, per_day)
        slot, track = divmod(within, CREDITS_TRACKS)
        first = (8 * 60 + slot * 75 + track * 10) % (20 * 60)  # minutes after midnight
        last = first + rng.choice((50, 60, 60, 75))
        day = date(2026, 6, 1) + timedelta(days=day_index)
        start, end = time(first // 60, first % 60), time(last // 60, last % 60)
        starts_at, ends_at = session_window(day, start, end, CREDITS_TIMEZONE)
        assert starts_at is not None and ends_at is not None
        planned.append(_PlannedSession(day, start, end, starts_at, ends_at, (day_index, slot)))
    return planned


def _choose_sessions(planned: list[_PlannedSession], wanted: int, rng: random.Random) -> list[int]:
    """The sessions one attendee has a record of: one track in each of ``wanted`` slots while
    there are slots (then any others), and one attendee in ten also walks into a session
    running beside one of theirs (an overlap)."""
    slots: dict[tuple[int, int], list[int]] = {}
    for n, session in enumerate(planned):
        slots.setdefault(session.slot, []).append(n)
    order = rng.sample(sorted(slots), len(slots))
    chosen = [rng.choice(slots[slot]) for slot in order[:wanted]]
    if len(chosen) < wanted:
        others = [n for n in range(len(planned)) if n not in set(chosen)]
        chosen += rng.sample(others, wanted - len(chosen))
    if len(chosen) > 1 and rng.random() < 0.1:
        beside = [n for n in slots[planned[chosen[0]].slot] if n not in chosen]
        if beside:
            chosen[-1] = rng.choice(beside)
    return chosen


def _plan_stays(
    session: _PlannedSession, rng: random.Random, *, still_in: bool
) -> list[tuple[datetime, datetime | None]]:
    """One to three stays around the session's hours: the first arrival up to 15 minutes
    early or 20 late, the last departure up to 25 minutes early or 15 late, gaps between
    stays; one record in ten also has a stay outside the hours (before or after)."""
    arrive = session.starts_at + timedelta(seconds=rng.randint(-15 * 60, 20 * 60))
    leave = session.ends_at + timedelta(seconds=rng.randint(-25 * 60, 15 * 60))
    count = rng.choice((1, 1, 1, 2, 2, 3))
    span = int((leave - arrive).total_seconds())
    cuts = sorted(rng.sample(range(1, span), 2 * (count - 1))) if span > 4 * count else []
    points = [arrive, *(arrive + timedelta(seconds=s) for s in cuts), leave]
    stays: list[tuple[datetime, datetime | None]] = [
        (points[i], points[i + 1]) for i in range(0, len(points) - 1, 2)
    ]
    if rng.random() < 0.1:
        if rng.random() < 0.5:
            early = session.starts_at - timedelta(minutes=rng.randint(30, 45))
            stays.insert(0, (early, early + timedelta(minutes=rng.randint(5, 15))))
        else:
            late = session.ends_at + timedelta(minutes=rng.randint(20, 30))
            stays.append((late, late + timedelta(minutes=rng.randint(5, 15))))
    if still_in:
        stays[-1] = (stays[-1][0], None)
    return stays


async def make_credits_event(
    db: Database,
    *,
    attendees: int,
    sessions: int,
    records_per_attendee: int,
    seed: int = 5,
) -> CreditsEvent:
    """An event in Chicago with ``sessions`` sessions (1 to 3 fields of study each, 1 to 3
    credits, 0 to 4 codewords), its credit rules and a few sessions' own, and ``attendees``
    attendees, each with a record in ``records_per_attendee`` sessions: their stays (check-in
    and check-out history), valid codewords entered (and a few wrong words) and, for most, the
    evaluation. Deterministic for a ``seed``. No awards: those are the benchmark's."""
    rng = random.Random(seed)
    now = datetime(2026, 5, 1, tzinfo=UTC)
    planned = _plan_sessions(sessions, rng)
    async with db.unit_of_work() as uow:
        event = await create_event(
            uow, uri="credits", name="Credits Conference", timezone=CREDITS_TIMEZONE
        )
        event_id = event.id
        await uow.session.execute(
            insert(_table(EventCreditRules)),
            [{"event_id": event_id, "updated_at": now, **CREDITS_EVENT_RULES}],
        )
        await uow.session.execute(
            insert(_table(EventSession)),
            [
                {
                    "event_id": event_id,
                    "public_id": f"cr{n:05d}-{secrets.token_hex(3)}",
                    "external_id": f"credits-{n}",
                    "name": f"Session {n}: standards update",
                    "date": session.day,
                    "start_time": session.start,
                    "end_time": session.end,
                    "checkin_required": False,
                    "checkout_required": False,
                    "questions_moderated": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for n, session in enumerate(planned)
            ],
        )
        session_ids = list(
            (
                await uow.session.execute(
                    select(EventSession.id)
                    .where(EventSession.event_id == event_id)
                    .order_by(EventSession.id)
                )
            ).scalars()
        )
        overrides = [
            {"session_id": session_id, "updated_at": now, **_SESSION_OVERRIDES[n % 3]}
            for n, session_id in enumerate(session_ids[7::10])
        ]
        for override in overrides:  # executemany needs the same columns in every row
            await uow.session.execute(insert(_table(SessionCreditRules)), [override])
        field_rows = [
            {
                "session_id": session_id,
                "name": name,
                "name_key": name.casefold(),
                "credits": Decimal(rng.choice(("1", "1", "1.5", "2", "3"))),
                "position": position,
            }
            for session_id in session_ids
            for position, name in enumerate(rng.sample(_FIELD_NAMES, rng.randint(1, 3)))
        ]
        await uow.session.execute(insert(_table(FieldOfStudy)), field_rows)
        fields_by_session: dict[int, list[int]] = {}
        for field_id, session_id in await uow.session.execute(
            select(FieldOfStudy.id, FieldOfStudy.session_id)
            .where(FieldOfStudy.session_id.in_(session_ids))
            .order_by(FieldOfStudy.id)
        ):
            fields_by_session.setdefault(session_id, []).append(field_id)
        codeword_rows = [
            {
                "field_of_study_id": field_id,
                "word": f"word{field_id}x{position}",
                "word_key": f"word{field_id}x{position}",
                "position": position,
            }
            for field_ids in fields_by_session.values()
            for field_id in field_ids
            for position in range(rng.choice((0, 1, 2, 2, 3, 4)))
        ]
        if codeword_rows:
            await uow.session.execute(insert(_table(Codeword)), codeword_rows)
        codewords_of: dict[int, list[int]] = {}
        for codeword_id, field_id in await uow.session.execute(
            select(Codeword.id, Codeword.field_of_study_id)
            .join(FieldOfStudy, FieldOfStudy.id == Codeword.field_of_study_id)
            .where(FieldOfStudy.session_id.in_(session_ids))
            .order_by(Codeword.id)
        ):
            codewords_of.setdefault(field_id, []).append(codeword_id)
    people = await make_attendees(db, event_id=event_id, count=attendees, tag="cr")

    wanted = min(records_per_attendee, sessions)
    plans: dict[tuple[int, int], list[tuple[datetime, datetime | None]]] = {}
    record_rows = []
    for attendee_id in people:
        for n in _choose_sessions(planned, wanted, rng):
            session = planned[n]
            still_in = rng.random() < 0.02
            stays = _plan_stays(session, rng, still_in=still_in)
            plans[(attendee_id, session_ids[n])] = stays
            evaluated = rng.random() < 0.85
            record_rows.append(
                {
                    "session_id": session_ids[n],
                    "attendee_id": attendee_id,
                    "preloaded": False,
                    "checked_in": still_in,
                    "checkin_time": stays[0][0],
                    "checkin_time_actual": stays[0][0],
                    "checkout_time": stays[-1][1],
                    "checkout_time_actual": stays[-1][1],
                    "checkin_source": "web",
                    "checkout_source": None if still_in else "web",
                    "evaluation_completed_at": session.ends_at if evaluated else None,
                    "created_at": stays[0][0],
                }
            )
    async with db.unit_of_work() as uow:
        for offset in range(0, len(record_rows), BATCH):
            await uow.session.execute(insert(_table(Checkin)), record_rows[offset : offset + BATCH])
        record_ids = {
            (attendee_id, session_id): checkin_id
            for checkin_id, attendee_id, session_id in await uow.session.execute(
                select(Checkin.id, Checkin.attendee_id, Checkin.session_id).where(
                    Checkin.session_id.in_(session_ids)
                )
            )
        }
        history = []
        submissions = []
        by_id = dict(zip(session_ids, planned, strict=True))
        for (attendee_id, session_id), stays in plans.items():
            checkin_id = record_ids[(attendee_id, session_id)]
            for arrived, left in stays:
                history.append(
                    {"checkin_id": checkin_id, "action": "checkin", "at": arrived, "source": "web"}
                )
                if left is not None:
                    history.append(
                        {"checkin_id": checkin_id, "action": "checkout", "at": left,
                         "source": "web"}
                    )  # fmt: skip
            submissions += _plan_submissions(
                checkin_id, by_id[session_id], stays, fields_by_session[session_id], codewords_of,
                rng,
            )  # fmt: skip
        for offset in range(0, len(history), BATCH):
            await uow.session.execute(
                insert(_table(CheckinHistoryEntry)), history[offset : offset + BATCH]
            )
        for offset in range(0, len(submissions), BATCH):
            await uow.session.execute(
                insert(_table(CodewordSubmission)), submissions[offset : offset + BATCH]
            )
    return CreditsEvent(
        event_id=event_id,
        sessions=len(session_ids),
        fields_of_study=len(field_rows),
        codewords=len(codeword_rows),
        attendees=len(people),
        records=len(record_rows),
        history_entries=len(history),
        submissions=len(submissions),
    )


def _plan_submissions(
    checkin_id: int,
    session: _PlannedSession,
    stays: list[tuple[datetime, datetime | None]],
    field_ids: list[int],
    codewords_of: dict[int, list[int]],
    rng: random.Random,
) -> list[dict[str, Any]]:
    """Codewords a record's attendee entered: each of its fields' codewords with a chance of
    four in five, at a moment of one of their stays (which may be outside the session's
    hours); now and then a wrong word (no codeword)."""
    rows = []
    for field_id in field_ids:
        for codeword_id in codewords_of.get(field_id, ()):
            if rng.random() >= 0.8:
                continue
            arrived, left = rng.choice(stays)
            until = left if left is not None else session.ends_at
            seconds = max(0, int((until - arrived).total_seconds()))
            rows.append(
                {
                    "checkin_id": checkin_id,
                    "field_of_study_id": field_id,
                    "codeword_id": codeword_id,
                    "text": f"word{codeword_id}",
                    "submitted_at": arrived + timedelta(seconds=rng.randint(0, seconds)),
                }
            )
        if rng.random() < 0.05:
            rows.append(
                {
                    "checkin_id": checkin_id,
                    "field_of_study_id": field_id,
                    "codeword_id": None,
                    "text": "not the word",
                    "submitted_at": session.starts_at + timedelta(minutes=5),
                }
            )
    return rows
