"""The group commit (kit/writer.py): jobs that arrive together share a transaction, each job's
failure is its own, nothing is answered before the commit, what the jobs emit is heard after
it (and their reactions inside it)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass

import pytest
from sqlalchemy import func, insert, select, text

from podium.kit.db import Database
from podium.kit.subscribers import Committed, Reaction
from podium.kit.writer import Work
from podium.models import Event


@dataclass(frozen=True, slots=True)
class EventAdded:
    """A test's own event: kit knows events only by their type."""

    uri: str


@dataclass(frozen=True, slots=True)
class Voted:
    poll: str


def _add_event(uri: str) -> Callable[[Work], str]:
    def job(work: Work) -> str:
        work.connection.execute(insert(Event).values(uri=uri, name=uri.title(), timezone="UTC"))
        work.emit(EventAdded(uri))
        return uri

    return job


class Heard:
    """An after-commit subscriber that remembers each delivery."""

    def __init__(self) -> None:
        self.deliveries: list[Committed] = []

    async def __call__(self, committed: Committed) -> None:
        self.deliveries.append(committed)

    @property
    def events(self) -> list[object]:
        return [event for delivery in self.deliveries for event in delivery.events]


def _fail_after_adding(uri: str) -> Callable[[Work], str]:
    def job(work: Work) -> str:
        _add_event(uri)(work)
        raise LookupError(f"{uri} changed its mind")

    return job


async def _uris(db: Database) -> list[str]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(Event.uri).order_by(Event.uri)))


@pytest.fixture
def heard(db: Database, monkeypatch: pytest.MonkeyPatch) -> Heard:
    listener = Heard()
    monkeypatch.setattr(db.subscribers, "after_commit", [*db.subscribers.after_commit, listener])
    return listener


@pytest.fixture
def react(db: Database, monkeypatch: pytest.MonkeyPatch) -> Callable[[type, Reaction], None]:
    """``react(EventType, reaction)``: run ``reaction`` inside the transaction, for this test."""
    reactions = dict(db.subscribers.reactions)
    monkeypatch.setattr(db.subscribers, "reactions", reactions)

    def add(kind: type, reaction: Reaction) -> None:
        reactions[kind] = (*reactions.get(kind, ()), reaction)

    return add


async def test_jobs_that_arrive_together_commit_in_one_batch_and_answer_after_it(
    db: Database, heard: Heard
) -> None:
    writer = db.group_commit
    before = writer.batches_committed
    uris = [f"expo-{n:02d}" for n in range(40)]

    results = await asyncio.gather(*(writer.run(_add_event(uri)) for uri in uris))

    assert results == uris
    assert writer.batches_committed - before == 1
    # answered only once committed: another connection sees every row
    assert await _uris(db) == uris


async def test_a_job_queued_as_the_last_batch_ends_gets_a_batch_of_its_own(
    db: Database, heard: Heard
) -> None:
    # each caller queues its next job the moment its answer arrives: while the batch that
    # answered it is still finishing
    async with asyncio.timeout(10):
        for n in range(3):
            assert await db.group_commit.run(_add_event(f"talk-{n}")) == f"talk-{n}"

    assert await _uris(db) == ["talk-0", "talk-1", "talk-2"]


async def test_a_failing_job_loses_its_own_writes_and_no_one_elses(
    db: Database, heard: Heard
) -> None:
    writer = db.group_commit

    outcomes = await asyncio.gather(
        writer.run(_add_event("before")),
        writer.run(_fail_after_adding("failing")),
        writer.run(_add_event("after")),
        return_exceptions=True,
    )

    assert [repr(outcome) for outcome in outcomes] == [
        "'before'",
        repr(LookupError("failing changed its mind")),
        "'after'",
    ]
    assert await _uris(db) == ["after", "before"]
    # the failed job's event is dropped with its writes
    assert heard.events == [EventAdded("before"), EventAdded("after")]


async def test_events_are_delivered_after_the_commit_once_per_batch(
    db: Database, heard: Heard, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_at_delivery: list[list[str]] = []

    async def look(_committed: Committed) -> None:
        seen_at_delivery.append(await _uris(db))

    monkeypatch.setattr(db.subscribers, "after_commit", [*db.subscribers.after_commit, look])

    def vote(n: int) -> Callable[[Work], None]:
        def job(work: Work) -> None:
            _add_event(f"voter-{n}")(work)
            work.emit(Voted("p1"))

        return job

    await asyncio.gather(*(db.group_commit.run(vote(n)) for n in range(5)))

    # one delivery for the batch, every job's events in order
    assert [len(delivery.events) for delivery in heard.deliveries] == [10]
    assert [event for event in heard.events if isinstance(event, Voted)] == [Voted("p1")] * 5
    # delivered once all five rows were committed
    assert seen_at_delivery[0] == [f"voter-{n}" for n in range(5)]


async def test_a_reaction_writes_in_the_jobs_transaction_and_fails_it_by_raising(
    db: Database, heard: Heard, react: Callable[[type, Reaction], None]
) -> None:
    def also_add_a_twin(work: Work, event: EventAdded) -> None:
        if event.uri == "refused":
            raise LookupError("no twin for that one")
        work.connection.execute(
            insert(Event).values(uri=f"{event.uri}-twin", name="Twin", timezone="UTC")
        )

    react(EventAdded, also_add_a_twin)

    outcomes = await asyncio.gather(
        db.group_commit.run(_add_event("expo")),
        db.group_commit.run(_add_event("refused")),
        return_exceptions=True,
    )

    assert [repr(outcome) for outcome in outcomes] == [
        "'expo'",
        repr(LookupError("no twin for that one")),
    ]
    assert await _uris(db) == ["expo", "expo-twin"]
    assert heard.events == [EventAdded("expo")]


@pytest.fixture
async def deferred_child(db: Database) -> AsyncIterator[None]:
    """Tables whose foreign key is checked only at COMMIT, to make a commit fail."""
    async with db.write_engine.begin() as connection:
        await connection.execute(text("CREATE TABLE gc_parent (id INTEGER PRIMARY KEY)"))
        await connection.execute(
            text(
                "CREATE TABLE gc_child (id INTEGER PRIMARY KEY, parent_id INTEGER "
                "REFERENCES gc_parent (id) DEFERRABLE INITIALLY DEFERRED)"
            )
        )
    try:
        yield
    finally:
        async with db.write_engine.begin() as connection:
            await connection.execute(text("DROP TABLE gc_child"))
            await connection.execute(text("DROP TABLE gc_parent"))


async def test_when_the_commit_fails_every_job_of_the_batch_fails_and_nothing_is_written(
    db: Database, heard: Heard, deferred_child: None
) -> None:
    def orphan(work: Work) -> None:
        work.connection.execute(text("INSERT INTO gc_child (id, parent_id) VALUES (1, 42)"))

    outcomes = await asyncio.gather(
        db.group_commit.run(_add_event("innocent")),
        db.group_commit.run(orphan),
        return_exceptions=True,
    )

    assert [type(outcome).__name__ for outcome in outcomes] == ["IntegrityError"] * 2
    assert await _uris(db) == []
    assert heard.deliveries == []
    # and the writer goes on
    assert await db.group_commit.run(_add_event("later")) == "later"


async def test_a_batch_waits_for_a_write_unit_of_work_then_commits(
    db: Database, heard: Heard
) -> None:
    holder = db.unit_of_work()
    holder.session.add(Event(uri="first", name="First"))
    await holder.session.flush()  # the write transaction is open
    batch = asyncio.create_task(db.group_commit.run(_add_event("second")))
    try:
        await asyncio.sleep(0.3)
        if db.is_sqlite:  # one writer at a time: the batch waits for its turn
            assert not batch.done()
        await holder.commit()
    finally:
        await holder.close()

    assert await asyncio.wait_for(batch, timeout=20) == "second"
    assert await _uris(db) == ["first", "second"]


async def test_unit_of_work_run_writes_in_its_own_transaction(db: Database, heard: Heard) -> None:
    uow = db.unit_of_work()
    try:
        assert await uow.run(_add_event("inline")) == "inline"
        count = await uow.session.scalar(select(func.count()).select_from(Event))
        assert (count, heard.deliveries) == (1, [])
        await uow.rollback()
    finally:
        await uow.close()

    assert (await _uris(db), heard.deliveries) == ([], [])


async def test_unit_of_work_run_delivers_the_jobs_events_after_its_own_commit(
    db: Database, heard: Heard
) -> None:
    async with db.unit_of_work() as uow:
        await uow.run(_add_event("inline"))
        assert (uow.events, heard.deliveries) == ([EventAdded("inline")], [])

    assert heard.events == [EventAdded("inline")]


async def test_unit_of_work_run_drops_the_events_of_a_job_that_raises(
    db: Database, heard: Heard
) -> None:
    def emit_then_fail(work: Work) -> None:
        work.emit(EventAdded("half-done"))
        raise LookupError("changed its mind")

    async with db.unit_of_work() as uow:
        with pytest.raises(LookupError):
            await uow.run(emit_then_fail)
        await uow.run(_add_event("after"))

    assert heard.events == [EventAdded("after")]


@dataclass(frozen=True)
class _Booking:
    """A job that may be written with the bookings next to it (``together``)."""

    uri: str
    runs: list[list[str]]  # what each call of ``together`` wrote, in order
    refuse: bool = False  # written together, the run fails; alone, only this job

    def __call__(self, work: Work) -> str:
        if self.refuse:
            raise LookupError(f"{self.uri} is refused")
        return _add_event(self.uri)(work)

    @staticmethod
    def together(works: Sequence[Work], jobs: Sequence[_Booking]) -> list[str]:
        jobs[0].runs.append([job.uri for job in jobs])
        if any(job.refuse for job in jobs):
            raise LookupError("one of the run is refused")
        work = works[0]
        work.connection.execute(
            insert(Event), [{"uri": job.uri, "name": job.uri, "timezone": "UTC"} for job in jobs]
        )
        for mine, job in zip(works, jobs, strict=True):
            mine.emit(EventAdded(job.uri))
        return [job.uri.upper() for job in jobs]


async def test_jobs_of_one_kind_next_to_each_other_are_written_together(
    db: Database, heard: Heard
) -> None:
    runs: list[list[str]] = []
    jobs: list[Callable[[Work], str]] = [
        _Booking("a", runs),
        _Booking("b", runs),
        _add_event("plain"),
        _Booking("c", runs),
        _Booking("d", runs),
        _Booking("e", runs),
        _add_event("last"),
        _Booking("alone", runs),
    ]

    results = await asyncio.gather(*(db.group_commit.run(job) for job in jobs))

    # a run of one is written by the job itself
    assert results == ["A", "B", "plain", "C", "D", "E", "last", "alone"]
    assert runs == [["a", "b"], ["c", "d", "e"]]
    assert await _uris(db) == sorted(["a", "b", "plain", "c", "d", "e", "last", "alone"])
    # each job's events are its own, heard in the jobs' order
    assert heard.events == [EventAdded(uri) for uri in ("a", "b", "plain", "c", "d", "e")] + [
        EventAdded("last"),
        EventAdded("alone"),
    ]


async def test_a_run_that_fails_together_is_written_job_by_job(db: Database, heard: Heard) -> None:
    runs: list[list[str]] = []
    jobs = [_Booking("a", runs), _Booking("b", runs, refuse=True), _Booking("c", runs)]

    outcomes = await asyncio.gather(
        *(db.group_commit.run(job) for job in jobs), return_exceptions=True
    )

    assert [repr(outcome) for outcome in outcomes] == [
        "'a'",
        repr(LookupError("b is refused")),
        "'c'",
    ]
    assert runs == [["a", "b", "c"]]
    assert await _uris(db) == ["a", "c"]
    assert heard.events == [EventAdded("a"), EventAdded("c")]
