"""``podium worker``: the background duties alone, as a real process — it checks out at the
session end, its check-outs reach the sessions' channels (through Redis), and it stops cleanly
when interrupted."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import time
from pathlib import Path

from sqlalchemy import select

from podium.attendance.service import perform_checkin
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database
from podium.kit.pubsub import RedisBroker, session_channel
from podium.models import Checkin
from tests.factories import make_attendee, make_session
from tests.redis_support import REDIS_URL, eventually, unique_prefix

PODIUM = Path(sys.executable).parent / "podium"


async def _checked_in_to_a_past_session(db: Database) -> str:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="America/Chicago")
        session = await make_session(uow, event, start_time=time(10), end_time=time(11))
        attendee = await make_attendee(uow, event)
        await perform_checkin(uow, session=session, attendee=attendee, source=AttendanceSource.WEB)
    return session.public_id


async def _sources(db: Database) -> list[str | None]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(Checkin.checkout_source)))


def _start_worker(db: Database, **env: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(PODIUM), "worker"],
        env={**os.environ, "PODIUM_DATABASE_URL": db.url, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_podium_worker_checks_out_at_the_session_end_and_tells_the_sessions_channel(
    db: Database,
) -> None:
    session_public_id = await _checked_in_to_a_past_session(db)
    prefix = unique_prefix()
    listener = RedisBroker(REDIS_URL, prefix=prefix)
    try:
        async with listener.subscribe(session_channel(session_public_id)) as heard:
            worker = _start_worker(
                db,
                PODIUM_SESSION_END_CHECK_SECONDS="0.2",
                PODIUM_REDIS_URL=REDIS_URL,
                PODIUM_REDIS_PREFIX=prefix,
            )
            try:

                async def checked_out() -> bool:
                    return await _sources(db) == ["session_end"]

                await eventually(checked_out, seconds=60)
                message = await asyncio.wait_for(heard.get(), timeout=30)
            finally:
                worker.send_signal(signal.SIGINT)
                _out, errors = await asyncio.to_thread(worker.communicate, timeout=60)
    finally:
        await listener.close()

    assert message == {"type": "attendance.changed"}
    assert (worker.returncode, errors.splitlines()) == (
        0,
        [
            "podium worker: running session-end check-out, mail delivery; Ctrl+C stops it",
            "podium worker: stopped",
        ],
    )


async def test_podium_worker_with_no_duty_on_says_so_and_exits_1(db: Database) -> None:
    worker = _start_worker(db, PODIUM_SESSION_END_CHECK_SECONDS="0", PODIUM_MAIL_CHECK_SECONDS="0")

    _out, errors = await asyncio.to_thread(worker.communicate, timeout=60)

    assert (worker.returncode, errors) == (
        1,
        "error: no background duty is on: PODIUM_SESSION_END_CHECK_SECONDS and "
        "PODIUM_MAIL_CHECK_SECONDS are both 0; set one of them to how often to check out "
        "attendees of sessions that have ended, or to send queued mail\n",
    )
