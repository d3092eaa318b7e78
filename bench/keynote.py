"""``python -m bench keynote``: a keynote's rush, end to end, open loop.

At 09:00 the crowd arrives: each of ``--attendees`` phones (a cookie of its own) loads the
session page and, after a think time, checks in through the htmx form, all within
``--checkin-seconds``; then ``--voters`` of them vote on the open poll within
``--vote-seconds`` while ``--questions`` ask a question, and ``--watchers`` WebSockets (in
client processes of their own) follow the tally. The moments are drawn once from a seeded
crowd (check-ins peak early and tail off; votes peak a few seconds after the poll opens) and
played as a schedule, whatever the server's speed: a slow server makes answers late, not the
crowd polite.

Played on one ``podium serve`` on SQLite, then on two processes with PostgreSQL + Redis
(``--setups``), and against the bare Starlette baseline, the same schedule with one write per
POST and one SELECT per page. Reported per step: answers, errors, p50/p99; writes lost
(answered as done but not in the database afterwards) and writes stored that were answered as
failed; when the final tally reached the watchers; the servers' CPU (and PostgreSQL's) per
phase and their memory.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import random
import secrets
import time
from collections import Counter
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import data, wsclients
from bench.load import Connection, percentile, request_bytes
from bench.report import Row
from bench.scenarios import _checkin_request, _host, _prepare, _vote_request
from bench.servers import (
    Server,
    database,
    postgres_cpu_seconds,
    raise_open_files_limit,
    serve_baseline,
    serve_podium,
)
from podium.kit.db import Database

Outcome = tuple[list[Row], dict[str, Any]]
STEPS = ("page", "checkin", "vote", "question")
TIMEOUT = 30.0  # an answer later than this is an error
P99_TARGET_MS = 250.0
PODIUM_EXPECTS = dict.fromkeys(STEPS, 200)  # htmx forms: 200 with the section
BASELINE_EXPECTS = {**dict.fromkeys(STEPS, 303), "page": 200}


def add_flags(sub: argparse.ArgumentParser) -> None:
    sub.add_argument(
        "--setups",
        default="sqlite,postgresql",
        help="comma-separated: sqlite (one process), postgresql (two processes + Redis)",
    )
    sub.add_argument("--attendees", type=int, default=3000, help="phones checking in (3,000)")
    sub.add_argument("--voters", type=int, default=2000, help="of them, voting (2,000)")
    sub.add_argument("--questions", type=int, default=100, help="of them, asking (100)")
    sub.add_argument("--watchers", type=int, default=3000, help="WebSockets watching (3,000)")
    sub.add_argument(
        "--checkin-seconds", type=float, default=60.0, help="the check-in rush's length (60)"
    )
    sub.add_argument("--vote-seconds", type=float, default=10.0, help="the vote's length (10)")
    sub.add_argument(
        "--settle", type=float, default=5.0, help="seconds for the final tally to arrive"
    )
    sub.add_argument(
        "--watcher-processes", type=int, default=3, help="client processes holding the sockets"
    )
    sub.add_argument("--seed", type=int, default=9, help="the crowd's random seed")


# --- the crowd -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Crowd:
    """When each phone does what, in seconds: page loads and check-ins from the rush's start,
    votes and questions from the poll's opening."""

    pages: list[float]
    checkins: list[float]
    votes: list[float]
    questions: list[float]


def crowd(args: argparse.Namespace) -> Crowd:
    """Each phone's think time between the page and the check-in is log-normal (median 4 s,
    1 to 15 s, at most half the rush); arrivals peak in the rush's first quarter and tail off
    (Beta(2, 4)) so that every check-in falls within the rush; votes peak a few seconds after
    the poll opens (Beta(2, 3)); questions come evenly."""
    rng = random.Random(args.seed)
    pages, checkins = [], []
    for _ in range(args.attendees):
        think = min(args.checkin_seconds / 2, 15.0, max(1.0, rng.lognormvariate(math.log(4), 0.5)))
        arrival = (args.checkin_seconds - think) * rng.betavariate(2, 4)
        pages.append(arrival)
        checkins.append(arrival + think)
    votes = [args.vote_seconds * rng.betavariate(2, 3) for _ in range(args.voters)]
    questions = [args.vote_seconds * rng.random() for _ in range(args.questions)]
    return Crowd(pages, checkins, votes, questions)


# --- playing it ----------------------------------------------------------------------------


@dataclass
class Step:
    """What one step's requests got."""

    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    errors: int = 0
    late: list[float] = field(default_factory=list)  # how late the client sent (its own lag)
    answered_at: float = 0.0  # wall clock of the last answer

    def ok(self, expected: int) -> int:
        return self.statuses.get(expected, 0)

    def detail(self, expected: int) -> dict[str, Any]:
        return {
            "ok": self.ok(expected),
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "errors": self.errors,
            "p50_ms": round(percentile(self.latencies, 50) * 1000, 2),
            "p99_ms": round(percentile(self.latencies, 99) * 1000, 2),
            "max_ms": round(max(self.latencies, default=0.0) * 1000, 2),
            "client_late_ms_p99": round(percentile(self.late, 99) * 1000, 2),
        }


@dataclass(frozen=True)
class Requests:
    """How each step is asked of one kind of server, for phone i."""

    page: Callable[[Server, int], bytes]
    checkin: Callable[[Server, int], bytes]
    vote: Callable[[Server, int], bytes]
    question: Callable[[Server, int], bytes]


def podium_requests(ev: data.EventData, poll: str, attendees: Sequence[int]) -> Requests:
    def page(server: Server, i: int) -> bytes:
        return request_bytes(
            "GET",
            f"/e/{ev.uri}/s/{ev.session_public_id}",
            host=_host(server),
            headers={"Cookie": _cookie(ev, attendees[i])},
        )

    def question(server: Server, i: int) -> bytes:
        return request_bytes(
            "POST",
            f"/e/{ev.uri}/s/{ev.session_public_id}/questions",
            host=_host(server),
            headers={"Cookie": _cookie(ev, attendees[i]), "HX-Request": "true"},
            form={"csrf_token": data.csrf_token(), "text": f"Question {i} from the floor?"},
        )

    return Requests(
        page=page,
        checkin=lambda server, i: _checkin_request(server, ev, attendees[i], htmx=True),
        vote=lambda server, i: _vote_request(server, ev, poll, attendees[i], htmx=True),
        question=question,
    )


def baseline_requests(ev: data.EventData) -> Requests:
    def page(server: Server, _i: int) -> bytes:
        return request_bytes("GET", f"/sessions/{ev.event_id}", host=_host(server))

    def write(server: Server, i: int) -> bytes:
        return request_bytes(
            "POST", "/write", host=_host(server), form={"session": "1", "attendee": str(i)}
        )

    return Requests(page, write, write, write)


async def _at(moment: float) -> None:
    await asyncio.sleep(max(0.0, moment - time.perf_counter()))


async def _send(step: Step, connection: Connection, raw: bytes, due: float) -> None:
    step.late.append(max(0.0, time.perf_counter() - due))
    sent = time.perf_counter()
    try:
        status, _headers, _body = await asyncio.wait_for(connection.send(raw), TIMEOUT)
    except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
        step.errors += 1
        await connection.close()
        return
    step.latencies.append(time.perf_counter() - sent)
    step.statuses[status] += 1
    step.answered_at = max(step.answered_at, time.time())


async def play(
    servers: Sequence[Server],
    asks: Requests,
    plan: Crowd,
    at_phase: Callable[[str], None] = lambda _name: None,
) -> dict[str, Step]:
    """Play ``plan`` against ``servers`` (phone i talks to ``servers[i % n]``, on a new
    connection for each request: after a think time a phone's idle connection is gone): the check-in
    rush, then, once every check-in is answered, the vote. ``at_phase`` is told when each
    phase starts and ends."""
    steps = {name: Step() for name in STEPS}

    async def arrive(i: int, start: float) -> None:
        await once("page", asks.page, i, start + plan.pages[i])
        await once("checkin", asks.checkin, i, start + plan.checkins[i])

    async def once(name: str, ask: Callable[[Server, int], bytes], i: int, due: float) -> None:
        server = servers[i % len(servers)]
        connection = Connection(*server.target)
        try:
            await _at(due)
            await _send(steps[name], connection, ask(server, i), due)
        finally:
            await connection.close()

    at_phase("checkin")
    start = time.perf_counter()
    await asyncio.gather(*(arrive(i, start) for i in range(len(plan.checkins))))
    at_phase("vote")
    opened = time.perf_counter() + 1.0
    await asyncio.gather(
        *(once("vote", asks.vote, i, opened + at) for i, at in enumerate(plan.votes)),
        *(once("question", asks.question, i, opened + at) for i, at in enumerate(plan.questions)),
    )
    at_phase("settle")
    return steps


def _cookie(ev: data.EventData, attendee_id: int) -> str:
    return data.attendee_cookie(attendee_id=attendee_id, event_id=ev.event_id)


# --- the watchers --------------------------------------------------------------------------


class Watchers:
    """``count`` sockets on the servers' live channel (shared out evenly), in client
    processes: connected before the rush, asked at the end for the last tally each saw."""

    def __init__(self, urls: Sequence[str], poll: str, count: int, processes: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.results: Any = context.Queue()
        self.stop = context.Event()
        processes = max(1, min(processes, count))
        shares = [count // processes] * processes
        shares[0] += count - sum(shares)
        self.children = [
            context.Process(
                target=wsclients.watch,
                args=(urls[n % len(urls)], poll, share, self.stop, self.results),
            )
            for n, share in enumerate(shares)
            if share
        ]

    async def connect(self) -> dict[str, Any]:
        for child in self.children:
            child.start()
        ready = [await asyncio.to_thread(self.results.get, True, 300) for _ in self.children]
        return {
            "connected": sum(r["connected"] for r in ready),
            "failed": sum(r["failed"] for r in ready),
            "seconds": max(r["seconds"] for r in ready),
        }

    async def finish(self) -> tuple[list[tuple[float, int] | None], int]:
        """Every socket's last tally (wall clock, votes), and how many closed early."""
        self.stop.set()
        reports = [await asyncio.to_thread(self.results.get, True, 300) for _ in self.children]
        self.close()
        return [t for r in reports for t in r["last"]], sum(r["closed_early"] for r in reports)

    def close(self) -> None:
        self.stop.set()
        for child in self.children:
            child.join(timeout=60)
            if child.is_alive():
                child.kill()


# --- the scenario --------------------------------------------------------------------------


class Meter:
    """The servers' CPU (and PostgreSQL's) at each phase's start, and their memory."""

    def __init__(self, servers: Sequence[Server], postgres: bool) -> None:
        self.servers = servers
        self.postgres = postgres
        self.marks: list[tuple[str, float, float, float]] = []

    def mark(self, name: str) -> None:
        self.marks.append(
            (
                name,
                time.perf_counter(),
                sum(s.cpu_seconds() for s in self.servers),
                postgres_cpu_seconds() if self.postgres else 0.0,
            )
        )

    def phases(self) -> dict[str, dict[str, float]]:
        found = {}
        for (name, at, cpu, db), (_next, until, cpu_after, db_after) in zip(
            self.marks, self.marks[1:], strict=False
        ):
            found[name] = {
                "seconds": round(until - at, 2),
                "server_cpu_seconds": round(cpu_after - cpu, 2),
                "server_cores": round((cpu_after - cpu) / (until - at), 2) if until > at else 0,
                "database_cpu_seconds": round(db_after - db, 2),
            }
        return found


async def _rush(
    setup: str, args: argparse.Namespace, logs: Path, plan: Crowd
) -> tuple[list[Row], dict[str, Any]]:
    kind = "sqlite" if setup == "sqlite" else "postgresql"
    processes = 1 if kind == "sqlite" else 2
    needed = args.attendees

    async def build(db: Database) -> tuple[data.EventData, list[int], str]:
        ev = await data.make_event(db, uri="keynote", live=True)
        people = await data.make_attendees(db, event_id=ev.event_id, count=needed, tag="k")
        return ev, people, await data.make_poll(db, session_id=ev.session_id)

    prefix = f"podium-bench:{secrets.token_hex(4)}:" if processes > 1 else None
    with database(kind) as url:
        ev, people, poll = await _prepare(url, build)
        with ExitStack() as stack:
            base = stack.enter_context(serve_baseline(url, logs))
            podiums = [
                stack.enter_context(serve_podium(url, logs, redis_prefix=prefix))
                for _ in range(processes)
            ]
            theirs_asked, mine_asked = baseline_requests(ev), podium_requests(ev, poll, people)
            for server in (base, *podiums):  # warm: pools, templates, caches
                asks = theirs_asked if server is base else mine_asked
                for i in range(min(10, needed)):
                    connection = Connection(*server.target)
                    await connection.send(asks.page(server, i))
                    await connection.close()
            theirs = await play([base], theirs_asked, plan)
            urls = [f"ws://{_host(p)}/e/{ev.uri}/s/{ev.session_public_id}/live" for p in podiums]
            watchers = Watchers(urls, poll, args.watchers, args.watcher_processes)
            try:
                sockets = await watchers.connect()
                meter = Meter(podiums, postgres=kind == "postgresql")
                rss_before = sum(p.rss_bytes() for p in podiums)
                mine = await play(podiums, mine_asked, plan, meter.mark)
                await asyncio.sleep(args.settle)
                meter.mark("settled")
                tallies, closed_early = await watchers.finish()
            finally:
                watchers.close()
            rss_after = sum(p.rss_bytes() for p in podiums)
            rss_peak = sum(p.peak_rss_bytes() for p in podiums)
        db = data.open_database(url)
        try:
            stored = {
                "checkin": await data.count_checked_in(db, session_id=ev.session_id),
                "vote": await data.count_votes(db, poll_public_id=poll),
                "question": await data.count_questions(db, session_id=ev.session_id),
            }
        finally:
            await db.dispose()
    return _rows(
        setup,
        processes,
        {"baseline": theirs, "podium": mine},
        stored,
        tallies,
        {
            "sockets": sockets,
            "closed_early": closed_early,
            "phases": meter.phases(),
            "rss_mb": {
                "before": round(rss_before / 2**20, 1),
                "after": round(rss_after / 2**20, 1),
                "peak": round(rss_peak / 2**20, 1),
            },
        },
    )


def _rows(
    setup: str,
    processes: int,
    played: dict[str, dict[str, Step]],
    stored: dict[str, int],
    tallies: list[tuple[float, int] | None],
    facts: dict[str, Any],
) -> tuple[list[Row], dict[str, Any]]:
    mine, theirs = played["podium"], played["baseline"]
    name = f"keynote ({setup}, {processes} process{'es' if processes > 1 else ''})"
    on_sqlite = setup == "sqlite"
    rows: list[Row] = []
    for step in STEPS:
        got, base = mine[step], theirs[step]
        detail = got.detail(PODIUM_EXPECTS[step])
        failed = sum(got.statuses.values()) - detail["ok"] + got.errors
        fast = detail["p99_ms"] < P99_TARGET_MS
        rows.append(
            Row(
                name,
                step,
                None,
                None,
                detail["p50_ms"],
                detail["p99_ms"],
                "0 errors, p99 < 250 ms" if on_sqlite else "0 errors",
                failed == 0 and (fast or not on_sqlite),
                {**detail, "baseline": base.detail(BASELINE_EXPECTS[step])},
            )
        )
    accepted = {step: mine[step].ok(200) for step in ("checkin", "vote", "question")}
    lost = {step: max(0, accepted[step] - stored[step]) for step in accepted}
    unanswered = {step: max(0, stored[step] - accepted[step]) for step in accepted}
    rows.append(
        Row(name, "writes lost", None, None, None, None, "0 lost", sum(lost.values()) == 0,
            {"accepted": accepted, "stored": stored, "lost": lost,
             "stored_but_answered_failed": unanswered})
    )  # fmt: skip
    final = stored["vote"]
    last_vote = mine["vote"].answered_at
    lags = [max(0.0, at - last_vote) for t in tallies if t is not None for at, votes in [t]
            if votes == final]  # fmt: skip
    reached = len(lags)
    lag_p99 = percentile(lags, 99) * 1000
    rows.append(
        Row(name, f"final tally -> {len(tallies)} watchers", None, None,
            percentile(lags, 50) * 1000, lag_p99, "every watcher within 1 s",
            reached == len(tallies) == facts["sockets"]["connected"] and lag_p99 <= 1000,
            {"reached": reached, "watchers": len(tallies), "final_votes": final,
             "max_ms": round(max(lags, default=0.0) * 1000, 1)})
    )  # fmt: skip
    phases = facts["phases"]
    cpu = sum(p["server_cpu_seconds"] for p in phases.values())
    rows.append(
        Row(name, f"server CPU {cpu:.1f} s, RSS peak {facts['rss_mb']['peak']:.0f} MB", None,
            None, None, None, "", None, {"phases": phases, "rss_mb": facts["rss_mb"]})
    )  # fmt: skip
    details = {
        "processes": processes,
        "podium": {step: mine[step].detail(PODIUM_EXPECTS[step]) for step in STEPS},
        "baseline": {step: theirs[step].detail(BASELINE_EXPECTS[step]) for step in STEPS},
        "stored": stored,
        "lost": lost,
        "tally": {"reached": reached, "watchers": len(tallies), "lag_ms": sorted(lags)[-5:]},
        **facts,
    }
    return rows, details


async def keynote(args: argparse.Namespace, logs: Path) -> Outcome:
    """The rush on each of ``--setups``."""
    if args.voters > args.attendees or args.questions > args.attendees:
        raise ValueError("--voters and --questions are some of the --attendees")
    setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    unknown = set(setups) - {"sqlite", "postgresql"}
    if unknown or not setups:
        raise ValueError(f"--setups takes sqlite and postgresql, not {sorted(unknown)}")
    raise_open_files_limit()
    plan = crowd(args)
    rows: list[Row] = []
    details: dict[str, Any] = {
        "crowd": {
            "attendees": args.attendees,
            "voters": args.voters,
            "questions": args.questions,
            "watchers": args.watchers,
            "checkin_seconds": args.checkin_seconds,
            "vote_seconds": args.vote_seconds,
            "peak_checkins_per_s": _peak(plan.checkins),
            "peak_votes_per_s": _peak(plan.votes),
        }
    }
    for setup in setups:
        setup_rows, setup_details = await _rush(setup, args, logs, plan)
        rows += setup_rows
        details[setup] = setup_details
    return rows, details


def _peak(moments: Sequence[float]) -> int:
    """The most moments in any one second."""
    return max(Counter(int(m) for m in moments).values(), default=0)
