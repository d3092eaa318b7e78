"""TurnReads: small reads, those asked for in one turn of the event loop together (SQLite's
on the loop's thread; PostgreSQL's on one connection: tests/attendance/test_section.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

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
