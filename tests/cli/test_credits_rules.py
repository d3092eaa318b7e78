"""``podium credits rules|recompute|adjust|audit`` and ``podium event set`` of what
certificates print, run in-process against the test database."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import select, update

from podium.attendance.service import perform_checkin, perform_checkout
from podium.credits.service import event_credit_rules
from podium.credits.types import CodewordRule, CreditRules, EvaluationRule
from podium.enums import AttendanceSource
from podium.events.service import create_event, get_event
from podium.kit.db import Database
from podium.models import Checkin, CreditAuditEntry, CreditAward
from tests.cli.conftest import Cli
from tests.factories import make_attendee, make_session


def chicago(hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 6, 1, hour + 5, minute, tzinfo=UTC)


async def _event_with_attendance(db: Database) -> str:
    """The event "expo": one session 10:00-11:00 (1 credit of Accounting) that Alex attended
    for 40 minutes, and one 13:00-14:00 that Sam is still checked in to."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="America/Chicago")
        session = await make_session(
            uow,
            event,
            name="Leases",
            start_time=time(10),
            end_time=time(11),
            fields_of_study={"Accounting": ("1", [])},
        )
        later = await make_session(
            uow,
            event,
            name="Revenue",
            start_time=time(13),
            end_time=time(14),
            fields_of_study={"Accounting": ("1", [])},
        )
        alex = await make_attendee(uow, event)
        sam = await make_attendee(uow, event, email="sam@example.com", first_name="Sam")
        web = AttendanceSource.WEB
        await perform_checkin(uow, session=session, attendee=alex, source=web, at=chicago(10))
        await perform_checkout(uow, session=session, attendee=alex, source=web, at=chicago(10, 40))
        await perform_checkin(uow, session=later, attendee=sam, source=web, at=chicago(13))
        return session.public_id


async def _awarded(db: Database) -> list[tuple[Decimal, str]]:
    async with db.unit_of_work(write=False) as uow:
        rows = await uow.session.execute(
            select(CreditAward.credits, CreditAward.outcome).order_by(CreditAward.session_id)
        )
        return [(credits, outcome) for credits, outcome in rows]


async def test_credits_rules_without_options_prints_the_rules_in_force(
    cli: Cli, db: Database
) -> None:
    await _event_with_attendance(db)

    result = await cli("credits", "rules", "--event", "expo")

    assert result.exit_code == 0
    assert result.stdout == (
        'Credit rules of the event "expo":\n  Any time in the session earns its full credits.\n'
    )


async def test_credits_rules_sets_the_event_rules_recomputes_and_audits(
    cli: Cli, db: Database
) -> None:
    await _event_with_attendance(db)

    result = await cli(
        "credits", "rules", "--event", "expo", "--minutes-per-credit", "50",
        "--partial-step", "0.2", "--codewords", "50%", "--evaluation", "for_credit",
        "--late-checkin", "10", "--by", "Dana", "--reason", "NASBA",
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == (
        'Changed the credit rules of the event "expo": minutes_per_credit None → 50, '
        "partial_credit_step None → 0.2, codeword_rule None → ratio, codeword_minimum None → "
        "0.5, evaluation_rule None → for_credit, late_checkin_minutes None → 10; credits "
        "recomputed."
    )
    async with db.unit_of_work(write=False) as uow:
        rules = await event_credit_rules(uow, event=await get_event(uow, "expo"))
        [entry] = list(await uow.session.scalars(select(CreditAuditEntry)))
    assert rules == CreditRules(
        minutes_per_credit=50,
        partial_credit_step=Decimal("0.2"),
        codeword_rule=CodewordRule.RATIO,
        codeword_minimum=Decimal("0.5"),
        evaluation_rule=EvaluationRule.FOR_CREDIT,
        late_checkin_minutes=10,
    )
    assert (entry.actor, entry.reason) == ("Dana", "NASBA")
    # no evaluation: withheld
    assert await _awarded(db) == [(Decimal(0), "withheld"), (Decimal(0), "withheld")]


async def test_credits_rules_of_a_session_and_unset(cli: Cli, db: Database) -> None:
    public_id = await _event_with_attendance(db)
    await cli("credits", "rules", "--event", "expo", "--minutes-per-credit", "50")

    await cli(
        "credits", "rules", "--event", "expo", "--session", public_id, "--partial-step", "0.2"
    )
    partial = await _awarded(db)
    result = await cli(
        "credits", "rules", "--event", "expo", "--session", public_id, "--partial-step", "unset"
    )

    assert partial[0] == (Decimal("0.8"), "partial")
    assert result.exit_code == 0
    assert (await _awarded(db))[0] == (Decimal(0), "withheld")


async def test_credits_rules_refuses_a_bad_value_with_one_line(cli: Cli, db: Database) -> None:
    await _event_with_attendance(db)

    bad_number = await cli("credits", "rules", "--event", "expo", "--minutes-per-credit", "ten")
    bad_rule = await cli("credits", "rules", "--event", "expo", "--evaluation", "always")
    bad_share = await cli("credits", "rules", "--event", "expo", "--codewords", "most")

    assert [(r.exit_code, r.stderr) for r in (bad_number, bad_rule, bad_share)] == [
        (1, 'error: --minutes-per-credit: "ten" is not a whole number of minutes (or "unset")\n'),
        (
            1,
            'error: evaluation_rule: "always" is not an evaluation rule; use one of "none", '
            '"for_credit", "for_checkout"\n',
        ),
        (1, 'error: --codewords: "most" is not none, all, a count (2) or a share (50%)\n'),
    ]


async def test_credits_recompute_checks_out_ended_sessions_and_rewrites_changed_awards(
    cli: Cli, db: Database
) -> None:
    await _event_with_attendance(db)
    async with db.unit_of_work() as uow:
        # as a bulk import would leave it: a stale award
        await uow.session.execute(update(CreditAward).values(credits=Decimal(5)))

    result = await cli("credits", "recompute", "--event", "expo")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        # Alex's stale award; Sam's was written by his check-out at the session's end
        'Recomputed the credits of 2 attendee(s) of "expo": 1 award(s) changed; 1 attendee(s) '
        "checked out at the end of a session.\n"
    )
    async with db.unit_of_work(write=False) as uow:
        sources = set(await uow.session.scalars(select(Checkin.checkout_source)))
    assert sources == {"web", "session_end"}
    assert await _awarded(db) == [(Decimal(1), "awarded"), (Decimal(1), "awarded")]


async def test_credits_recompute_unknown_event_is_one_error_line(cli: Cli, db: Database) -> None:
    result = await cli("credits", "recompute", "--event", "nosuch")

    assert (result.exit_code, result.stderr) == (
        1,
        'error: There is no event with the URI "nosuch".\n',
    )


async def test_credits_adjust_and_remove_are_audited(cli: Cli, db: Database) -> None:
    public_id = await _event_with_attendance(db)
    common = ("--event", "expo", "--session", public_id, "--attendee", "ATTENDEE@example.com")

    adjusted = await cli(
        "credits", "adjust", *common, "--field", "accounting", "--credits", "0.5",
        "--reason", "Left for a client call", "--by", "Dana",
    )  # fmt: skip
    removed = await cli(
        "credits", "adjust", *common, "--field", "Accounting", "--remove", "--by", "Lee"
    )
    log = await cli("credits", "audit", "--event", "expo")

    assert adjusted.stdout == (
        'Awarded 0.5 credit(s) in "accounting" for "Leases" to ATTENDEE@example.com.\n'
    )
    assert removed.stdout == "Removed the adjustment.\n"
    lines = log.stdout.splitlines()
    assert [line.split("  ", 1)[1] for line in lines] == [
        "Lee  adjustment_removed: Alex Example <attendee@example.com>, Leases, Accounting: "
        "computed 1, was 0.5, now —",
        "Dana  adjusted: Alex Example <attendee@example.com>, Leases, Accounting: computed 1, "
        'was —, now 0.5 — "Left for a client call"',
    ]


async def test_credits_adjust_needs_a_reason_and_one_of_credits_or_remove(
    cli: Cli, db: Database
) -> None:
    public_id = await _event_with_attendance(db)
    common = ("--event", "expo", "--session", public_id, "--attendee", "attendee@example.com")

    without_reason = await cli(
        "credits", "adjust", *common, "--field", "Accounting", "--credits", "1"
    )
    neither = await cli("credits", "adjust", *common, "--field", "Accounting")
    nobody = await cli(
        "credits", "adjust", "--event", "expo", "--session", public_id, "--attendee",
        "nobody@example.com", "--field", "Accounting", "--credits", "1", "--reason", "x",
    )  # fmt: skip

    assert [(r.exit_code, r.stderr) for r in (without_reason, neither, nobody)] == [
        (1, "error: --reason: say why the credits are adjusted; the audit log keeps it\n"),
        (1, "error: give either --credits CREDITS or --remove\n"),
        (1, 'error: The event has no attendee with the email "nobody@example.com".\n'),
    ]


async def test_event_set_organizer_and_dates(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli(
        "event", "set", "expo", "--organizer", " Heartland Society of CPAs ",
        "--start-date", "2026-06-01", "--end-date", "2026-06-03",
    )  # fmt: skip
    bad = await cli("event", "set", "expo", "--start-date", "June 1")

    assert result.exit_code == 0
    assert (bad.exit_code, bad.stderr) == (
        1,
        'error: --start-date: "June 1" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30\n',
    )
    async with db.unit_of_work(write=False) as uow:
        event = await get_event(uow, "expo")
    assert (event.organizer, event.start_date, event.end_date) == (
        "Heartland Society of CPAs",
        date(2026, 6, 1),
        date(2026, 6, 3),
    )
