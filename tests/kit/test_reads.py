"""TurnReads: small reads, those asked for in one turn of the event loop together (SQLite's
on the loop's thread; PostgreSQL's on one connection: tests/attendance/test_section.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import create_engine, text

from podium.kit.reads import TurnReads
from podium.kit.writer import Work


@pytest.fixture
def reads(tmp_path: Path) -> Iterator[TurnReads]:
    engine = create_engine(f"sqlite:///{tmp_path / 'reads.sqlite3'}")
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE rooms (id INTEGER PRIMARY KEY, name TEXT)"))
        connection.execute(text("INSERT INTO rooms (name) VALUES ('Ballroom'), ('Annex')"))
    reads = TurnReads(engine)
    yield reads
    reads.dispose()


def _room(number: int, seen: list[int]) -> Callable[[Work], str]:
    def job(work: Work) -> str:
        if "rooms" not in work.shared:  # what the turn's jobs read once for each other
            seen.append(number)
            rows = work.connection.execute(text("SELECT id, name FROM rooms")).all()
            work.shared["rooms"] = dict(rows)
        name: str = work.shared["rooms"][number]
        return name

    return job


async def test_reads_asked_for_in_one_turn_share_a_transaction_and_what_they_keep(
    reads: TurnReads,
) -> None:
    seen: list[int] = []

    names = await asyncio.gather(*(reads.run(_room(n, seen)) for n in (1, 2, 1)))

    assert (names, seen, reads.batches) == (["Ballroom", "Annex", "Ballroom"], [1], 1)


async def test_reads_of_later_turns_read_again(reads: TurnReads) -> None:
    seen: list[int] = []

    first = await reads.run(_room(1, seen))
    second = await reads.run(_room(2, seen))

    assert (first, second, seen, reads.batches) == ("Ballroom", "Annex", [1, 2], 2)


async def test_a_read_that_fails_fails_only_its_caller(reads: TurnReads) -> None:
    def broken(work: Work) -> None:
        work.connection.execute(text("SELECT * FROM no_such_table"))

    results = await asyncio.gather(
        reads.run(broken),
        reads.run(_room(2, [])),
        return_exceptions=True,
    )

    assert "no such table" in str(results[0])
    assert results[1] == "Annex"


async def test_a_read_sees_what_was_committed_before_it(reads: TurnReads) -> None:
    with reads.engine.begin() as connection:
        connection.execute(text("UPDATE rooms SET name = 'Hall A' WHERE id = 1"))

    assert await reads.run(_room(1, [])) == "Hall A"


class _Name:
    """A read that may run with those of its kind next to it (``together``)."""

    calls: ClassVar[list[list[int]]] = []

    def __init__(self, number: int) -> None:
        self.number = number

    def __call__(self, work: Work) -> str:
        name: str = work.connection.execute(
            text("SELECT name FROM rooms WHERE id = :id"), {"id": self.number}
        ).scalar_one()
        return name

    @staticmethod
    def together(works: Sequence[Work], jobs: Sequence[_Name]) -> list[str]:
        _Name.calls.append([job.number for job in jobs])
        if any(job.number == 0 for job in jobs):
            raise LookupError("no room 0")
        rows = dict(works[0].connection.execute(text("SELECT id, name FROM rooms")).all())
        return [f"{rows[job.number]}!" for job in jobs]


async def test_reads_of_one_kind_in_a_turn_run_together(reads: TurnReads) -> None:
    _Name.calls = []

    names = await asyncio.gather(
        reads.run(_Name(1)), reads.run(_Name(2)), reads.run(_room(1, [])), reads.run(_Name(2))
    )

    assert names == ["Ballroom!", "Annex!", "Ballroom", "Annex"]  # a run of one: alone
    assert _Name.calls == [[1, 2]]


async def test_reads_that_fail_together_run_alone(reads: TurnReads) -> None:
    _Name.calls = []

    results = await asyncio.gather(
        reads.run(_Name(1)), reads.run(_Name(0)), reads.run(_Name(2)), return_exceptions=True
    )

    assert results[0] == "Ballroom" and results[2] == "Annex"
    assert "No row was found" in str(results[1])
    assert _Name.calls == [[1, 0, 2]]
