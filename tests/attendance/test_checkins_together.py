"""record_checkins: a run of check-ins that arrived together (the group commit's ``together``)
writes exactly what record_checkin one after the other would — records, history, the sessions
left for an overlapping one, events — in a few statements whatever the run's size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from itertools import groupby
from typing import Any

from sqlalchemy import select

from podium.attendance.service import (
    Arriving,
    perform_checkin,
    perform_checkout,
    preload_attendees,
    record_checkin,
    record_checkins,
)
from podium.attendance.types import PreloadAttendee
from podium.domain_events import CheckedIn, CheckedOut
from podium.enums import AttendanceSource, DeliveryFormat
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import Attendee, Checkin, CheckinHistoryEntry, EventSession
from podium.program.types import SessionFacts
from tests.attendance.helpers import minutes
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


@dataclass
class World:
    """An event whose check-ins one test writes: sessions by name, attendees by name."""

    event_id: int
    sessions: dict[str, EventSession]
    attendees: dict[str, Attendee]

    def names(self) -> tuple[dict[int, str], dict[int, str]]:
        return (
            {session.id: name for name, session in self.sessions.items()},
            {attendee.id: name for name, attendee in self.attendees.items()},
        )


async def _world(uow: UnitOfWork, uri: str) -> World:
    """Sessions A (08:30-09:15), B (08:45-09:30, overlaps A), C (10:00-11:00, code "door",
    hybrid); attendees: ``b_goer`` checked in to B, ``returner`` checked in and out of A,
    ``preloaded`` preloaded into A; ``stranger`` is another event's."""
    event = await create_event(uow, uri=uri, name=uri, timezone="America/Chicago")
    other = await create_event(uow, uri=f"{uri}-other", name="Other", timezone="UTC")
    sessions = {
        "A": await make_session(uow, event, name="A"),
        "B": await make_session(uow, event, name="B", start_time=time(8, 45), end_time=time(9, 30)),
        "C": await make_session(
            uow,
            event,
            name="C",
            start_time=time(10, 0),
            end_time=time(11, 0),
            checkin_code="door",
            delivery_format=DeliveryFormat.HYBRID,
        ),
    }
    attendees = {
        name: await make_attendee(uow, event, email=f"{name}@example.com", first_name=name)
        for name in ("first", "twice", "b_goer", "returner", "coded", "wrong_code", "preloaded")
    }
    attendees["stranger"] = await make_attendee(uow, other, email="stranger@example.com")
    await perform_checkin(
        uow, session=sessions["B"], attendee=attendees["b_goer"], source=WEB, at=minutes(0)
    )
    await perform_checkin(
        uow, session=sessions["A"], attendee=attendees["returner"], source=WEB, at=minutes(1)
    )
    await perform_checkout(
        uow, session=sessions["A"], attendee=attendees["returner"], source=WEB, at=minutes(2)
    )
    await preload_attendees(
        uow,
        session=sessions["A"],
        attendees=[PreloadAttendee(email="preloaded@example.com")],
    )
    await uow.session.flush()
    return World(event.id, sessions, attendees)


def _arrivals(world: World) -> list[Arriving]:
    def to(session: str, attendee: str, n: float, **more: Any) -> Arriving:
        return Arriving(
            session=SessionFacts.of(world.sessions[session]),
            attendee_id=world.attendees[attendee].id,
            code=more.pop("code", None),
            source=WEB,
            nonce=f"{attendee}-{session}",
            at=minutes(n),
            **more,
        )

    return [
        to("A", "first", 10),
        to("A", "twice", 10.5),
        to("A", "b_goer", 11),  # leaves B, which overlaps A
        to("B", "twice", 12),  # leaves A, where the same run just checked them in
        to("A", "returner", 13),  # a record already: checked in again
        to("C", "coded", 14, code=" DOOR ", delivery_format=DeliveryFormat.VIRTUAL),
        to("A", "preloaded", 15),  # the preloaded record becomes a check-in
        to("C", "first", 16, code="door", delivery_format=DeliveryFormat.IN_PERSON),
    ]


async def _state(uow: UnitOfWork, world: World) -> dict[str, Any]:
    """The world's records and history, with names in place of ids."""
    sessions, attendees = world.names()
    records = await uow.session.execute(
        select(Checkin).where(Checkin.session_id.in_(sessions)).order_by(Checkin.id)
    )
    history = await uow.session.execute(
        select(Checkin.session_id, Checkin.attendee_id, CheckinHistoryEntry)
        .join(CheckinHistoryEntry, CheckinHistoryEntry.checkin_id == Checkin.id)
        .where(Checkin.session_id.in_(sessions))
        .order_by(CheckinHistoryEntry.id)
    )
    return {
        "records": sorted(
            (
                sessions[r.session_id],
                attendees[r.attendee_id],
                r.checked_in,
                r.preloaded,
                r.checkin_time,
                r.checkin_time_actual,
                r.checkout_time,
                r.checkin_source,
                r.checkout_source,
                r.delivery_format,
            )
            for (r,) in records
        ),
        # each record's entries in the order written (across records the order of the ids
        # says nothing: a run writes its first check-ins first)
        "history": {
            record: [entry for _record, *entry in entries]
            for record, entries in groupby(
                sorted(
                    (
                        ((sessions[s], attendees[a]), h.action, h.at, h.source, h.nonce)
                        for s, a, h in history
                    ),
                    key=lambda entry: entry[0],
                ),
                key=lambda entry: entry[0],
            )
        },
    }


def _events(world: World, events: list[list[object]]) -> list[list[tuple[Any, ...]]]:
    sessions, attendees = world.names()

    def named(event: object) -> tuple[Any, ...]:
        if isinstance(event, CheckedIn):
            return ("in", sessions[event.session_id], attendees[event.attendee_id], event.at)
        assert isinstance(event, CheckedOut)
        return (
            "out",
            event.source,
            tuple(
                (sessions[d.session_id], attendees[d.attendee_id], d.at) for d in event.departures
            ),
        )

    return [[named(event) for event in job] for job in events]


async def _write(
    uow: UnitOfWork, arriving: list[Arriving], *, together: bool
) -> tuple[list[int], list[list[object]]]:
    events: list[list[object]] = [[] for _checkin in arriving]

    def job(work: Work) -> list[int]:
        works = [Work(work.connection, events=mine) for mine in events]
        if together:
            return record_checkins(works, arriving)
        return [
            record_checkin(mine, **checkin._asdict())
            for mine, checkin in zip(works, arriving, strict=True)
        ]

    return await uow.run(job), events


async def test_a_run_written_together_writes_what_one_after_the_other_would(
    uow: UnitOfWork,
) -> None:
    alone, together = await _world(uow, "alone"), await _world(uow, "together")

    alone_ids, alone_events = await _write(uow, _arrivals(alone), together=False)
    together_ids, together_events = await _write(uow, _arrivals(together), together=True)

    assert await _state(uow, together) == await _state(uow, alone)
    assert _events(together, together_events) == _events(alone, alone_events)

    async def whose(world: World, ids: list[int]) -> list[tuple[str, str]]:
        sessions, attendees = world.names()
        rows = {
            r.id: (sessions[r.session_id], attendees[r.attendee_id])
            for r in await uow.session.scalars(select(Checkin).where(Checkin.id.in_(ids)))
        }
        return [rows[checkin_id] for checkin_id in ids]

    assert await whose(together, together_ids) == await whose(alone, alone_ids)
    # and what that is: the overlap left, the re-check-in and the preloaded record taken
    state = await _state(uow, together)
    by = {(s, a): rest for s, a, *rest in state["records"]}
    assert by[("B", "b_goer")][0] is False and by[("B", "b_goer")][6] == "other_session"
    assert by[("A", "twice")][0] is False and by[("B", "twice")][0] is True
    assert by[("A", "returner")][0] is True and by[("A", "preloaded")][:2] == [True, False]
    assert by[("C", "coded")][-1] == "virtual"


async def test_a_stranger_in_a_run_is_refused_as_alone(uow: UnitOfWork) -> None:
    world = await _world(uow, "strangers")
    stranger = Arriving(
        session=SessionFacts.of(world.sessions["A"]),
        attendee_id=world.attendees["stranger"].id,
        code=None,
        source=WEB,
    )
    arriving = [*_arrivals(world)[:2], stranger]

    try:
        await _write(uow, arriving, together=True)
    except Exception as error:
        refused = error
    else:  # pragma: no cover
        raise AssertionError("the stranger was checked in")

    assert type(refused).__name__ == "AttendeeNotFound"


async def test_first_checkins_of_a_run_are_a_few_statements_whatever_their_number(
    uow: UnitOfWork, count_queries: Any
) -> None:
    event = await create_event(uow, uri="rush", name="Rush", timezone="UTC")
    session = await make_session(uow, event)
    crowd = [
        await make_attendee(uow, event, email=f"a{n}@example.com", first_name=f"a{n}")
        for n in range(40)
    ]
    await uow.session.flush()
    facts = SessionFacts.of(session)
    arriving = [
        Arriving(session=facts, attendee_id=a.id, code=None, source=WEB, nonce=f"n{a.id}")
        for a in crowd
    ]

    with count_queries() as counter:
        ids, events = await _write(uow, arriving, together=True)

    heads = [statement.split()[0].upper() for statement in counter.statements]
    postgresql = uow.session.bind is not None and uow.session.bind.dialect.name == "postgresql"
    # the other sessions they are in; then PostgreSQL: records and history (WITH … INSERT);
    # SQLite: the largest id, the records (executemany), the new ones, their history entries
    assert heads == (
        ["SELECT", "WITH"] if postgresql else ["SELECT", "SELECT", "INSERT", "SELECT", "INSERT"]
    )
    assert len(set(ids)) == 40
    assert [type(event) for job in events for event in job] == [CheckedIn] * 40
    history = await uow.session.scalars(
        select(CheckinHistoryEntry.nonce).order_by(CheckinHistoryEntry.id)
    )
    assert list(history) == [f"n{a.id}" for a in crowd]
    records = await uow.session.scalars(select(Checkin.attendee_id).order_by(Checkin.id))
    assert list(records) == [a.id for a in crowd]  # made in the order they arrived
