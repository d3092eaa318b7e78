"""Joining through the pages: at once with an email nobody joined as, a proof otherwise."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from sqlalchemy import select

from podium.events.service import create_event
from podium.kit.db import Database
from podium.models import Attendee, Event
from podium.people.service import join_attendee
from podium.people.types import Joining
from tests.factories import make_attendee

AT = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)


async def _event(db: Database) -> Event:
    async with db.unit_of_work() as uow:
        return await create_event(uow, uri="expo", name="Expo")


async def _join(db: Database, event: Event, email: str, first_name: str = "Maya") -> Joining:
    async with db.unit_of_work() as uow:
        return await join_attendee(
            uow, event=event, email=email, first_name=first_name, last_name="Lopez", now=AT
        )


async def _attendees(db: Database) -> list[Attendee]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(Attendee).order_by(Attendee.id)))


async def test_join_with_a_new_email_adds_a_joined_attendee(db: Database) -> None:
    event = await _event(db)

    joining = await _join(db, event, "maya@example.org")

    (maya,) = await _attendees(db)
    assert (joining.attendee.id, joining.needs_proof) == (maya.id, False)
    assert (maya.first_name, maya.email, maya.joined_at) == ("Maya", "maya@example.org", AT)


async def test_join_as_an_attendee_nobody_joined_as_fills_blanks_and_marks_the_join(
    db: Database,
) -> None:
    event = await _event(db)
    async with db.unit_of_work() as uow:
        preloaded = await make_attendee(uow, event, first_name="", last_name="", email="Maya@X.org")

    joining = await _join(db, event, "maya@x.org")

    (maya,) = await _attendees(db)
    assert (joining.attendee.id, joining.needs_proof) == (preloaded.id, False)
    assert (maya.first_name, maya.last_name, maya.joined_at) == ("Maya", "Lopez", AT)


async def test_join_as_an_attendee_a_browser_joined_as_needs_a_proof_and_changes_nothing(
    db: Database,
) -> None:
    event = await _event(db)
    first = await _join(db, event, "maya@example.org")

    second = await _join(db, event, "MAYA@example.org", first_name="Eve")

    (maya,) = await _attendees(db)
    assert (second.attendee.id, second.needs_proof) == (first.attendee.id, True)
    assert maya.first_name == "Maya"


async def test_two_joins_at_once_as_an_unjoined_attendee_let_only_one_in(db: Database) -> None:
    event = await _event(db)
    async with db.unit_of_work() as uow:
        await make_attendee(uow, event, email="maya@example.org")

    results = await asyncio.gather(*(_join(db, event, "maya@example.org") for _ in range(2)))

    assert sorted(joining.needs_proof for joining in results) == [False, True]
