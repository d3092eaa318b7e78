"""Group commit: small write jobs that arrive together share one transaction and one commit.

A burst of check-ins or votes is thousands of tiny transactions, each paying a commit (an
fsync on SQLite with ``synchronous=FULL``, a WAL flush on PostgreSQL) and, worse, holding the
database's single write lock (SQLite) across every turn of the event loop between its
statements. :class:`GroupCommit` runs them the other way round: a job is a plain synchronous
function of a :class:`Work` (a SQLAlchemy Core connection inside an open transaction); jobs
queue while a batch is being written, and the next batch runs all that queued, one after the
other, in one transaction, and commits once. Each caller gets its job's result only after that
commit, so nothing is acknowledged before it is durable.

- A job that raises has its writes rolled back and its caller gets the exception; the other
  jobs of the batch are not affected (the batch is then written again with a savepoint around
  each job, see :func:`run_jobs`). A job may therefore run twice: it must depend only on its
  inputs and what it reads, and leave every other effect to the events it emits
  (:meth:`Work.emit`).
- If the commit itself fails, every caller of the batch gets the error; nothing was written.
- Events a job emits (:meth:`Work.emit`) meet their reactions at once, in the batch's
  transaction (:mod:`podium.kit.subscribers`); once the batch has committed, the events of
  every job that succeeded go to the after-commit subscribers together, in one call, before any
  caller is answered (so the realtime relay sends a hundred votes of one batch as one
  ``poll.voted``). A failed job's events are dropped with its writes.
- SQLite: one batch at a time, run on a thread of its own with a synchronous connection, so
  that a batch's statements follow each other without waiting for the event loop. The batch
  takes the write turn first — the process's single pooled write connection of the
  :class:`~podium.kit.db.Database` — so batches and ordinary write units of work take turns
  instead of meeting in SQLite's busy handler.
- PostgreSQL: up to ``parallel`` batches at once, each on a pooled connection.
- Jobs of one kind that arrive together may be written together: a job with a ``together``
  attribute (a function, ``Together``) is run, with the jobs next to it in the batch that have
  the same ``together``, by that one function — a few set statements for two hundred check-ins
  instead of two hundred times two. It must do exactly what running them one after the other
  would; should it raise, the batch is written again job by job, each alone, as above.

A job must not await anything and must not hold a write unit of work's transaction open while
its caller waits for :meth:`GroupCommit.run`: on SQLite that unit of work holds the write turn
the batch needs.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import Engine
from sqlalchemy.engine import Connection

from podium.kit.subscribers import Reaction

if TYPE_CHECKING:
    from podium.kit.db import Database

T = TypeVar("T")
Job = Callable[["Work"], T]
# what writes a run of jobs together: one Work per job (its events are the job's), the jobs;
# the jobs' results, in order
Together = Callable[[Sequence["Work"], Sequence[Any]], Sequence[Any]]

DEFAULT_MAX_BATCH = 256
_SAVEPOINT = "podium_job"


class Work:
    """What a job writes with: ``connection`` (SQLAlchemy Core, inside an open transaction),
    :meth:`emit` for what happened, and ``shared``: what the jobs of one transaction may keep
    for each other — a read that every job of a batch would repeat (the session that two
    hundred check-ins go to), made once. Being made in the same transaction, it is as fresh as
    the job's own reads; a job that changes what it read must not leave it there."""

    __slots__ = ("_events", "_reactions", "connection", "shared")

    def __init__(
        self,
        connection: Connection,
        *,
        reactions: Mapping[type, tuple[Reaction, ...]] | None = None,
        events: list[object] | None = None,
        shared: dict[Hashable, Any] | None = None,
    ) -> None:
        self.connection = connection
        self._reactions = reactions if reactions is not None else {}
        self._events = events if events is not None else []
        self.shared = shared if shared is not None else {}

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        name: str = self.connection.dialect.name
        return name

    def emit(self, event: object) -> None:
        """Record that ``event`` happened: its reactions run now, in this transaction (what
        they raise fails the job); the after-commit subscribers hear it once the transaction
        has committed, and never if it does not."""
        self._events.append(event)
        for react in self._reactions.get(type(event), ()):
            react(self, event)

    @property
    def events(self) -> list[object]:
        """What this job (and its reactions) emitted so far, in order."""
        return self._events


@dataclass
class _Entry(Generic[T]):
    job: Job[T]
    future: asyncio.Future[T]


@dataclass
class _Outcome:
    result: Any = None
    error: BaseException | None = None
    events: list[object] = field(default_factory=list)


def run_jobs(
    connection: Connection,
    jobs: Sequence[Job[Any]],
    reactions: Mapping[type, tuple[Reaction, ...]] | None = None,
) -> list[_Outcome]:
    """Run ``jobs`` in order in one transaction on ``connection`` and commit; one outcome per
    job. Raises (having rolled everything back) if the transaction cannot begin or commit.

    Optimistic first: the jobs run one after the other with nothing between them. Should one
    raise, everything is rolled back and the batch runs again with each job in a savepoint,
    so that a failed job's writes go and the others' stay. Savepoints are PostgreSQL
    subtransactions, and cost as much as a job's own statements there, so they are paid
    only by a batch that needs them."""
    with connection.begin() as transaction:
        outcomes = [_Outcome() for _job in jobs]
        shared: dict[Hashable, Any] = {}
        try:
            for start, end, together in runs_of(jobs):
                works = [
                    Work(connection, reactions=reactions, events=outcome.events, shared=shared)
                    for outcome in outcomes[start:end]
                ]
                if together is None:
                    outcomes[start].result = jobs[start](works[0])
                    continue
                results = together(works, jobs[start:end])
                for outcome, result in zip(outcomes[start:end], results, strict=True):
                    outcome.result = result
        except Exception:
            transaction.rollback()
        else:
            return outcomes
    return _run_jobs_in_savepoints(connection, jobs, reactions)


def runs_of(jobs: Sequence[Job[Any]]) -> list[tuple[int, int, Together | None]]:
    """``jobs`` cut into what runs at once: (start, end, how), ``how`` being the ``together``
    of two or more jobs next to each other that have the same, else None (a job alone)."""
    runs: list[tuple[int, int, Together | None]] = []
    start = 0
    while start < len(jobs):
        together: Together | None = getattr(jobs[start], "together", None)
        end = start + 1
        if together is not None:
            while end < len(jobs) and getattr(jobs[end], "together", None) is together:
                end += 1
        runs.append((start, end, together if end - start > 1 else None))
        start = end
    return runs


def _run_jobs_in_savepoints(
    connection: Connection,
    jobs: Sequence[Job[Any]],
    reactions: Mapping[type, tuple[Reaction, ...]] | None,
) -> list[_Outcome]:
    outcomes: list[_Outcome] = []
    shared: dict[Hashable, Any] = {}
    with connection.begin():
        # savepoints straight through the driver: SQLAlchemy's own bookkeeping of nested
        # transactions costs more than the job's statements, and none of it is needed here
        cursor = connection.connection.cursor()
        try:
            for job in jobs:
                outcome = _Outcome()
                cursor.execute(f"SAVEPOINT {_SAVEPOINT}")
                try:
                    work = Work(
                        connection, reactions=reactions, events=outcome.events, shared=shared
                    )
                    outcome.result = job(work)
                except Exception as error:
                    cursor.execute(f"ROLLBACK TO SAVEPOINT {_SAVEPOINT}")
                    shared.clear()  # it may hold what the rolled back job read or wrote
                    outcome.error = error
                    outcome.events.clear()
                cursor.execute(f"RELEASE SAVEPOINT {_SAVEPOINT}")
                outcomes.append(outcome)
        finally:
            cursor.close()
    return outcomes


class GroupCommit:
    """Runs write jobs in shared transactions (see the module's docstring)."""

    def __init__(
        self,
        database: Database,
        *,
        sync_engine: Engine | None = None,
        parallel: int = 1,
        max_batch: int = DEFAULT_MAX_BATCH,
    ) -> None:
        """``sync_engine``: SQLite's synchronous engine for the batch thread (None on
        PostgreSQL, whose batches run on the database's own async engine)."""
        self._database = database
        self._sync_engine = sync_engine
        self._parallel = 1 if sync_engine is not None else max(1, parallel)
        self._max_batch = max_batch
        self._pending: list[_Entry[Any]] = []
        self._batches: set[asyncio.Task[None]] = set()
        # drainers under way; counted down in the same step as their last look at _pending,
        # so that a job queued after that look always finds room for a new drainer
        self._draining = 0
        self._thread: ThreadPoolExecutor | None = None
        self.batches_committed = 0

    async def run(self, job: Job[T]) -> T:
        """Run ``job`` in the next batch; its result once the batch has committed, or the
        exception it raised (its writes rolled back), or the commit's error."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending.append(_Entry(job, future))
        if self._draining < self._parallel:
            self._draining += 1
            task = asyncio.create_task(self._drain())
            self._batches.add(task)
            task.add_done_callback(self._batches.discard)
        return await future

    async def close(self) -> None:
        """Wait for the batches under way; release the batch thread and the sync engine."""
        while self._batches:
            await asyncio.gather(*self._batches, return_exceptions=True)
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        if self._sync_engine is not None:
            self._sync_engine.dispose()

    async def _drain(self) -> None:
        """Write batches until nothing is waiting: what queued during one is the next."""
        try:
            await self._drain_pending()
        finally:
            self._draining -= 1

    async def _drain_pending(self) -> None:
        while self._pending:
            entries = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                outcomes = await self._write([entry.job for entry in entries])
            except BaseException as error:
                for entry in entries:
                    if not entry.future.done():
                        entry.future.set_exception(error)
                if not isinstance(error, Exception):
                    raise
                continue
            self.batches_committed += 1
            await self._database.subscribers.deliver(
                [event for outcome in outcomes for event in outcome.events],
                self._database.broker,
            )
            for entry, outcome in zip(entries, outcomes, strict=True):
                if entry.future.done():  # its caller went away; the job is written all the same
                    continue
                if outcome.error is not None:
                    entry.future.set_exception(outcome.error)
                else:
                    entry.future.set_result(outcome.result)

    async def _write(self, jobs: list[Job[Any]]) -> list[_Outcome]:
        reactions = self._database.subscribers.reactions
        if self._sync_engine is None:
            async with self._database.write_engine.connect() as connection:
                return await connection.run_sync(run_jobs, jobs, reactions)
        # the write turn: the process's one pooled write connection, held (unused) while the
        # batch thread writes with a connection of its own
        async with self._database.write_engine.connect():
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="podium-group-commit")
            return await asyncio.get_running_loop().run_in_executor(
                self._thread, self._write_on_thread, jobs, reactions
            )

    def _write_on_thread(
        self, jobs: list[Job[Any]], reactions: Mapping[type, tuple[Reaction, ...]]
    ) -> list[_Outcome]:
        assert self._sync_engine is not None
        with self._sync_engine.connect() as connection:
            return run_jobs(connection, jobs, reactions)
