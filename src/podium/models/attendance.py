"""Attendance: one check-in record per attendee and session, its history, codewords, credits."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    ForeignKey,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from podium.kit.clock import utcnow
from podium.models.base import Base
from podium.models.people import Attendee


class Checkin(Base):
    """An attendee's attendance record for one session (the vendor's "check-in record").

    A preloaded attendee has a record with no check-in time until they check in.
    ``checkin_time``/``checkout_time`` may one day be edited by administrators; the ``_actual``
    twins keep what really happened.
    """

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("session_id", "attendee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True
    )
    preloaded: Mapped[bool] = mapped_column(Boolean, default=False)
    checked_in: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_time: Mapped[datetime | None]
    checkout_time: Mapped[datetime | None]
    checkin_time_actual: Mapped[datetime | None]
    checkout_time_actual: Mapped[datetime | None]
    delivery_format: Mapped[str | None] = mapped_column(String(16))
    admin_note: Mapped[str | None] = mapped_column(Text)
    attendee_note: Mapped[str | None] = mapped_column(Text)
    checkin_source: Mapped[str | None] = mapped_column(String(16))
    checkout_source: Mapped[str | None] = mapped_column(String(16))
    evaluation_completed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # names the present state of what the attendance list shows of this record: a new random
    # number from database triggers (migration 0006) with every write that changes it — its
    # row, history, codeword submissions, credit adjustments and awards, its attendee's shown
    # columns — whoever writes. Never written by Podium's code.
    revision: Mapped[int] = mapped_column(BigInteger, server_default="0")

    attendee: Mapped[Attendee] = relationship(lazy="raise")
    history: Mapped[list[CheckinHistoryEntry]] = relationship(
        lazy="raise",
        order_by="(CheckinHistoryEntry.at, CheckinHistoryEntry.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    codeword_submissions: Mapped[list[CodewordSubmission]] = relationship(
        lazy="raise",
        order_by="CodewordSubmission.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    credit_adjustments: Mapped[list[CreditAdjustment]] = relationship(
        lazy="raise", cascade="all, delete-orphan", passive_deletes=True
    )


class CheckinHistoryEntry(Base):
    """One check-in or check-out action. A replayed nonce finds the entry it made."""

    __tablename__ = "checkin_history"
    __table_args__ = (UniqueConstraint("checkin_id", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    action: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    source: Mapped[str | None] = mapped_column(String(16))
    nonce: Mapped[str | None] = mapped_column(String(64))


class CodewordSubmission(Base):
    """A word an attendee entered for a field of study; ``codeword_id`` is set when it was valid."""

    __tablename__ = "codeword_submissions"
    __table_args__ = (
        UniqueConstraint("checkin_id", "nonce"),
        UniqueConstraint("checkin_id", "codeword_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    field_of_study_id: Mapped[int] = mapped_column(
        ForeignKey("fields_of_study.id", ondelete="CASCADE"), index=True
    )
    codeword_id: Mapped[int | None] = mapped_column(
        ForeignKey("codewords.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(String(255))
    nonce: Mapped[str | None] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class CreditAdjustment(Base):
    """Credits an administrator awarded by hand for one field of study, replacing the computed."""

    __tablename__ = "credit_adjustments"
    __table_args__ = (UniqueConstraint("checkin_id", "field_of_study_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    checkin_id: Mapped[int] = mapped_column(ForeignKey("checkins.id", ondelete="CASCADE"))
    field_of_study_id: Mapped[int] = mapped_column(
        ForeignKey("fields_of_study.id", ondelete="CASCADE"), index=True
    )
    credits: Mapped[Decimal]
    reason: Mapped[str | None] = mapped_column(Text)
    adjusted_by: Mapped[str | None] = mapped_column(String(255))
    adjusted_at: Mapped[datetime] = mapped_column(default=utcnow)


class AttendanceVersion(Base):
    """Names the present state of one session's attendance list, for caches of it.

    Database triggers (migration 0003) write a new random 63-bit ``version`` in the transaction
    of every write that changes what the list shows: a record, its history, codeword
    submissions or credit adjustments; the session's fields of study or their codewords; a
    shown column of an attendee with a record. Written by the database, it moves whichever
    code path writes (the ORM, Core, plain SQL). Every session has a row from its creation;
    the rows go with their session.

    On PostgreSQL a transaction never waits for another to move a version: it rewrites a row
    of the session (``slot``) that no other open transaction holds, or adds one, so a session
    has about as many rows as it ever had transactions writing to it at once, and its version
    is all of them together. On SQLite, which writes one transaction at a time, only slot 0.

    ``records_generation`` (PostgreSQL) moves, with the version, when a trigger could not move
    a record's ``Checkin.revision`` without waiting for another transaction (migration 0006):
    the list then encodes every record of the session again. 0 until then; SQLite never
    moves it.

    SQLite drops a table's triggers when a migration rebuilds the table (``batch_alter_table``):
    a migration that rebuilds one of those tables must create its triggers again (the
    invalidation tests of the attendance list fail otherwise).
    """

    __tablename__ = "attendance_versions"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    version: Mapped[int] = mapped_column(BigInteger)
    records_generation: Mapped[int] = mapped_column(BigInteger, server_default="0")
