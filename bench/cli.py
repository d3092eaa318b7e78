"""``python -m bench SCENARIO [flags]``: run scenarios, print the table, write the JSON."""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import costs, keynote
from bench.report import RESULTS, Row, table, write_json
from bench.scenarios import SCENARIOS

# scenarios with flags of their own, not in `all`: a keynote's rush (several minutes at the
# issue's size) and the CPU per request that docs/scaling.md is computed from
OWN_FLAGS = {
    "keynote": (keynote.keynote, keynote.add_flags),
    "costs": (costs.costs, costs.add_flags),
}

# defaults sized so that `python -m bench all` takes a few minutes on a 2-core machine;
# the full sizes are named in each flag's help
DEFAULTS: dict[str, dict[str, Any]] = {
    "checkin": {"requests": 10000, "connections": 64},
    "vote-burst": {"voters": 2000, "watchers": 500, "connections": 64},
    "attendance-list": {"attendees": 5000, "requests": 100, "connections": 16},
    "schedule-feed": {"requests": 300, "connections": 16},
    "fanout": {},
    "scale-out": {"database": "postgresql", "requests": 2000, "voters": 1000, "watchers": 100},
    "credits": {"attendees": 2000, "sessions": 60},
}


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="python -m bench",
        description="Load scenarios against real `podium serve` processes on loopback; every "
        "figure is a ratio against a minimal Starlette baseline measured in the same run "
        "(alternating rounds). Prints a table and writes bench/results/<time>-<scenario>.json.",
    )
    commands = main.add_subparsers(dest="scenario", required=True, metavar="SCENARIO")
    helps = {
        "checkin": "concurrent check-ins of distinct attendees into one session",
        "vote-burst": "attendees vote on one open poll while WebSocket clients watch",
        "attendance-list": "GET /api/v2/sessions/{id}/attendance of a big session",
        "schedule-feed": "GET /api/v2/sessions: cold, warm, and If-None-Match",
        "fanout": "thousands of idle WebSocket clients, one broadcast",
        "scale-out": "checkin+reads and a vote burst on PostgreSQL + Redis, 1 vs 2 processes",
        "credits": "recompute a generated event's credits: cold, warm, after a rule change",
        "all": "every scenario with its defaults (a few minutes)",
        "keynote": "a keynote's rush, open loop: page, htmx check-in, vote, questions, "
        "watchers; one SQLite process, then two PostgreSQL + Redis processes (not in `all`)",
        "costs": "server and PostgreSQL CPU per page GET, check-in, vote, question and "
        "WebSocket message (not in `all`)",
    }
    for name, text in helps.items():
        sub = commands.add_parser(name, help=text, description=text)
        if name in OWN_FLAGS:
            OWN_FLAGS[name][1](sub)
            _output_flag(sub)
        else:
            _flags(sub, name)
    return main


def _output_flag(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where the JSON files go (default bench/results)",
    )


def _flags(sub: argparse.ArgumentParser, name: str) -> None:
    defaults = DEFAULTS.get(name, {})
    sub.add_argument(
        "--database",
        choices=["sqlite", "postgresql"],
        default=defaults.get("database", "sqlite"),
        help="database of both servers (postgresql: BENCH_POSTGRES_URL, default "
        "postgresql://postgres@127.0.0.1:5432/postgres; a fresh database is made)",
    )
    sub.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="alternating baseline/Podium rounds; medians are reported (default 3)",
    )
    sub.add_argument(
        "--seconds", type=float, default=15.0, help="time bound of one round (default 15)"
    )
    sub.add_argument(
        "--requests",
        type=int,
        default=defaults.get("requests", 1000),
        help="request bound of one round",
    )
    _output_flag(sub)
    sub.add_argument(
        "--connections",
        type=int,
        default=defaults.get("connections", 64),
        help="concurrent HTTP connections",
    )
    if name in ("vote-burst", "scale-out", "all"):
        sub.add_argument(
            "--voters",
            type=int,
            default=defaults.get("voters", 2000),
            help="attendees voting in one burst",
        )
        sub.add_argument(
            "--watchers",
            type=int,
            default=defaults.get("watchers", 500),
            help="WebSocket clients watching the results (issue: 500)",
        )
    if name in ("vote-burst", "scale-out", "fanout", "all"):
        sub.add_argument(
            "--settle",
            type=float,
            default=5.0,
            help="seconds to wait for broadcasts after the last vote",
        )
    if name in ("checkin", "vote-burst"):
        sub.add_argument(
            "--htmx",
            action="store_true",
            help="send the form as the page's script does (HX-Request; answered 200 with the "
            "attendance or polls section) instead of the plain form (303)",
        )
    if name in ("attendance-list", "credits", "all"):
        sub.add_argument(
            "--attendees",
            type=int,
            default=defaults.get("attendees", 5000),
            help="check-ins of the listed session (issue: 5,000); for credits, the event's "
            "attendees (issue: 2,000)",
        )
    if name in ("attendance-list", "all"):
        sub.add_argument(
            "--cold",
            type=int,
            default=15,
            help="GETs one at a time, each right after a change to the list",
        )
    if name in ("schedule-feed", "credits", "all"):
        sub.add_argument(
            "--sessions",
            type=int,
            default=defaults.get("sessions", 1000),
            help="sessions (issue: 1,000; for credits: 60)",
        )
    if name in ("credits", "all"):
        sub.add_argument(
            "--records-per-attendee",
            type=int,
            default=20,
            help="sessions each attendee has a record of (default 20 of 60: about 40,000 "
            "records; every attendee in every session would be 120,000)",
        )
    if name in ("schedule-feed", "all"):
        sub.add_argument("--presenters", type=int, default=1500, help="presenters (issue: 1,500)")
    if name in ("fanout", "all"):
        sub.add_argument(
            "--clients", type=int, default=5000, help="idle WebSocket clients (issue: 5,000)"
        )
        sub.add_argument(
            "--processes", type=int, default=4, help="client processes sharing the sockets"
        )


def _for(name: str, args: argparse.Namespace) -> argparse.Namespace:
    """``all``'s flags, with each scenario's own defaults where the flag was left alone."""
    values = dict(vars(args))
    given = parser().parse_args(["all"])  # the defaults of `all`
    for key, value in DEFAULTS.get(name, {}).items():
        if values.get(key) == getattr(given, key, None):
            values[key] = value
    values.setdefault("voters", 2000)
    values.setdefault("watchers", 500)
    values.setdefault("settle", 5.0)
    values.setdefault("attendees", 5000)
    values.setdefault("cold", 15)
    values.setdefault("htmx", False)
    values.setdefault("sessions", 1000)
    values.setdefault("presenters", 1500)
    values.setdefault("clients", 5000)
    values.setdefault("processes", 4)
    values.setdefault("records_per_attendee", 20)
    return argparse.Namespace(**values)


def _all_runs(args: argparse.Namespace) -> list[tuple[str, argparse.Namespace]]:
    """Every scenario with ``all``'s flags: check-in and vote-burst on SQLite and on
    PostgreSQL, each with the plain form and with the htmx form (every path a phone takes);
    credits on both databases."""
    varied = ("checkin", "vote-burst", "credits")
    runs = []
    for name in ("checkin", "vote-burst"):
        flags = vars(_for(name, args))
        for database in ("sqlite", "postgresql"):
            for htmx in (False, True):
                variant = {**flags, "database": database, "htmx": htmx}
                runs.append((name, argparse.Namespace(**variant)))
    runs += [(name, _for(name, args)) for name in SCENARIOS if name not in varied]
    credits = vars(_for("credits", args))
    for database in ("sqlite", "postgresql"):
        runs.append(("credits", argparse.Namespace(**{**credits, "database": database})))
    return runs


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    runs: list[tuple[str, argparse.Namespace]] = (
        _all_runs(args) if args.scenario == "all" else [(args.scenario, args)]
    )
    rows: list[Row] = []
    failures = []
    for name, scenario_args in runs:
        logs = Path(tempfile.mkdtemp(prefix=f"podium-bench-{name}-logs-"))
        print(f"== {name} (server logs: {logs})", flush=True)
        started = time.perf_counter()
        try:
            play = OWN_FLAGS[name][0] if name in OWN_FLAGS else SCENARIOS[name]
            scenario_rows, details = asyncio.run(play(scenario_args, logs))
        except Exception as error:  # one broken scenario must not hide the others' numbers
            if args.scenario != "all":
                raise
            failures.append(f"{name}: {error!r}")
            print(f"   failed: {error!r}", flush=True)
            continue
        details["wall_seconds"] = round(time.perf_counter() - started, 1)
        path = write_json(
            name, scenario_rows, details, dict(vars(scenario_args)), directory=args.output
        )
        print(table(scenario_rows), flush=True)
        print(f"   -> {path} ({details['wall_seconds']} s)\n", flush=True)
        rows += scenario_rows
    if len(runs) > 1:
        print("== all scenarios")
        print(table(rows))
        write_json("all", rows, {"failures": failures}, vars(args), directory=args.output)
    for failure in failures:
        print(f"failed: {failure}")
    return 1 if failures else 0
