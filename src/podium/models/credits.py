"""Continuing-education credits: the rules, the awards computed from attendance, the audit
log of what people changed, and the certificates issued."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.kit.clock import utcnow
from podium.models.base import Base


class _RuleColumns:
    """The rules of credit; NULL means "not set here" (a session's rules then take the
    event's, the event's the defaults of ``podium.credits.rules``)."""

    # minutes in the session for one credit (50: a CPE "credit hour"); NULL: any time counts
    minutes_per_credit: Mapped[int | None] = mapped_column(Integer)
    # partial credit in steps of this many credits (0.2); 0: none below full credit
    partial_credit_step: Mapped[Decimal | None]
    # "none", "all", "count" (codeword_minimum of them) or "ratio" (that share of them)
    codeword_rule: Mapped[str | None] = mapped_column(String(8))
    codeword_minimum: Mapped[Decimal | None]
    # "none", "for_credit" or "for_checkout" (which withholds credit too)
    evaluation_rule: Mapped[str | None] = mapped_column(String(16))
    # a check-in this many minutes after the start counts from the start; a check-out this
    # many minutes before the end counts to the end
    late_checkin_minutes: Mapped[int | None] = mapped_column(Integer)
    early_checkout_minutes: Mapped[int | None] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str | None] = mapped_column(String(255))


class EventCreditRules(_RuleColumns, Base):
    """The credit rules of every session of an event that does not set its own."""

    __tablename__ = "event_credit_rules"

    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class SessionCreditRules(_RuleColumns, Base):
    """One session's exceptions to its event's credit rules (NULL columns take the event's)."""

    __tablename__ = "session_credit_rules"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )


class CreditAward(Base):
    """What the rules award one attendance record in one field of study, and why.

    Written only by ``podium.credits.ledger`` from the record's data and the rules; an
    administrator's ``CreditAdjustment`` stands beside it and does not change it.
    """

    __tablename__ = "credit_awards"
    __table_args__ = (
        UniqueConstraint("checkin_id", "field_of_study_id"),
        Index("ix_credit_awards_attendee", "attendee_id", "session_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    field_of_study_id: Mapped[int] = mapped_column(
        ForeignKey("fields_of_study.id", ondelete="CASCADE"), index=True
    )
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    credits: Mapped[Decimal]
    possible: Mapped[Decimal]
    # "awarded", "partial" or "withheld"
    outcome: Mapped[str] = mapped_column(String(16))
    seconds_attended: Mapped[int] = mapped_column(Integer)
    seconds_required: Mapped[int | None] = mapped_column(Integer)
    codewords_valid: Mapped[int] = mapped_column(Integer)
    codewords_required: Mapped[int] = mapped_column(Integer)
    codewords_possible: Mapped[int] = mapped_column(Integer)
    evaluation_required: Mapped[bool]
    evaluation_submitted: Mapped[bool]
    # [{"code": ..., "text": ...}, ...] in the order they were found
    reasons: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)


class CreditAuditEntry(Base):
    """One change a person made to credits: an adjustment set or removed, rules changed.

    Kept when the record it names is removed (its ids are then NULL; the names stay), so that
    an auditor can still read who changed what, when and why.
    """

    __tablename__ = "credit_audit_log"
    __table_args__ = (Index("ix_credit_audit_log_event_at", "event_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    # "adjusted", "adjustment_removed", "event_rules_changed", "session_rules_changed"
    action: Mapped[str] = mapped_column(String(32))
    checkin_id: Mapped[int | None] = mapped_column(
        ForeignKey("checkins.id", ondelete="SET NULL"), index=True
    )
    session_id: Mapped[int | None] = mapped_column(ForeignKey("sessions.id", ondelete="SET NULL"))
    attendee: Mapped[str | None] = mapped_column(String(600))
    session_name: Mapped[str | None] = mapped_column(String(500))
    field_of_study: Mapped[str | None] = mapped_column(String(255))
    computed_credits: Mapped[Decimal | None]
    previous_credits: Mapped[Decimal | None]
    new_credits: Mapped[Decimal | None]
    # what changed, for rule changes: {"minutes_per_credit": [old, new], ...}
    details: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    actor: Mapped[str | None] = mapped_column(String(255))
    at: Mapped[datetime] = mapped_column(default=utcnow)


class Certificate(Base):
    """A certificate of credit issued to an attendee: for one session, or (``session_id``
    NULL) for the whole event. ``lines`` keep what it certified when it was issued, so that
    the verification page shows exactly that; a certificate whose credits changed later is
    ``superseded_at`` by a new one with a new number."""

    __tablename__ = "certificates"
    __table_args__ = (Index("ix_certificates_attendee", "attendee_id", "session_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    holder_name: Mapped[str] = mapped_column(String(600))
    total_credits: Mapped[Decimal]
    # [{"session": name, "date": "2026-11-30", "field_of_study": name, "credits": "1.5"}, ...]
    lines: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    superseded_at: Mapped[datetime | None]
