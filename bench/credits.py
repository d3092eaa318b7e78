"""The credits scenario: recomputing a whole event's awards (``podium credits recompute``) in
process, against a baseline that only reads what any recompute must read.

No servers: the recompute is a unit of work of its own (what the CLI command, a rule change or
a session's new times run), timed from opening it to its commit."""

from __future__ import annotations

import os
import threading
import time
from argparse import Namespace
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select, update

from bench import data
from bench.report import Row, median
from bench.servers import database, migrate
from podium.credits.ledger import refresh_credits
from podium.kit.db import Database
from podium.kit.writer import Work
from podium.models import (
    Checkin,
    CheckinHistoryEntry,
    Codeword,
    CodewordSubmission,
    CreditAward,
    Event,
    EventCreditRules,
    EventSession,
    FieldOfStudy,
    SessionCreditRules,
)

TARGET_SECONDS = 10.0
CHANGED_MINUTES = 45  # the rule change: 50 minutes per credit -> 45

Outcome = tuple[list[Row], dict[str, Any]]


def read_inputs(work: Work, *, event_id: int) -> int:
    """The baseline: every row a recompute of the event decides from, read with one plain
    SELECT per table and fetched — the sessions with their fields of study, codewords and
    rules, the records, their history (in the order stays are paired in) and the valid
    codewords entered. Nothing computed, nothing written. The number of rows read."""
    connection = work.connection
    of_event = EventSession.event_id == event_id
    statements = [
        select(Event.timezone).where(Event.id == event_id),
        select(EventCreditRules).where(EventCreditRules.event_id == event_id),
        select(SessionCreditRules).join(EventSession).where(of_event),
        select(
            EventSession.id,
            EventSession.public_id,
            EventSession.name,
            EventSession.date,
            EventSession.start_time,
            EventSession.end_time,
        ).where(of_event),
        select(FieldOfStudy.id, FieldOfStudy.session_id, FieldOfStudy.name, FieldOfStudy.credits)
        .join(EventSession)
        .where(of_event),
        select(Codeword.field_of_study_id, Codeword.id)
        .join(FieldOfStudy)
        .join(EventSession)
        .where(of_event),
        select(
            Checkin.id,
            Checkin.attendee_id,
            Checkin.session_id,
            Checkin.checked_in,
            Checkin.evaluation_completed_at,
        )
        .join(EventSession)
        .where(of_event, Checkin.checkin_time_actual.is_not(None)),
        select(CheckinHistoryEntry.checkin_id, CheckinHistoryEntry.action, CheckinHistoryEntry.at)
        .join(Checkin)
        .join(EventSession)
        .where(of_event)
        .order_by(CheckinHistoryEntry.checkin_id, CheckinHistoryEntry.at, CheckinHistoryEntry.id),
        select(
            CodewordSubmission.checkin_id,
            CodewordSubmission.codeword_id,
            CodewordSubmission.submitted_at,
        )
        .join(Checkin)
        .join(EventSession)
        .where(of_event, CodewordSubmission.codeword_id.is_not(None)),
    ]
    return sum(len(connection.execute(statement).fetchall()) for statement in statements)


class PeakRss:
    """This process's resident memory, sampled every 10 ms on a thread while in the block:
    ``before`` and ``peak`` in bytes (Linux only; 0 elsewhere)."""

    _PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096

    def __init__(self) -> None:
        self.before = self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @classmethod
    def now(cls) -> int:
        try:
            with open("/proc/self/statm") as statm:
                return int(statm.read().split()[1]) * cls._PAGE
        except OSError:
            return 0

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, self.now())

    def __enter__(self) -> PeakRss:
        self.before = self.peak = self.now()
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.now())


async def _timed(step: Callable[[], Awaitable[int]]) -> dict[str, Any]:
    """Seconds, the step's count (rows read or written) and peak RSS of one run of ``step``."""
    with PeakRss() as rss:
        started = time.perf_counter()
        count = await step()
        seconds = time.perf_counter() - started
    return {
        "seconds": round(seconds, 4),
        "rows": count,
        "rss_before_mb": round(rss.before / 2**20, 1),
        "rss_peak_mb": round(rss.peak / 2**20, 1),
    }


async def _baseline(db: Database, event_id: int) -> int:
    async with db.unit_of_work(write=False) as uow:
        return await uow.run(partial(read_inputs, event_id=event_id))


async def _recompute(db: Database, event_id: int, *, minutes_per_credit: int | None = None) -> int:
    """``podium credits recompute`` of the event in a unit of work, to its commit; with
    ``minutes_per_credit``, the event's rule is changed first in the same unit of work (as
    ``set_credit_rules`` does, less its audit log entry). Award rows written."""
    async with db.unit_of_work() as uow:
        if minutes_per_credit is not None:
            await uow.session.execute(
                update(EventCreditRules)
                .where(EventCreditRules.event_id == event_id)
                .values(minutes_per_credit=minutes_per_credit)
            )
        return await uow.run(partial(refresh_credits, event_id=event_id))


async def _reset(db: Database, event_id: int) -> None:
    """Untimed, before each round: no awards, and the event's rules as generated."""
    async with db.unit_of_work() as uow:
        await uow.session.execute(delete(CreditAward))
        await uow.session.execute(
            update(EventCreditRules)
            .where(EventCreditRules.event_id == event_id)
            .values(minutes_per_credit=data.CREDITS_EVENT_RULES["minutes_per_credit"])
        )


async def credits(args: Namespace, logs: Path) -> Outcome:
    """A generated event's credits recomputed: cold (every award inserted), warm (nothing
    changed, nothing written) and after a rule change (most awards updated), each round
    after the baseline's reads of the same inputs."""
    del logs  # no servers
    with database(args.database) as url:
        migrate(url)
        db = data.open_database(url)
        try:
            started = time.perf_counter()
            made = await data.make_credits_event(
                db,
                attendees=args.attendees,
                sessions=args.sessions,
                records_per_attendee=args.records_per_attendee,
            )
            await data.analyze(db)
            generated = time.perf_counter() - started
            event_id = made.event_id
            runs: dict[str, list[dict[str, Any]]] = {
                "baseline": [], "cold": [], "warm": [], "changed": []
            }  # fmt: skip
            for _ in range(args.rounds):
                await _reset(db, event_id)
                runs["baseline"].append(await _timed(partial(_baseline, db, event_id)))
                runs["cold"].append(await _timed(partial(_recompute, db, event_id)))
                runs["warm"].append(await _timed(partial(_recompute, db, event_id)))
                runs["changed"].append(
                    await _timed(
                        partial(_recompute, db, event_id, minutes_per_credit=CHANGED_MINUTES)
                    )
                )
            async with db.unit_of_work(write=False) as uow:
                awards = int(await uow.session.scalar(select(func.count(CreditAward.id))) or 0)
        finally:
            await db.dispose()
    return _rows(args, made, runs, awards), {
        "generated": vars(made),
        "generate_seconds": round(generated, 1),
        "awards_stored": awards,
        "rounds": runs,
    }


def _rows(
    args: Namespace, made: data.CreditsEvent, runs: dict[str, list[dict[str, Any]]], awards: int
) -> list[Row]:
    name = f"credits ({args.database}, {made.attendees}x{made.sessions}, {made.records} records)"
    base = runs["baseline"]

    def seconds(variant: str) -> list[float]:
        return [run["seconds"] for run in runs[variant]]

    def row(variant: str, label: str, target: str = "", met: bool | None = None) -> Row:
        mine = seconds(variant)
        ratios = [m / b["seconds"] for m, b in zip(mine, base, strict=True) if b["seconds"]]
        typical = median(mine)
        written = [run["rows"] for run in runs[variant]]
        return Row(
            name,
            f"{label} ({median([float(w) for w in written]):,.0f} rows written)",
            median(ratios) if variant != "baseline" else None,
            made.records / typical if typical else None,
            typical * 1000,
            max(mine) * 1000,
            target,
            met,
            {
                "seconds": mine,
                "rows_written": written,
                "rss_peak_mb": max(run["rss_peak_mb"] for run in runs[variant]),
                "rss_growth_mb": round(max(run["rss_peak_mb"] - run["rss_before_mb"]
                                           for run in runs[variant]), 1),
            },
        )  # fmt: skip

    cold = median(seconds("cold"))
    baseline = row("baseline", "baseline: read the inputs")
    baseline.variant = f"baseline: read the inputs ({median([r['rows'] for r in base]):,.0f} rows)"
    baseline.extra = {**baseline.extra, "rows_read": [r["rows"] for r in base]}
    del baseline.extra["rows_written"]
    return [
        baseline,
        row("cold", "podium cold", f"< {TARGET_SECONDS:.0f} s", cold < TARGET_SECONDS),
        row("warm", "podium warm"),
        row("changed", f"podium rule change 50 -> {CHANGED_MINUTES} min/credit"),
    ]
