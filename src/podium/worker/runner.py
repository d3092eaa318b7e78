"""The duties of one process, started and stopped together (``podium serve`` runs them in its
lifespan)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from podium.config import Settings
from podium.kit.db import Database
from podium.mail.service import mail_transport, retry_policy
from podium.worker.mail import send_queued_mail
from podium.worker.session_end import check_out_at_session_ends


@dataclass(frozen=True)
class Duty:
    """One loop of background work: ``run()`` repeats its rounds until it is cancelled."""

    name: str
    run: Callable[[], Coroutine[Any, Any, None]]


def duties(database: Database, settings: Settings) -> list[Duty]:
    """What this process does in the background, given the settings (a duty whose interval is
    0 is off)."""
    found = []
    if settings.session_end_check_seconds > 0:
        found.append(
            Duty(
                "session-end check-out",
                lambda: check_out_at_session_ends(
                    database, every_seconds=settings.session_end_check_seconds
                ),
            )
        )
    if settings.mail_check_seconds > 0:
        transport = mail_transport(settings)
        found.append(
            Duty(
                "mail delivery",
                lambda: send_queued_mail(
                    database,
                    transport,
                    policy=retry_policy(settings),
                    every_seconds=settings.mail_check_seconds,
                ),
            )
        )
    return found


class Worker:
    """Runs :func:`duties` as tasks of the running event loop."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self._duties = duties(database, settings)
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def names(self) -> list[str]:
        return [duty.name for duty in self._duties]

    def start(self) -> None:
        self._tasks = [
            asyncio.create_task(duty.run(), name=f"podium {duty.name}") for duty in self._duties
        ]

    async def stop(self) -> None:
        """Cancel every duty and wait until each has stopped."""
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
