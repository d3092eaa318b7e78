"""The serving process checks out, in the background, whoever is still checked in to a session
that has ended (``PODIUM_SESSION_END_CHECK_SECONDS``)."""

from __future__ import annotations

import asyncio
from datetime import time

from sqlalchemy import select

from podium.attendance.service import perform_checkin
from podium.config import Settings
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database
from podium.kit.pubsub import InMemoryBroker
from podium.models import Checkin
from podium.web.app import create_app
from tests.factories import make_attendee, make_session


async def _checked_in_to_a_past_session(db: Database) -> None:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="America/Chicago")
        session = await make_session(uow, event, start_time=time(10), end_time=time(11))
        attendee = await make_attendee(uow, event)
        await perform_checkin(uow, session=session, attendee=attendee, source=AttendanceSource.WEB)


async def _sources(db: Database) -> list[str | None]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(Checkin.checkout_source)))


async def _run_app_for(db: Database, settings: Settings, seconds: float) -> None:
    db.broker = db.broker or InMemoryBroker()
    app = create_app(settings=settings, database=db)
    async with app.router.lifespan_context(app):
        await asyncio.sleep(seconds)


async def test_serving_process_checks_out_at_the_session_end(
    db: Database, settings: Settings
) -> None:
    await _checked_in_to_a_past_session(db)

    await _run_app_for(db, settings.model_copy(update={"session_end_check_seconds": 0.05}), 0.5)

    assert await _sources(db) == ["session_end"]


async def test_serving_process_with_the_check_off_leaves_attendees_checked_in(
    db: Database, settings: Settings
) -> None:
    await _checked_in_to_a_past_session(db)

    await _run_app_for(db, settings, 0.3)  # the tests' settings turn it off

    assert await _sources(db) == [None]
