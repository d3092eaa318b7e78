"""Small reads that run together (``Database.read``): those asked for in one turn of the event
loop share one read transaction and one ``work.shared``. When a group commit answers sixty
check-ins at once, their sixty reads of the attendance section begin and end one transaction,
and read the session's part of it once.

On SQLite they run right on the event loop's thread, on a synchronous connection of their own:
a read of a few rows by their indexes takes tens of microseconds there, less than handing each
statement to the async driver's thread and back costs, and WAL readers never wait for the
writer. On PostgreSQL they run on one connection of the async engine, one after the other — or, for
jobs that say how (``together``, as a group-commit job may), all of a kind at once: sixty
attendees' sections in the statements of one.
"""

from __future__ import annotations

import asyncio
from collections.abc import Hashable
from typing import Any, TypeVar

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine

from podium.kit.writer import Job, Work, runs_of

T = TypeVar("T")


class TurnReads:
    """Runs read jobs (group-commit jobs that write and emit nothing), those asked for in the
    same turn of the event loop together: on ``engine`` (SQLite's synchronous engine of one
    connection) right away, or on a connection of ``async_engine`` (PostgreSQL)."""

    def __init__(
        self, engine: Engine | None = None, async_engine: AsyncEngine | None = None
    ) -> None:
        if (engine is None) == (async_engine is None):
            raise ValueError("give one engine: a synchronous one or an async one")
        self.engine = engine
        self.async_engine = async_engine
        self._pending: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        self._tasks: set[asyncio.Task[None]] = set()
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
        self.batches += 1
        if self.engine is not None:
            try:
                with self.engine.connect() as connection:
                    _run_jobs(connection, pending)
            except Exception as exc:  # no connection, no transaction: every caller hears
                _fail(pending, exc)
            return
        task = asyncio.get_running_loop().create_task(self._run_async(pending))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run_async(self, pending: list[tuple[Job[Any], asyncio.Future[Any]]]) -> None:
        assert self.async_engine is not None
        try:
            async with self.async_engine.connect() as connection:
                await connection.run_sync(_run_jobs, pending)
        except Exception as exc:
            _fail(pending, exc)

    def dispose(self) -> None:
        """Close the synchronous engine (an async engine is its owner's to dispose of)."""
        if self.engine is not None:
            self.engine.dispose()


def _run_jobs(connection: Connection, pending: list[tuple[Job[Any], asyncio.Future[Any]]]) -> None:
    """Each job's result to its caller; jobs with a ``together`` (``kit.writer.Together``) run
    with those of their kind next to them by that function, or, should it raise, each alone."""
    shared: dict[Hashable, Any] = {}
    work = Work(connection, shared=shared)
    jobs = [job for job, _future in pending]
    for start, end, together in runs_of(jobs):
        if together is not None:
            try:
                results = together([work] * (end - start), jobs[start:end])
            except Exception:  # each alone, so that each caller hears of its own
                pass
            else:
                for (_job, future), result in zip(pending[start:end], results, strict=True):
                    _settle(future, result=result)
                continue
        for job, future in pending[start:end]:
            try:
                result = job(work)
            except Exception as exc:  # that job's caller hears of it, the others not
                _settle(future, exception=exc)
            else:
                _settle(future, result=result)


def _fail(pending: list[tuple[Job[Any], asyncio.Future[Any]]], exc: Exception) -> None:
    for _job, future in pending:
        _settle(future, exception=exc)


def _settle(
    future: asyncio.Future[Any], *, result: Any = None, exception: Exception | None = None
) -> None:
    if future.done():  # its caller was cancelled meanwhile
        return
    if exception is not None:
        future.set_exception(exception)
    else:
        future.set_result(result)
