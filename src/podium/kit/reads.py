"""SQLite's small reads, run on the event loop's thread and together (``Database.read``).

A read of a few rows by their indexes takes tens of microseconds in SQLite: less than handing
each statement to the async driver's thread and back costs. So these reads run right on the
event loop's thread, on a synchronous connection of their own (WAL readers never wait for the
writer). And the reads asked for in one turn of the loop run together, in one read transaction
with one ``work.shared``: when a group commit answers sixty check-ins at once, their sixty
reads of the attendance section begin and end one transaction, and read the session's part of
it once.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Engine

from podium.kit.writer import Job, Work

T = TypeVar("T")


class InlineReads:
    """Runs read jobs (group-commit jobs that write and emit nothing) on ``engine``'s one
    connection, those asked for in the same turn of the event loop together."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._pending: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        self.batches = 0  # read transactions so far (tests and metrics)

    async def run(self, job: Job[T]) -> T:
        """What ``job`` returns (or raises), once the turn's reads have run."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[T] = loop.create_future()
        self._pending.append((job, future))
        if len(self._pending) == 1:  # the turn's first: run them all once the others are in
            loop.call_soon(self._run_pending)
        return await future

    def _run_pending(self) -> None:
        pending, self._pending = self._pending, []
        shared: dict[Hashable, Any] = {}
        self.batches += 1
        try:
            with self.engine.connect() as connection:
                work = Work(connection, shared=shared)
                for job, future in pending:
                    try:
                        result = job(work)
                    except Exception as exc:  # that job's caller hears of it, the others not
                        _settle(future, exception=exc)
                    else:
                        _settle(future, result=result)
        except Exception as exc:  # no connection, no transaction: every caller hears of it
            for _job, future in pending:
                _settle(future, exception=exc)

    def dispose(self) -> None:
        self.engine.dispose()


def _settle(
    future: asyncio.Future[Any], *, result: Any = None, exception: Exception | None = None
) -> None:
    if future.done():  # its caller was cancelled meanwhile
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        future.set_result(result)
