"""The check-out of attendees still checked in when a session ends, a duty of every serving
process (``attendance.service.check_out_ended_sessions``)."""

from __future__ import annotations

import asyncio
import logging
from functools import partial

from podium.attendance.service import check_out_ended_sessions
from podium.kit.clock import utcnow
from podium.kit.db import Database

log = logging.getLogger(__name__)


async def check_out_at_session_ends(database: Database, *, every_seconds: float) -> None:
    """Every ``every_seconds`` (starting now), check out whoever is still checked in to a
    session that has ended, at its end time, through the group commit. Runs until cancelled;
    a failed round is logged and the next one tries again. Several processes may run it: a
    record already checked out is left alone."""
    while True:
        try:
            await database.group_commit.run(partial(check_out_ended_sessions, now=utcnow()))
        except Exception:
            log.exception("checking out attendees of ended sessions failed; trying again later")
        await asyncio.sleep(every_seconds)
