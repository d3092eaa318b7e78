"""The benchmark harness runs end to end (a tiny check-in scenario on SQLite), so it cannot rot
unnoticed: the numbers are not asserted, only that they exist and that work was done."""

from __future__ import annotations

import json
from pathlib import Path

from bench import cli


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
