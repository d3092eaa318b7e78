"""Credits through the use cases that change them, on a real database: awards written at
check-out, recomputed when rules or data change, adjustments beside the computed values with
an audit log, and the transcript."""

from __future__ import annotations

from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select, text

from podium.attendance.errors import CodewordsClosed, EvaluationRequired
from podium.attendance.service import (
    adjust_credits,
    perform_checkin,
    perform_checkout,
    remove_credit_adjustment,
    submit_codeword,
)
from podium.credits.service import audit_log, refresh_attendee_credits, set_credit_rules
from podium.credits.transcript import attendee_transcript
from podium.credits.types import CodewordRule, EvaluationRule, Outcome, RulesChange
from podium.enums import AttendanceSource
from podium.evaluations.service import submit_evaluation
from podium.events.service import create_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.db import Database, UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Attendee, Checkin, CreditAward, Event, EventSession
from podium.program.service import update_session
from podium.program.types import FieldOfStudyDraft, SessionChanges
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


def chicago(hour: int, minute: int = 0) -> datetime:
    """An instant on 2026-06-01 by the clock in Chicago (CDT, UTC-5)."""
    return datetime(2026, 6, 1, hour + 5, minute, tzinfo=UTC)


async def _session(
    uow: UnitOfWork,
    event: Event,
    name: str = "Lease accounting",
    start: time = time(10),
    end: time = time(11),
    credits: str = "1",
    codewords: list[str] | None = None,
) -> EventSession:
    return await make_session(
        uow,
        event,
        name=name,
        start_time=start,
        end_time=end,
        fields_of_study={"Accounting": (credits, codewords or [])},
    )


async def _attend(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, arrive: datetime, leave: datetime
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=arrive)
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=leave)


async def _awards(uow: UnitOfWork) -> list[tuple[int, Decimal, str]]:
    rows = await uow.session.execute(
        select(CreditAward.session_id, CreditAward.credits, CreditAward.outcome).order_by(
            CreditAward.session_id
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


async def test_checkout_writes_the_award(uow: UnitOfWork, event: Event, attendee: Attendee) -> None:
    session = await _session(uow, event, credits="2")

    await _attend(uow, session, attendee, chicago(10), chicago(10, 45))

    assert await _awards(uow) == [(session.id, Decimal(2), "awarded")]


async def test_event_rules_change_recomputes_and_is_audited(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await _attend(uow, session, attendee, chicago(10), chicago(10, 45))

    changed = await set_credit_rules(
        uow,
        event=event,
        change=RulesChange(minutes_per_credit=50),
        actor="Dana (organizer)",
        reason="NASBA: 50 minutes a credit",
    )

    assert changed == {"minutes_per_credit": [None, 50]}
    assert await _awards(uow) == [(session.id, Decimal(0), "withheld")]
    [entry] = await audit_log(uow, event=event)
    assert (entry.action, entry.details, entry.actor, entry.reason) == (
        "event_rules_changed",
        {"minutes_per_credit": [None, 50]},
        "Dana (organizer)",
        "NASBA: 50 minutes a credit",
    )


async def test_session_rules_override_the_event_and_clearing_restores_it(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await _attend(uow, session, attendee, chicago(10), chicago(10, 40))
    await set_credit_rules(uow, event=event, change=RulesChange(minutes_per_credit=50))

    await set_credit_rules(
        uow,
        event=event,
        session=session,
        change=RulesChange(partial_credit_step=Decimal("0.2")),
    )
    partial = await _awards(uow)
    await set_credit_rules(
        uow, event=event, session=session, change=RulesChange(partial_credit_step=None)
    )

    assert partial == [(session.id, Decimal("0.8"), "partial")]
    assert await _awards(uow) == [(session.id, Decimal(0), "withheld")]


async def test_set_credit_rules_unchanged_writes_nothing(uow: UnitOfWork, event: Event) -> None:
    await set_credit_rules(uow, event=event, change=RulesChange(minutes_per_credit=50))

    assert await set_credit_rules(uow, event=event, change=RulesChange(minutes_per_credit=50)) == {}
    assert len(await audit_log(uow, event=event)) == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (RulesChange(minutes_per_credit=0), "minutes_per_credit"),
        (RulesChange(partial_credit_step=Decimal("-0.2")), "partial_credit_step"),
        (RulesChange(partial_credit_step=Decimal("0.00001")), "partial_credit_step"),
        (RulesChange(codeword_rule=CodewordRule.COUNT), "codeword_minimum"),
        (
            RulesChange(codeword_rule=CodewordRule.COUNT, codeword_minimum=Decimal("1.5")),
            "codeword_minimum",
        ),
        (
            RulesChange(codeword_rule=CodewordRule.RATIO, codeword_minimum=Decimal("1.5")),
            "codeword_minimum",
        ),
        (RulesChange(late_checkin_minutes=-1), "late_checkin_minutes"),
        (RulesChange(early_checkout_minutes=241), "early_checkout_minutes"),
    ],
)
async def test_set_credit_rules_refuses_a_bad_rule(
    uow: UnitOfWork, event: Event, change: RulesChange, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        await set_credit_rules(uow, event=event, change=change)

    assert refused.value.field == field


async def test_set_credit_rules_reads_a_rule_by_its_name(uow: UnitOfWork, event: Event) -> None:
    with pytest.raises(InvalidInput) as refused:
        await set_credit_rules(
            uow,
            event=event,
            change=RulesChange(codeword_rule="most"),  # type: ignore[arg-type]
        )

    assert refused.value.message == (
        'codeword_rule: "most" is not a codeword rule; use one of "none", "all", "count", "ratio"'
    )


async def test_adjustment_keeps_the_computed_credits_beside_it_and_is_audited(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event, credits="2")
    await set_credit_rules(uow, event=event, change=RulesChange(minutes_per_credit=50))
    await _attend(uow, session, attendee, chicago(10), chicago(10, 30))
    checkin = await uow.session.scalar(select(Checkin))
    assert checkin is not None

    await adjust_credits(
        uow,
        checkin=checkin,
        field_of_study_name="Accounting",
        credits=Decimal("1.5"),
        reason="Badge scanner failed",
        adjusted_by="Dana",
    )
    await adjust_credits(
        uow,
        checkin=checkin,
        field_of_study_name="Accounting",
        credits=Decimal(2),
        adjusted_by="Lee",
    )
    [line] = (await attendee_transcript(uow, event=event, attendee=attendee)).lines

    assert (line.computed, line.adjusted, line.credits, line.missing) == (
        Decimal(0),
        Decimal(2),
        Decimal(2),
        (),
    )
    assert await _awards(uow) == [(session.id, Decimal(0), "withheld")]
    log = await audit_log(uow, event=event)
    assert [
        (e.action, e.computed_credits, e.previous_credits, e.new_credits, e.actor, e.reason)
        for e in log[:2]
    ] == [
        ("adjusted", Decimal(0), Decimal("1.5"), Decimal(2), "Lee", None),
        ("adjusted", Decimal(0), None, Decimal("1.5"), "Dana", "Badge scanner failed"),
    ]
    assert (log[0].attendee, log[0].session_name, log[0].field_of_study) == (
        "Alex Example <attendee@example.com>",
        "Lease accounting",
        "Accounting",
    )


async def test_removing_an_adjustment_restores_the_computed_credits(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await _attend(uow, session, attendee, chicago(10), chicago(10, 30))
    checkin = await uow.session.scalar(select(Checkin))
    assert checkin is not None
    await adjust_credits(uow, checkin=checkin, field_of_study_name="Accounting", credits=Decimal(0))

    removed = await remove_credit_adjustment(
        uow, checkin=checkin, field_of_study_name="Accounting", reason="mistake", removed_by="Dana"
    )

    [line] = (await attendee_transcript(uow, event=event, attendee=attendee)).lines
    assert (removed, line.adjusted, line.credits) == (True, None, Decimal(1))
    newest = (await audit_log(uow, event=event))[0]
    assert (newest.action, newest.previous_credits, newest.new_credits) == (
        "adjustment_removed",
        Decimal(0),
        None,
    )
    assert not await remove_credit_adjustment(
        uow, checkin=checkin, field_of_study_name="Accounting"
    )


async def test_checkout_needs_the_evaluation_when_the_rules_say_so(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await set_credit_rules(
        uow, event=event, change=RulesChange(evaluation_rule=EvaluationRule.FOR_CHECKOUT)
    )
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=chicago(10))

    with pytest.raises(EvaluationRequired) as refused:
        await perform_checkout(
            uow, session=session, attendee=attendee, source=WEB, at=chicago(10, 55)
        )
    await submit_evaluation(uow, session=session, attendee=attendee, answers=[], at=chicago(10, 56))
    record = await perform_checkout(
        uow, session=session, attendee=attendee, source=WEB, at=chicago(10, 57)
    )

    assert refused.value.message == (
        "Submit this session's evaluation before checking out: the session's credit depends on it."
    )
    assert (record.checked_in, await _awards(uow)) == (
        False,
        [(session.id, Decimal(1), "awarded")],
    )


async def test_checkout_by_an_administrator_does_not_wait_for_the_evaluation(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await set_credit_rules(
        uow, event=event, change=RulesChange(evaluation_rule=EvaluationRule.FOR_CHECKOUT)
    )
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=chicago(10))

    record = await perform_checkout(
        uow, session=session, attendee=attendee, source=AttendanceSource.ADMIN, at=chicago(10, 50)
    )

    assert (record.checked_in, await _awards(uow)) == (
        False,
        [(session.id, Decimal(0), "withheld")],
    )


async def test_submitting_the_evaluation_recomputes_the_credit(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await set_credit_rules(
        uow, event=event, change=RulesChange(evaluation_rule=EvaluationRule.FOR_CREDIT)
    )
    await _attend(uow, session, attendee, chicago(10), chicago(10, 50))
    before = await _awards(uow)

    await submit_evaluation(uow, session=session, attendee=attendee, answers=[], at=chicago(11, 5))

    assert before == [(session.id, Decimal(0), "withheld")]
    assert await _awards(uow) == [(session.id, Decimal(1), "awarded")]


@pytest.mark.parametrize(
    ("at", "message"),
    [
        (
            chicago(9, 59),
            "This session has not started yet: enter its codewords while it runs (10:00 to 11:00).",
        ),
        (
            chicago(11, 1),
            "This session has ended (10:00 to 11:00): codewords can no longer be entered for it.",
        ),
    ],
)
async def test_codeword_outside_the_session_is_refused(
    uow: UnitOfWork, event: Event, attendee: Attendee, at: datetime, message: str
) -> None:
    session = await _session(uow, event, codewords=["ledger"])
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=chicago(9, 50))

    with pytest.raises(CodewordsClosed) as refused:
        await submit_codeword(
            uow,
            session=session,
            attendee=attendee,
            field_of_study_name="Accounting",
            word="ledger",
            at=at,
        )

    assert refused.value.message == message


async def test_codewords_decide_the_credit_when_the_rules_need_them(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event, codewords=["ledger", "accrual"])
    await set_credit_rules(uow, event=event, change=RulesChange(codeword_rule=CodewordRule.ALL))
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=chicago(10))
    await submit_codeword(
        uow,
        session=session,
        attendee=attendee,
        field_of_study_name="Accounting",
        word="ledger",
        at=chicago(10, 10),
    )
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=chicago(10, 20))
    short = await attendee_transcript(uow, event=event, attendee=attendee)
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=chicago(10, 30))

    await submit_codeword(
        uow,
        session=session,
        attendee=attendee,
        field_of_study_name="Accounting",
        word="accrual",
        at=chicago(10, 40),
    )

    assert short.lines[0].missing == ("1 more codeword",)
    assert await _awards(uow) == [(session.id, Decimal(1), "awarded")]


async def test_checkin_leaves_an_overlapping_session(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    first = await _session(uow, event, name="Leases", start=time(10), end=time(11))
    second = await _session(uow, event, name="Revenue", start=time(10, 30), end=time(11, 30))
    later = await _session(uow, event, name="Tax update", start=time(13), end=time(14))
    await perform_checkin(uow, session=later, attendee=attendee, source=WEB, at=chicago(9, 55))
    await perform_checkin(uow, session=first, attendee=attendee, source=WEB, at=chicago(10))

    await perform_checkin(uow, session=second, attendee=attendee, source=WEB, at=chicago(10, 40))

    records = {
        record.session_id: record
        for record in await uow.session.scalars(
            select(Checkin).execution_options(populate_existing=True)
        )
    }
    left = records[first.id]
    assert (left.checked_in, left.checkout_time, left.checkout_source) == (
        False,
        chicago(10, 40),
        "other_session",
    )
    assert (records[second.id].checked_in, records[later.id].checked_in) == (True, True)
    # the attendee's credits were recomputed: the sessions they are still in count nothing yet
    assert await _awards(uow) == [
        (first.id, Decimal(1), "awarded"),
        (second.id, Decimal(0), "withheld"),
        (later.id, Decimal(0), "withheld"),
    ]


async def test_session_end_checks_out_who_is_still_in(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    from podium.attendance.service import check_out_ended_sessions

    ended = await _session(uow, event, name="Leases", start=time(10), end=time(11))
    running = await _session(uow, event, name="Revenue", start=time(11), end=time(12))
    other = await make_attendee(uow, event, email="sam@example.com")
    await perform_checkin(uow, session=ended, attendee=attendee, source=WEB, at=chicago(10, 5))
    await perform_checkin(uow, session=running, attendee=other, source=WEB, at=chicago(11))

    left = await uow.run(lambda work: check_out_ended_sessions(work, now=chicago(11, 30)))
    again = await uow.run(lambda work: check_out_ended_sessions(work, now=chicago(11, 31)))

    records = {
        record.session_id: record
        for record in await uow.session.scalars(
            select(Checkin).execution_options(populate_existing=True)
        )
    }
    assert (left, again) == (1, 0)
    record = records[ended.id]
    assert (record.checked_in, record.checkout_time, record.checkout_source) == (
        False,
        chicago(11),
        "session_end",
    )
    assert records[running.id].checked_in is True
    assert await _awards(uow) == [(ended.id, Decimal(1), "awarded")]


async def test_refresh_that_finds_nothing_new_writes_nothing(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await _attend(uow, session, attendee, chicago(10), chicago(10, 30))

    assert await refresh_attendee_credits(uow, event_id=event.id) == 0


async def test_transcript_lines_and_totals(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    event.organizer = "Illinois CPA Society"
    await set_credit_rules(
        uow,
        event=event,
        change=RulesChange(
            minutes_per_credit=50,
            partial_credit_step=Decimal("0.2"),
            evaluation_rule=EvaluationRule.FOR_CREDIT,
        ),
    )
    first = await _session(uow, event, name="Leases", start=time(9), end=time(10, 40), credits="2")
    second = await _session(uow, event, name="Revenue", start=time(11), end=time(12))
    third = await _session(uow, event, name="Ethics", start=time(13), end=time(14))
    await _attend(uow, first, attendee, chicago(9), chicago(10, 40))
    await submit_evaluation(uow, session=first, attendee=attendee, answers=[], at=chicago(10, 41))
    await _attend(uow, second, attendee, chicago(11), chicago(11, 30))
    await submit_evaluation(uow, session=second, attendee=attendee, answers=[], at=chicago(11, 31))
    await _attend(uow, third, attendee, chicago(13), chicago(14))

    transcript = await attendee_transcript(uow, event=event, attendee=attendee)

    assert [
        (line.session_name, line.credits, line.possible, line.outcome, line.missing)
        for line in transcript.lines
    ] == [
        ("Leases", Decimal(2), Decimal(2), Outcome.AWARDED, ()),
        (
            "Revenue",
            Decimal("0.6"),
            Decimal(1),
            Outcome.PARTIAL,
            ("20 more minutes in the session",),
        ),
        ("Ethics", Decimal(0), Decimal(1), Outcome.WITHHELD, ("your evaluation",)),
    ]
    assert transcript.totals == (("Accounting", Decimal("2.6")),)
    assert (transcript.organizer, transcript.attendee_name) == (
        "Illinois CPA Society",
        "Alex Example",
    )


async def test_transcript_reads_as_many_queries_for_five_sessions_as_for_one(
    uow: UnitOfWork, event: Event, count_queries: Any
) -> None:
    counts = []
    for size in (1, 5):
        attendee = await make_attendee(uow, event, email=f"p{size}@example.com")
        for n in range(size):
            session = await _session(uow, event, name=f"S{size}-{n}")
            await _attend(uow, session, attendee, chicago(10), chicago(10, 30))
        with count_queries() as counter:
            transcript = await attendee_transcript(uow, event=event, attendee=attendee)
        assert len(transcript.lines) == size
        counts.append(counter.count)

    assert counts[0] == counts[1]


async def test_moving_a_session_recomputes_its_attendees_credits(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await set_credit_rules(uow, event=event, change=RulesChange(minutes_per_credit=50))
    await _attend(uow, session, attendee, chicago(10, 30), chicago(11, 30))
    before = await _awards(uow)

    # the schedule was wrong: the session ran 10:30-11:30
    await update_session(
        uow,
        event=event,
        session=session,
        changes=SessionChanges(start_time=time(10, 30), end_time=time(11, 30)),
    )

    assert before == [(session.id, Decimal(0), "withheld")]
    assert await _awards(uow) == [(session.id, Decimal(1), "awarded")]


async def test_changing_a_fields_credits_recomputes_them(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await _attend(uow, session, attendee, chicago(10), chicago(10, 30))

    await update_session(
        uow,
        event=event,
        session=session,
        changes=SessionChanges(
            fields_of_study=[FieldOfStudyDraft(name="Accounting", credits=Decimal("1.5"))]
        ),
    )

    assert await _awards(uow) == [(session.id, Decimal("1.5"), "awarded")]


async def test_a_new_time_zone_recomputes_the_events_credits(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await _session(uow, event)
    await _attend(uow, session, attendee, chicago(10), chicago(10, 30))

    # 10:00-11:00 in New York is 09:00-10:00 in Chicago: the attendee came after its end
    await update_event_settings(uow, event=event, changes=EventChanges(timezone="America/New_York"))

    assert await _awards(uow) == [(session.id, Decimal(0), "withheld")]


async def _calls(uow: UnitOfWork, function: str) -> int:
    """PostgreSQL: how often this transaction (and, since PostgreSQL 15, this connection's
    earlier unflushed ones: compare two readings) called ``function``."""
    found = await uow.session.execute(
        text("SELECT calls FROM pg_stat_xact_user_functions WHERE funcname = :f"), {"f": function}
    )
    return int(found.scalar_one_or_none() or 0)


async def test_a_recompute_moves_each_session_and_record_once_not_once_per_award(
    db: Database,
) -> None:
    """Three attendees in two sessions of two fields of study each: twelve awards. On
    PostgreSQL (migration 0008) they are written by one statement whose triggers move each
    session's attendance version once and each record's revision once; row triggers moved
    them once per award. Either way every version and revision moves."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="batch", name="Batch", timezone="America/Chicago")
        sessions = [
            await make_session(
                uow, event, name=name, start_time=time(hour), end_time=time(hour + 1),
                fields_of_study={"Accounting": ("1", []), "Ethics": ("1", [])},
            )
            for name, hour in (("Leases", 9), ("Revenue", 13))
        ]  # fmt: skip
        for number in range(3):
            attendee = await make_attendee(uow, event, email=f"a{number}@example.com")
            for session, hour in zip(sessions, (9, 13), strict=True):
                await _attend(uow, session, attendee, chicago(hour), chicago(hour, 55))
        await uow.session.execute(text("DELETE FROM credit_awards"))
    versions = text("SELECT session_id, slot, version FROM attendance_versions ORDER BY 1, 2")
    revisions = text("SELECT id, revision FROM checkins ORDER BY id")
    async with db.unit_of_work() as uow:
        before = [(await uow.session.execute(q)).all() for q in (versions, revisions)]
        if not db.is_sqlite:
            await uow.session.execute(text("SET LOCAL track_functions = 'pl'"))
            calls_before = [await _calls(uow, f) for f in _MOVERS]

        written = await refresh_attendee_credits(uow, event_id=event.id)

        if not db.is_sqlite:
            calls = [await _calls(uow, f) - n for f, n in zip(_MOVERS, calls_before, strict=True)]
    async with db.unit_of_work(write=False) as uow:
        after = [(await uow.session.execute(q)).all() for q in (versions, revisions)]

    assert written == 12
    assert {session_id for session_id, _slot, _version in set(after[0]) - set(before[0])} == {
        session.id for session in sessions
    }
    assert len(after[1]) == 6
    assert all(old != new for old, new in zip(before[1], after[1], strict=True))
    if not db.is_sqlite:
        # a version bump for each session from the awards' statement, and one for each record
        # whose revision the touch rewrote (the checkins' own trigger); row triggers on the
        # awards made it 12 + 6 bumps and 12 touches
        assert calls == [2 + 6, 6]


# what the triggers of credit_awards call: once per session, once per record
_MOVERS = ("attendance_version_bump", "checkin_revision_touch")
