"""``python -m bench costs``: the CPU one request of each kind costs, the numbers
docs/scaling.md is computed from.

One ``podium serve`` (and, on PostgreSQL, the database's processes) is measured around
``--requests`` requests of one kind at a time (``--questions`` questions) over a few
connections: the session page GET, the htmx check-in, the plain check-in, the htmx vote and the
htmx question, then one tally sent to ``--watchers`` sockets. Reported: CPU milliseconds per
request of the server and of PostgreSQL (all of its processes on this machine), and the rate
reached; the cost of one WebSocket message is the tally's CPU divided by its sockets.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import data, keynote
from bench.load import run_load
from bench.report import Row
from bench.scenarios import _checkin_request, _expect_status, _host, _prepare, _vote_request
from bench.servers import (
    Server,
    database,
    postgres_cpu_seconds,
    raise_open_files_limit,
    serve_podium,
)
from podium.kit.db import Database

Outcome = tuple[list[Row], dict[str, Any]]


def add_flags(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--database", choices=["sqlite", "postgresql"], default="sqlite", help="(sqlite)"
    )
    sub.add_argument("--requests", type=int, default=2000, help="requests of each kind (2,000)")
    sub.add_argument("--connections", type=int, default=8, help="concurrent connections (8)")
    sub.add_argument("--watchers", type=int, default=2000, help="sockets of the tally (2,000)")
    sub.add_argument(
        "--questions",
        type=int,
        default=100,
        help="questions asked (100: a keynote's; the answer renders the session's whole list)",
    )


async def costs(args: argparse.Namespace, logs: Path) -> Outcome:
    raise_open_files_limit()
    n = args.requests

    async def build(db: Database) -> tuple[data.EventData, list[int], str]:
        ev = await data.make_event(db, uri="costs", live=True)
        people = await data.make_attendees(db, event_id=ev.event_id, count=2 * n, tag="c")
        return ev, people, await data.make_poll(db, session_id=ev.session_id)

    postgres = args.database == "postgresql"
    measured: dict[str, dict[str, float]] = {}
    with database(args.database) as url:
        ev, people, poll = await _prepare(url, build)
        with serve_podium(url, logs) as podium:
            asks = keynote.podium_requests(ev, poll, people)
            kinds: dict[str, tuple[Callable[[int], bytes], int, int]] = {
                "page": (lambda i: asks.page(podium, i), 200, n),
                "checkin (htmx)": (lambda i: asks.checkin(podium, i), 200, n),
                "checkin (plain)": (lambda i: _checkin_request(podium, ev, people[n + i]), 303, n),
                "vote (htmx)": (lambda i: asks.vote(podium, i), 200, n),
                "question (htmx)": (lambda i: asks.question(podium, i), 200, args.questions),
            }
            for i in range(20):  # warm: templates, pools
                await _expect_status(podium, asks.page(podium, i), 200, "page")
            for kind, (make, status, count) in kinds.items():
                measured[kind] = await _measure(podium, make, status, count, args, postgres)
            measured["tally -> 1 socket"] = await _tally(podium, ev, poll, people, args, postgres)
    rows = [
        Row(f"costs ({args.database})",
            f"{kind}: {m['server_cpu_ms']:.2f} ms server CPU, {m['database_cpu_ms']:.2f} ms "
            "database", None, m.get("rate"), None, None, "", None,
            {"server_cpu_ms": m["server_cpu_ms"], "database_cpu_ms": m["database_cpu_ms"]})
        for kind, m in measured.items()
    ]  # fmt: skip
    return rows, {"per_request": measured, "requests": n, "watchers": args.watchers}


def _cpu(podium: Server, postgres: bool) -> tuple[float, float]:
    return podium.cpu_seconds(), postgres_cpu_seconds() if postgres else 0.0


async def _measure(
    podium: Server,
    make: Callable[[int], bytes],
    status: int,
    count: int,
    args: argparse.Namespace,
    postgres: bool,
) -> dict[str, float]:
    before = _cpu(podium, postgres)
    result = await run_load(
        targets=[podium.target],
        connections=args.connections,
        make_request=lambda i, _t: make(i),
        requests=count,
        seconds=600,
        expect=lambda got: got == status,
    )
    after = _cpu(podium, postgres)
    if result.ok != count:
        raise RuntimeError(f"{result.ok} of {count} answered {status}: {result.statuses}")
    return {
        "rate": round(result.rate, 1),
        "server_cpu_ms": round((after[0] - before[0]) * 1000 / result.ok, 3),
        "database_cpu_ms": round((after[1] - before[1]) * 1000 / result.ok, 3),
    }


async def _tally(
    podium: Server,
    ev: data.EventData,
    poll: str,
    people: list[int],
    args: argparse.Namespace,
    postgres: bool,
) -> dict[str, float]:
    """One vote's tally to ``--watchers`` sockets, less one vote with no socket listening."""
    url = f"ws://{_host(podium)}/e/{ev.uri}/s/{ev.session_public_id}/live"
    voter = iter(people[-50:])
    quiet = await _vote_cpu(podium, ev, poll, next(voter), postgres)
    watchers = keynote.Watchers([url], poll, args.watchers, processes=2)
    try:
        await watchers.connect()
        await asyncio.sleep(1)
        loud = await _vote_cpu(podium, ev, poll, next(voter), postgres)
        await watchers.finish()
    finally:
        watchers.close()
    return {
        "server_cpu_ms": round(max(0.0, loud[0] - quiet[0]) * 1000 / args.watchers, 4),
        "database_cpu_ms": 0.0,
    }


async def _vote_cpu(
    podium: Server, ev: data.EventData, poll: str, attendee: int, postgres: bool
) -> tuple[float, float]:
    """CPU of one vote and what it sends, measured until the server is quiet again."""
    before = _cpu(podium, postgres)
    await _expect_status(podium, _vote_request(podium, ev, poll, attendee), 303, "vote")
    await asyncio.sleep(2)  # the coalesced tally and its sends
    after = _cpu(podium, postgres)
    return after[0] - before[0], after[1] - before[1]
