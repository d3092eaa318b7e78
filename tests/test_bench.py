"""The benchmark harness runs end to end (tiny check-in and credits scenarios on SQLite), so it
cannot rot unnoticed: the numbers are not asserted, only that they exist and that work was
done."""

from __future__ import annotations

import json
from pathlib import Path

from bench import cli

from podium.kit.db import Database


def test_bench_checkin_tiny_run_writes_a_result(tmp_path: Path) -> None:
    status = cli.main(
        ["checkin", "--requests", "20", "--rounds", "2", "--seconds", "10", "--connections", "4",
         "--output", str(tmp_path)]
    )  # fmt: skip

    written = sorted(tmp_path.glob("*-checkin.json"))
    document = json.loads(written[0].read_text())
    rows = {row["variant"]: row for row in document["rows"]}
    assert status == 0
    assert len(written) == 1
    assert json.loads((tmp_path / "latest.json").read_text()) == document
    assert document["scenario"] == "checkin"
    assert set(rows) == {"baseline", "podium"}
    assert set(rows["podium"]) == {
        "scenario", "variant", "ratio", "rate", "p50_ms", "p99_ms", "target", "met", "extra"
    }  # fmt: skip
    assert rows["podium"]["rate"] > 0
    assert rows["baseline"]["rate"] > 0
    assert rows["podium"]["ratio"] > 0
    assert [r["statuses"] for r in document["details"]["podium"]] == [{"303": 20}, {"303": 20}]
    assert rows["podium"]["extra"]["stored"] == rows["podium"]["extra"]["accepted"]


def test_bench_credits_tiny_run_writes_awards_cold_and_none_warm(tmp_path: Path) -> None:
    status = cli.main(
        ["credits", "--attendees", "20", "--sessions", "6", "--records-per-attendee", "4",
         "--rounds", "1", "--output", str(tmp_path)]
    )  # fmt: skip

    (written,) = tmp_path.glob("*-credits.json")
    document = json.loads(written.read_text())
    rows = document["rows"]
    rounds = document["details"]["rounds"]
    generated = document["details"]["generated"]
    assert status == 0
    assert document["scenario"] == "credits"
    assert [row["variant"].split(" (")[0] for row in rows] == [
        "baseline: read the inputs", "podium cold", "podium warm",
        "podium rule change 50 -> 45 min/credit",
    ]  # fmt: skip
    assert set(rounds) == {"baseline", "cold", "warm", "changed"}
    assert (generated["attendees"], generated["sessions"], generated["records"]) == (20, 6, 80)
    assert rounds["cold"][0]["rows"] > 0
    assert rounds["cold"][0]["rows"] == document["details"]["awards_stored"]
    assert rounds["warm"][0]["rows"] == 0
    assert rounds["changed"][0]["rows"] > 0
    assert rounds["baseline"][0]["rows"] > generated["records"]
    assert rows[1]["target"] == "< 10 s"
    assert rows[1]["ratio"] > 0


def test_bench_htmx_check_in_tiny_run_is_answered_with_sections(tmp_path: Path) -> None:
    status = cli.main(
        ["checkin", "--htmx", "--requests", "10", "--rounds", "1", "--seconds", "10",
         "--connections", "2", "--output", str(tmp_path)]
    )  # fmt: skip

    document = json.loads((tmp_path / "latest.json").read_text())
    rows = {row["variant"]: row for row in document["rows"]}
    assert status == 0
    assert rows["podium"]["scenario"] == "checkin (sqlite, htmx)"
    assert [r["statuses"] for r in document["details"]["podium"]] == [{"200": 10}]
    assert rows["podium"]["extra"]["stored"] == rows["podium"]["extra"]["accepted"]


def test_bench_htmx_vote_burst_tiny_run_counts_every_vote(tmp_path: Path) -> None:
    status = cli.main(
        ["vote-burst", "--htmx", "--voters", "12", "--watchers", "3", "--rounds", "1",
         "--seconds", "10", "--connections", "2", "--settle", "3", "--output", str(tmp_path)]
    )  # fmt: skip

    document = json.loads((tmp_path / "latest.json").read_text())
    votes = next(row for row in document["rows"] if row["variant"] == "votes")
    assert status == 0
    assert votes["scenario"] == "vote-burst (sqlite, htmx)"
    assert [r["statuses"] for r in document["details"]["podium"]] == [{"200": 12}]
    assert document["details"]["votes_counted"] == [12]
    assert votes["extra"]["lost"] == 0
    assert document["details"]["bursts"][0]["watchers_reached"] == 3


def test_bench_keynote_tiny_rush_on_both_setups_loses_nothing(tmp_path: Path) -> None:
    status = cli.main(
        ["keynote", "--attendees", "16", "--voters", "10", "--questions", "3", "--watchers", "6",
         "--watcher-processes", "2", "--checkin-seconds", "3", "--vote-seconds", "2",
         "--settle", "2", "--output", str(tmp_path)]
    )  # fmt: skip

    document = json.loads((tmp_path / "latest.json").read_text())
    rows = {(row["scenario"], row["variant"]): row for row in document["rows"]}
    details = document["details"]
    assert status == 0
    assert document["scenario"] == "keynote"
    for setup, name in (
        ("sqlite", "keynote (sqlite, 1 process)"),
        ("postgresql", "keynote (postgresql, 2 processes)"),
    ):
        played = details[setup]
        assert {step: played["podium"][step]["ok"] for step in played["podium"]} == {
            "page": 16, "checkin": 16, "vote": 10, "question": 3
        }  # fmt: skip
        assert {step: played["baseline"][step]["ok"] for step in played["baseline"]} == {
            "page": 16, "checkin": 16, "vote": 10, "question": 3
        }  # fmt: skip
        assert played["stored"] == {"checkin": 16, "vote": 10, "question": 3}
        assert rows[(name, "writes lost")]["met"] is True
        assert played["tally"] == {**played["tally"], "reached": 6, "watchers": 6}
        assert played["phases"]["checkin"]["server_cpu_seconds"] > 0
        assert played["rss_mb"]["peak"] > 0
    assert details["postgresql"]["processes"] == 2
    assert details["postgresql"]["phases"]["checkin"]["database_cpu_seconds"] > 0


def test_bench_costs_tiny_run_measures_cpu_of_every_kind(tmp_path: Path) -> None:
    status = cli.main(
        ["costs", "--requests", "10", "--questions", "5", "--connections", "2", "--watchers", "4",
         "--output", str(tmp_path)]
    )  # fmt: skip

    document = json.loads((tmp_path / "latest.json").read_text())
    measured = document["details"]["per_request"]
    assert status == 0
    assert list(measured) == [
        "page", "checkin (htmx)", "checkin (plain)", "vote (htmx)", "question (htmx)",
        "tally -> 1 socket",
    ]  # fmt: skip
    assert all(measured[kind]["rate"] > 0 for kind in list(measured)[:5])
    assert sum(m["server_cpu_ms"] for m in measured.values()) > 0


def test_bench_databases_are_analyzed_where_autovacuum_would_have_been() -> None:
    """PostgreSQL plans a never-analyzed attendees table by walking the event's index (every
    attendee per check-in); a table analyzed while empty is planned as empty for good. The
    bench analyzes the tables its data filled (50 rows or more), and only those."""
    import asyncio

    from bench import data
    from bench.scenarios import _prepare
    from bench.servers import database
    from sqlalchemy import text

    async def build(db: Database) -> int:
        ev = await data.make_event(db)
        await data.make_attendees(db, event_id=ev.event_id, count=60, tag="a")
        return ev.event_id

    async def analyzed(url: str) -> dict[str, bool]:
        db = data.open_database(url)
        try:
            async with db.unit_of_work(write=False) as uow:
                rows = await uow.session.execute(
                    text(
                        "SELECT relname, last_analyze IS NOT NULL FROM pg_stat_user_tables"
                        " WHERE relname IN ('attendees', 'checkins', 'sessions')"
                    )
                )
                return {name: done for name, done in rows}
        finally:
            await db.dispose()

    with database("postgresql") as url:
        asyncio.run(_prepare(url, build))
        found = asyncio.run(analyzed(url))

    assert found == {"attendees": True, "checkins": False, "sessions": False}
