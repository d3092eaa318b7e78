"""Use cases of credit: the rules in force, changing them, recomputing an event's awards, and
the audit log of what people changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from functools import partial
from typing import Any

from sqlalchemy import select

from podium.credits.certificate_pdf import render_certificate as render_certificate
from podium.credits.certificates import VERIFICATION_PATH as VERIFICATION_PATH
from podium.credits.certificates import CertificateView as CertificateView
from podium.credits.certificates import certificate_view as certificate_view
from podium.credits.certificates import credits_text as credits_text
from podium.credits.certificates import date_range_text as date_range_text
from podium.credits.certificates import day_text as day_text
from podium.credits.certificates import find_certificate as find_certificate
from podium.credits.certificates import issue_certificates as issue_certificates
from podium.credits.certificates import time_range_text as time_range_text
from podium.credits.certificates import verification_path as verification_path
from podium.credits.certificates import verification_url as verification_url
from podium.credits.early_checkout import credit_at_stake as credit_at_stake
from podium.credits.engine import format_credits as format_credits
from podium.credits.engine import still_needed as still_needed
from podium.credits.export import ExportFormat as ExportFormat
from podium.credits.export import Report as Report
from podium.credits.export import Row as Row
from podium.credits.export import report_rows as report_rows
from podium.credits.export import write_csv as write_csv
from podium.credits.export import write_xlsx as write_xlsx
from podium.credits.ledger import refresh_credits
from podium.credits.rules import EVENT_RULE_COLUMNS as EVENT_RULE_COLUMNS
from podium.credits.rules import RULE_FIELDS as RULE_FIELDS
from podium.credits.rules import SESSION_RULE_COLUMNS as SESSION_RULE_COLUMNS
from podium.credits.rules import apply_change, resolve_rules
from podium.credits.rules import combine_rules as combine_rules
from podium.credits.rules import describe as describe
from podium.credits.rules import session_rules as session_rules
from podium.credits.transcript import attendee_transcript as attendee_transcript
from podium.credits.transcript import count_attendees_with_records as count_attendees_with_records
from podium.credits.transcript import event_transcripts as event_transcripts
from podium.credits.types import CreditRules, RulesChange
from podium.domain_events import CreditRulesChanged
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.models import (
    CreditAuditEntry,
    CreditAward,
    Event,
    EventCreditRules,
    EventSession,
    SessionCreditRules,
)


async def credit_rules(uow: UnitOfWork, *, session: EventSession) -> CreditRules:
    """The rules ``session``'s credit is decided by (its own, else its event's, else the
    defaults). Two primary-key reads."""
    event_rules = await uow.session.get(EventCreditRules, session.event_id)
    session_rules = await uow.session.get(SessionCreditRules, session.id)
    return resolve_rules(event_rules, session_rules)


async def event_credit_rules(
    uow: UnitOfWork, *, event: Event, session: EventSession | None = None
) -> CreditRules:
    """The rules in force for ``session`` (:func:`credit_rules`), or for the event's sessions
    that set none of their own."""
    if session is not None:
        return await credit_rules(uow, session=session)
    return resolve_rules(await uow.session.get(EventCreditRules, event.id), None)


async def set_credit_rules(
    uow: UnitOfWork,
    *,
    event: Event,
    session: EventSession | None = None,
    change: RulesChange,
    actor: str | None = None,
    reason: str | None = None,
) -> dict[str, Any]:
    """Change the credit rules of ``event`` (every session without its own) or, with
    ``session``, that session's own (None clears a rule: the event's applies again).

    Writes the rules and an audit log entry naming each rule changed with its old and new
    value, who and why; emits CreditRulesChanged, whose reaction recomputes the awards of every
    attendee of the event (or of the session) in this unit of work. Returns what changed,
    ``{rule: [old, new]}`` (empty: nothing was written or emitted). InvalidInput naming the
    first bad rule.
    """
    row: EventCreditRules | SessionCreditRules | None
    if session is None:
        row = await uow.session.get(EventCreditRules, event.id)
        if row is None:
            row = EventCreditRules(event_id=event.id)
            uow.session.add(row)
    else:
        row = await uow.session.get(SessionCreditRules, session.id)
        if row is None:
            row = SessionCreditRules(session_id=session.id)
            uow.session.add(row)
    changed = apply_change(row, change)
    if not changed:
        return changed
    row.updated_at = utcnow()
    row.updated_by = _clean(actor, 255)
    uow.session.add(
        CreditAuditEntry(
            event_id=event.id,
            action="session_rules_changed" if session is not None else "event_rules_changed",
            session_id=session.id if session is not None else None,
            session_name=session.name if session is not None else None,
            details=changed,
            reason=_clean(reason),
            actor=_clean(actor, 255),
            at=utcnow(),
        )
    )
    await uow.emit(
        CreditRulesChanged(
            event_id=event.id,
            session_id=session.id if session is not None else None,
            changed=tuple(changed),
        )
    )
    return changed


async def refresh_attendee_credits(
    uow: UnitOfWork,
    *,
    event_id: int,
    attendee_ids: Iterable[int] | None = None,
    session_id: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Recompute and write the awards of some attendees (``ledger.refresh_credits``: those
    given, else those of ``session_id``, else the whole event) in this unit of work; the
    number of award rows written."""
    return await uow.run(
        partial(
            refresh_credits,
            event_id=event_id,
            attendee_ids=list(attendee_ids) if attendee_ids is not None else None,
            session_id=session_id,
            progress=progress,
        )
    )


async def computed_credits(
    uow: UnitOfWork, *, checkin_id: int, field_of_study_id: int
) -> Decimal | None:
    """The credits the rules award a record in a field (None: not computed yet)."""
    credits: Decimal | None = await uow.session.scalar(
        select(CreditAward.credits).where(
            CreditAward.checkin_id == checkin_id,
            CreditAward.field_of_study_id == field_of_study_id,
        )
    )
    return credits


def audit_adjustment(
    uow: UnitOfWork,
    *,
    event_id: int,
    checkin_id: int,
    session: EventSession,
    attendee: str,
    field_of_study: str,
    computed: Decimal | None,
    previous: Decimal | None,
    new: Decimal | None,
    reason: str | None,
    actor: str | None,
) -> CreditAuditEntry:
    """Add the audit log entry of an adjustment set (``new``) or removed (``new`` None)."""
    entry = CreditAuditEntry(
        event_id=event_id,
        action="adjusted" if new is not None else "adjustment_removed",
        checkin_id=checkin_id,
        session_id=session.id,
        attendee=attendee[:600],
        session_name=session.name,
        field_of_study=field_of_study,
        computed_credits=computed,
        previous_credits=previous,
        new_credits=new,
        reason=_clean(reason),
        actor=_clean(actor, 255),
        at=utcnow(),
    )
    uow.session.add(entry)
    return entry


async def audit_log(uow: UnitOfWork, *, event: Event, limit: int = 100) -> list[CreditAuditEntry]:
    """The latest ``limit`` entries of the event's credit audit log, newest first."""
    result = await uow.session.scalars(
        select(CreditAuditEntry)
        .where(CreditAuditEntry.event_id == event.id)
        .order_by(CreditAuditEntry.at.desc(), CreditAuditEntry.id.desc())
        .limit(limit)
    )
    return list(result)


def _clean(text: str | None, limit: int | None = None) -> str | None:
    if text is None or not text.strip():
        return None
    text = text.strip()
    return text[:limit] if limit else text
