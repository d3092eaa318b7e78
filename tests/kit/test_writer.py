"""The group commit (kit/writer.py): jobs that arrive together share a transaction, each job's
failure is its own, nothing is answered before the commit, messages wait for it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from sqlalchemy import func, insert, select, text

from podium.kit.db import Database
from podium.kit.writer import Work
from podium.models import Event
from tests.live.conftest import RecordingBroker


def _add_event(uri: str) -> Callable[[Work], str]:
    def job(work: Work) -> str:
        work.connection.execute(insert(Event).values(uri=uri, name=uri.title(), timezone="UTC"))
        work.publish(f"event:{uri}", {"type": "event.added", "uri": uri})
        return uri

    return job


def _fail_after_adding(uri: str) -> Callable[[Work], str]:
    def job(work: Work) -> str:
        _add_event(uri)(work)
        raise LookupError(f"{uri} changed its mind")

    return job


async def _uris(db: Database) -> list[str]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(Event.uri).order_by(Event.uri)))


@pytest.fixture
def broker(db: Database, monkeypatch: pytest.MonkeyPatch) -> RecordingBroker:
    recording = RecordingBroker()
    monkeypatch.setattr(db, "broker", recording)
    return recording


async def test_jobs_that_arrive_together_commit_in_one_batch_and_answer_after_it(
    db: Database, broker: RecordingBroker
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
    db: Database, broker: RecordingBroker
) -> None:
    # each caller queues its next job the moment its answer arrives: while the batch that
    # answered it is still finishing
    async with asyncio.timeout(10):
        for n in range(3):
            assert await db.group_commit.run(_add_event(f"talk-{n}")) == f"talk-{n}"

    assert await _uris(db) == ["talk-0", "talk-1", "talk-2"]


async def test_a_failing_job_loses_its_own_writes_and_no_one_elses(
    db: Database, broker: RecordingBroker
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
    # the failed job's message is dropped with its writes
    assert [channel for channel, _message in broker.published] == ["event:before", "event:after"]


async def test_messages_are_sent_after_the_commit_once_per_batch(
    db: Database, broker: RecordingBroker
) -> None:
    seen_at_publish: list[list[str]] = []

    async def publish(channel: str, message: dict[str, object]) -> None:
        seen_at_publish.append(await _uris(db))
        broker.published.append((channel, message))

    broker.publish = publish  # type: ignore[method-assign]

    def vote(n: int) -> Callable[[Work], None]:
        def job(work: Work) -> None:
            _add_event(f"voter-{n}")(work)
            work.publish("session:abcd", {"type": "poll.voted", "poll": "p1"})

        return job

    await asyncio.gather(*(db.group_commit.run(vote(n)) for n in range(5)))

    poll_messages = [m for c, m in broker.published if c == "session:abcd"]
    assert poll_messages == [{"type": "poll.voted", "poll": "p1"}]
    # every publish happened once all five rows were committed
    assert seen_at_publish[0] == [f"voter-{n}" for n in range(5)]


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
    db: Database, broker: RecordingBroker, deferred_child: None
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
    assert broker.published == []
    # and the writer goes on
    assert await db.group_commit.run(_add_event("later")) == "later"


async def test_a_batch_waits_for_a_write_unit_of_work_then_commits(
    db: Database, broker: RecordingBroker
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


async def test_unit_of_work_run_writes_in_its_own_transaction(
    db: Database, broker: RecordingBroker
) -> None:
    uow = db.unit_of_work()
    uow.broker = broker
    try:
        assert await uow.run(_add_event("inline")) == "inline"
        count = await uow.session.scalar(select(func.count()).select_from(Event))
        assert (count, broker.published) == (1, [])
        await uow.rollback()
    finally:
        await uow.close()

    assert (await _uris(db), broker.published) == ([], [])
