"""The credit recompute is a reaction to the events writers emit (credits.subscriber, wired by
podium.reactions): every writer recomputes credits through it, and none calls credits itself —
on a database opened without the domain's reactions, the same writes decide no credit."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time
from functools import partial

import pytest
from sqlalchemy import func, select

from podium.attendance.service import (
    check_out_ended_sessions,
    perform_checkin,
    perform_checkout,
    submit_codeword,
)
from podium.credits.service import set_credit_rules
from podium.credits.types import RulesChange
from podium.enums import AttendanceSource
from podium.evaluations.service import submit_evaluation
from podium.events.service import create_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.db import Database, UnitOfWork, create_database
from podium.kit.subscribers import NO_REACTIONS
from podium.models import Attendee, CreditAward, Event, EventSession
from podium.program.service import set_codewords, update_session
from podium.program.types import SessionChanges
from podium.reactions import REACTIONS
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


def chicago(hour: int, minute: int = 0) -> datetime:
    """An instant on 2026-06-01 by the clock in Chicago (CDT, UTC-5)."""
    return datetime(2026, 6, 1, hour + 5, minute, tzinfo=UTC)


@dataclass
class Scene:
    """An attendee checked in to a session (10:00-11:00 in Chicago) at 10:00: no award yet."""

    event: Event
    session: EventSession
    attendee: Attendee


Writer = Callable[[UnitOfWork, Scene], Awaitable[object]]


async def _check_out(uow: UnitOfWork, scene: Scene) -> object:
    return await perform_checkout(
        uow, session=scene.session, attendee=scene.attendee, source=WEB, at=chicago(10, 45)
    )


async def _enter_codeword(uow: UnitOfWork, scene: Scene) -> object:
    return await submit_codeword(
        uow,
        session=scene.session,
        attendee=scene.attendee,
        field_of_study_name="Accounting",
        word="alpha",
        at=chicago(10, 20),
    )


async def _evaluate(uow: UnitOfWork, scene: Scene) -> object:
    return await submit_evaluation(uow, session=scene.session, attendee=scene.attendee, answers=[])


async def _move_the_session(uow: UnitOfWork, scene: Scene) -> object:
    return await update_session(
        uow, event=scene.event, session=scene.session, changes=SessionChanges(end_time=time(12))
    )


async def _change_codewords(uow: UnitOfWork, scene: Scene) -> object:
    return await set_codewords(
        uow, session=scene.session, field_of_study_name="Accounting", words=["alpha", "beta"]
    )


async def _move_the_event(uow: UnitOfWork, scene: Scene) -> object:
    return await update_event_settings(
        uow, event=scene.event, changes=EventChanges(timezone="America/New_York")
    )


async def _change_the_rules(uow: UnitOfWork, scene: Scene) -> object:
    return await set_credit_rules(uow, event=scene.event, change=RulesChange(minutes_per_credit=30))


async def _check_in_elsewhere(uow: UnitOfWork, scene: Scene) -> object:
    elsewhere = await make_session(uow, scene.event, name="Elsewhere", start_time=time(10))
    return await perform_checkin(
        uow, session=elsewhere, attendee=scene.attendee, source=WEB, at=chicago(10, 30)
    )


async def _end_the_session(uow: UnitOfWork, _scene: Scene) -> object:
    return await uow.run(partial(check_out_ended_sessions, now=chicago(12)))


WRITERS: dict[str, Writer] = {
    "check-out": _check_out,
    "codeword": _enter_codeword,
    "evaluation": _evaluate,
    "session times": _move_the_session,
    "codewords": _change_codewords,
    "time zone": _move_the_event,
    "credit rules": _change_the_rules,
    "overlapping check-in": _check_in_elsewhere,
    "session end": _end_the_session,
}


async def _scene(db: Database) -> Scene:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="America/Chicago")
        session = await make_session(
            uow,
            event,
            start_time=time(10),
            end_time=time(11),
            fields_of_study={"Accounting": ("1", ["alpha"])},
        )
        attendee = await make_attendee(uow, event)
        await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=chicago(10))
    return Scene(event=event, session=session, attendee=attendee)


async def _write(database: Database, scene: Scene, writer: Writer) -> None:
    async with database.unit_of_work() as uow:
        event = await uow.session.merge(scene.event)
        session = await uow.session.merge(scene.session)
        attendee = await uow.session.merge(scene.attendee)
        await writer(uow, Scene(event=event, session=session, attendee=attendee))


async def _awards(db: Database) -> int:
    async with db.unit_of_work(write=False) as uow:
        return int(await uow.session.scalar(select(func.count()).select_from(CreditAward)) or 0)


@pytest.fixture
async def bare(db: Database) -> AsyncIterator[Database]:
    """The test database opened without the domain's reactions."""
    database = create_database(db.url, reactions=NO_REACTIONS, pool_size=2)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.mark.parametrize("writer", list(WRITERS.values()), ids=list(WRITERS))
async def test_a_writer_recomputes_credits_through_the_reaction(
    db: Database, writer: Writer
) -> None:
    scene = await _scene(db)
    assert await _awards(db) == 0  # a check-in decides nothing yet

    await _write(db, scene, writer)

    assert await _awards(db) == 1


@pytest.mark.parametrize("writer", list(WRITERS.values()), ids=list(WRITERS))
async def test_a_writer_calls_no_credits_itself(
    db: Database, bare: Database, writer: Writer
) -> None:
    scene = await _scene(db)

    await _write(bare, scene, writer)

    assert await _awards(db) == 0


def test_the_credit_recompute_reacts_to_the_events_that_change_credit() -> None:
    assert sorted(kind.__name__ for kind in REACTIONS) == [
        "CheckedOut",
        "CodewordAccepted",
        "CreditRulesChanged",
        "EvaluationSubmitted",
        "EventTimezoneChanged",
        "SessionChanged",
    ]
