"""Rows of the results table, the table as text, and the JSON file of a run."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from bench.load import LoadResult
from bench.servers import ROOT

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    scenario: str
    variant: str
    ratio: float | None
    rate: float | None  # requests (or votes, or messages) per second
    p50_ms: float | None
    p99_ms: float | None
    target: str
    met: bool | None  # None: nothing to compare (an informational row)
    extra: dict[str, Any] = field(default_factory=dict)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def summary(results: list[LoadResult]) -> dict[str, float]:
    """Medians over rounds of rate, p50, p99."""
    return {
        "rate": median([r.rate for r in results]),
        "p50_ms": median([r.percentile(50) for r in results]),
        "p99_ms": median([r.percentile(99) for r in results]),
    }


def paired_ratio(podium: list[LoadResult], baseline: list[LoadResult]) -> float:
    """Median over rounds of podium rate / baseline rate of the same round."""
    ratios = [p.rate / b.rate for p, b in zip(podium, baseline, strict=True) if b.rate]
    return median(ratios)


def rounds_detail(results: list[LoadResult]) -> list[dict[str, Any]]:
    return [
        {
            "requests": r.requests,
            "ok": r.ok,
            "seconds": round(r.seconds, 3),
            "rate": round(r.rate, 1),
            "p50_ms": round(r.percentile(50), 2),
            "p99_ms": round(r.percentile(99), 2),
            "statuses": {str(k): v for k, v in sorted(r.statuses.items())},
            "errors": r.errors,
        }
        for r in results
    ]


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(rows: list[Row]) -> str:
    header = ["scenario", "variant", "ratio", "req/s", "p50 ms", "p99 ms", "target", "met?"]
    body = [
        [
            row.scenario,
            row.variant,
            _fmt(row.ratio, 2),
            _fmt(row.rate),
            _fmt(row.p50_ms),
            _fmt(row.p99_ms),
            row.target,
            {True: "yes", False: "NO", None: "-"}[row.met],
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    rule = ["-" * width for width in widths]
    return "\n".join(
        " | ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True))
        for line in [header, rule, *body]
    )


def source_state() -> dict[str, Any]:
    """The commit the run came from, and whether the working tree had changes."""

    def git(*args: str) -> str:
        try:
            return subprocess.run(
                ["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10
            ).stdout.strip()
        except OSError:
            return ""

    changed = git("status", "--porcelain", "--", "src")
    return {
        "commit": git("rev-parse", "HEAD"),
        "src_changed_files": len(changed.splitlines()) if changed else 0,
    }


def write_json(
    name: str,
    rows: list[Row],
    details: dict[str, Any],
    args: dict[str, Any],
    *,
    directory: Path = RESULTS,
) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    document = {
        "scenario": name,
        "started": stamp,
        "machine": {
            "cpus": _cpus(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "source": source_state(),
        "args": args,
        "rows": [asdict(row) for row in rows],
        "details": details,
    }
    path = directory / f"{stamp}-{name}.json"
    text = json.dumps(document, indent=2, default=str)
    path.write_text(text)
    (directory / "latest.json").write_text(text)
    return path


def _cpus() -> int:
    import os

    return os.cpu_count() or 0
