"""``podium credits rules|recompute|adjust|audit``: the organizer's side of credits (the
``credits`` group itself, with ``export``, is in ``cli/credits.py``)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Annotated, Any

import typer

from podium.attendance.service import (
    adjust_credits,
    check_out_ended_sessions,
    get_checkin,
    remove_credit_adjustment,
)
from podium.cli.running import fail, progress, run_in_unit_of_work
from podium.credits.service import (
    audit_log,
    count_attendees_with_records,
    describe,
    event_credit_rules,
    refresh_attendee_credits,
    set_credit_rules,
)
from podium.credits.types import UNCHANGED, CodewordRule, CreditRules, RulesChange
from podium.events.service import get_event
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.models import Attendee, CreditAuditEntry, Event
from podium.people.errors import AttendeeNotFound
from podium.people.service import attendees_with_email
from podium.program.service import get_session

EventOption = Annotated[
    str, typer.Option("--event", metavar="URI", help='The event\'s URI, e.g. "demo".')
]
_UNSET = "unset"


def rules(
    event: EventOption,
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            metavar="ID",
            help="A session's id: change (or show) its own rules instead of the event's.",
        ),
    ] = None,
    minutes_per_credit: Annotated[
        str | None,
        typer.Option(
            metavar="MINUTES|unset",
            help="Minutes in the session for one credit, e.g. 50; unset: any time earns the "
            "full credits.",
        ),
    ] = None,
    partial_step: Annotated[
        str | None,
        typer.Option(
            metavar="CREDITS|unset",
            help="Short of full time, credit in steps of this many credits, e.g. 0.2; 0: none.",
        ),
    ] = None,
    codewords: Annotated[
        str | None,
        typer.Option(
            metavar="none|all|N|P%|unset",
            help="Codewords a field of study needs: none, all, a count (2) or a share (50%).",
        ),
    ] = None,
    evaluation: Annotated[
        str | None,
        typer.Option(
            metavar="none|for_credit|for_checkout|unset",
            help="Whether the evaluation must be submitted for credit, or before check-out "
            "(and for credit).",
        ),
    ] = None,
    late_checkin: Annotated[
        str | None,
        typer.Option(
            metavar="MINUTES|unset",
            help="A check-in at most this late counts from the session's start.",
        ),
    ] = None,
    early_checkout: Annotated[
        str | None,
        typer.Option(
            metavar="MINUTES|unset",
            help="A check-out at most this early counts to the session's end.",
        ),
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="NAME", help="Who changes them (audit log).")
    ] = None,
    reason: Annotated[str | None, typer.Option(metavar="TEXT", help="Why (audit log).")] = None,
) -> None:
    """Show or change the credit rules of an event or of one of its sessions.

    Without a rule option, prints the rules in force. "unset" removes a rule: a session then
    follows the event's, an event the default. A change is written to the audit log and
    recomputes every credit it affects.
    """
    change = RulesChange(
        minutes_per_credit=_whole(minutes_per_credit, "--minutes-per-credit"),
        partial_credit_step=_decimal(partial_step, "--partial-step"),
        **_codewords(codewords),
        evaluation_rule=_text(evaluation),
        late_checkin_minutes=_whole(late_checkin, "--late-checkin"),
        early_checkout_minutes=_whole(early_checkout, "--early-checkout"),
    )

    async def work(uow: UnitOfWork) -> tuple[dict[str, Any], CreditRules, str]:
        found = await get_event(uow, event)
        target = await get_session(uow, event=found, public_id=session) if session else None
        changed = await set_credit_rules(
            uow, event=found, session=target, change=change, actor=by, reason=reason
        )
        in_force = await event_credit_rules(uow, event=found, session=target)
        return changed, in_force, f'session "{target.name}"' if target else f'event "{found.uri}"'

    changed, in_force, name = run_in_unit_of_work(work)
    if changed:
        listed = ", ".join(f"{rule} {old} → {new}" for rule, (old, new) in changed.items())
        typer.echo(f"Changed the credit rules of the {name}: {listed}; credits recomputed.")
    typer.echo(f"Credit rules of the {name}:")
    for line in describe(in_force):
        typer.echo(f"  {line}")


def recompute(event: EventOption) -> None:
    """Recompute every credit of an event from its attendance and rules.

    Checks out first whoever is still checked in to a session that has ended (at its end), as
    a running server does every minute. Writes only the credits that changed.
    """

    @dataclass
    class Done:
        attendees: int = 0
        written: int = 0
        checked_out: int = 0

    async def work(uow: UnitOfWork) -> Done:
        found = await get_event(uow, event)
        done = Done()
        done.checked_out = await uow.run(
            partial(check_out_ended_sessions, now=utcnow(), event_id=found.id)
        )
        done.attendees = await count_attendees_with_records(uow, event=found)
        with progress(done.attendees, "Recomputing credits") as advance:
            done.written = await refresh_attendee_credits(uow, event_id=found.id, progress=advance)
        return done

    done = run_in_unit_of_work(work)
    typer.echo(
        f'Recomputed the credits of {done.attendees} attendee(s) of "{event}": '
        f"{done.written} award(s) changed; {done.checked_out} attendee(s) checked out at the "
        "end of a session."
    )


def adjust(
    event: EventOption,
    session: Annotated[str, typer.Option("--session", metavar="ID", help="The session's id.")],
    attendee: Annotated[
        str, typer.Option("--attendee", metavar="EMAIL", help="The attendee's email.")
    ],
    field: Annotated[
        str, typer.Option("--field", metavar="NAME", help="The field of study, by name.")
    ],
    credits: Annotated[
        str | None,
        typer.Option(metavar="CREDITS", help="The credits to award instead of the computed."),
    ] = None,
    remove: Annotated[
        bool, typer.Option("--remove", help="Remove the adjustment: the computed credits count.")
    ] = False,
    reason: Annotated[
        str | None, typer.Option(metavar="TEXT", help="Why (audit log); needed to adjust.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", metavar="NAME", help="Who adjusts (audit log).")
    ] = None,
) -> None:
    """Award an attendee's credits for a field of study of a session by hand (or --remove
    that). The computed credits stay beside them; the change goes to the audit log."""
    if remove == (credits is not None):
        fail("give either --credits CREDITS or --remove")
    amount = _decimal(credits, "--credits") if credits is not None else None
    if not remove and not (reason and reason.strip()):
        fail("--reason: say why the credits are adjusted; the audit log keeps it")

    async def work(uow: UnitOfWork) -> str:
        found = await get_event(uow, event)
        target = await get_session(uow, event=found, public_id=session)
        person = await _one_attendee(uow, found, attendee)
        checkin = await get_checkin(uow, session=target, attendee=person)
        if remove:
            removed = await remove_credit_adjustment(
                uow, checkin=checkin, field_of_study_name=field, reason=reason, removed_by=by
            )
            return "Removed the adjustment." if removed else "There was no adjustment to remove."
        assert isinstance(amount, Decimal)
        await adjust_credits(
            uow,
            checkin=checkin,
            field_of_study_name=field,
            credits=amount,
            reason=reason,
            adjusted_by=by,
        )
        return f'Awarded {amount} credit(s) in "{field}" for "{target.name}" to {attendee}.'

    typer.echo(run_in_unit_of_work(work))


def audit(
    event: EventOption,
    limit: Annotated[int, typer.Option(metavar="N", help="How many entries, newest first.")] = 50,
) -> None:
    """Print the credit audit log of an event: adjustments and rule changes, who, when, why."""

    async def work(uow: UnitOfWork) -> list[CreditAuditEntry]:
        return await audit_log(uow, event=await get_event(uow, event), limit=limit)

    entries = run_in_unit_of_work(work)
    if not entries:
        typer.echo(f'The credit audit log of "{event}" is empty.')
    for entry in entries:
        typer.echo(_audit_line(entry))


def _audit_line(entry: CreditAuditEntry) -> str:
    when = f"{entry.at:%Y-%m-%d %H:%M:%S} UTC"
    who = entry.actor or "someone unnamed"
    why = f' — "{entry.reason}"' if entry.reason else ""
    if entry.action in ("adjusted", "adjustment_removed"):
        what = (
            f"{entry.attendee}, {entry.session_name}, {entry.field_of_study}: computed "
            f"{_credits(entry.computed_credits)}, was {_credits(entry.previous_credits)}, "
            f"now {_credits(entry.new_credits)}"
        )
    else:
        where = f'session "{entry.session_name}"' if entry.session_name else "the event"
        changes = ", ".join(
            f"{rule} {old} → {new}" for rule, (old, new) in (entry.details or {}).items()
        )
        what = f"rules of {where}: {changes}"
    return f"{when}  {who}  {entry.action}: {what}{why}"


def _credits(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


async def _one_attendee(uow: UnitOfWork, event: Event, email: str) -> Attendee:
    people = await attendees_with_email(uow, event=event, email=email)
    if not people:
        raise AttendeeNotFound(f'The event has no attendee with the email "{email}".')
    if len(people) > 1:
        fail(f'{len(people)} attendees share the email "{email}"; adjust in the console')
    return people[0]


def _whole(value: str | None, option: str) -> Any:
    if value is None:
        return UNCHANGED
    if value.strip().casefold() == _UNSET:
        return None
    try:
        return int(value.strip())
    except ValueError:
        fail(f'{option}: "{value}" is not a whole number of minutes (or "unset")')


def _decimal(value: str | None, option: str) -> Any:
    if value is None:
        return UNCHANGED
    if value.strip().casefold() == _UNSET:
        return None
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        fail(f'{option}: "{value}" is not a number, e.g. 0.2')
    if not number.is_finite():
        fail(f'{option}: "{value}" is not a number, e.g. 0.2')
    return number


def _text(value: str | None) -> Any:
    if value is None:
        return UNCHANGED
    return None if value.strip().casefold() == _UNSET else value


def _codewords(value: str | None) -> dict[str, Any]:
    """``--codewords`` as the codeword rule and its minimum."""
    if value is None:
        return {}
    text = value.strip().casefold()
    if text == _UNSET:
        return {"codeword_rule": None, "codeword_minimum": None}
    if text in (CodewordRule.NONE, CodewordRule.ALL):
        return {"codeword_rule": CodewordRule(text), "codeword_minimum": None}
    try:
        if text.endswith("%"):
            share = Decimal(text[:-1].strip()) / 100
            return {"codeword_rule": CodewordRule.RATIO, "codeword_minimum": share}
        return {"codeword_rule": CodewordRule.COUNT, "codeword_minimum": Decimal(int(text))}
    except (InvalidOperation, ValueError):
        fail(f'--codewords: "{value}" is not none, all, a count (2) or a share (50%)')
