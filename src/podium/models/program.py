"""The program: rooms, sessions, their presenters, fields of study and codewords."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from podium.kit.clock import utcnow
from podium.models.base import Base
from podium.models.people import Presenter


class Room(Base):
    __tablename__ = "rooms"
    __table_args__ = (UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))


class EventSession(Base):
    """A session of the program (a talk, a workshop, a keynote)."""

    __tablename__ = "sessions"
    __table_args__ = (
        Index("ix_sessions_event_schedule", "event_id", "date", "start_time"),
        Index("ix_sessions_event_external_id", "event_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("rooms.id", ondelete="SET NULL"))
    # wall-clock date and times in the event's time zone, as organizers type them
    date: Mapped[date | None]
    start_time: Mapped[time | None]
    end_time: Mapped[time | None]
    access_code: Mapped[str | None] = mapped_column(String(255))
    moderator_password: Mapped[str | None] = mapped_column(String(255))
    checkin_required: Mapped[bool] = mapped_column(Boolean, default=False)
    checkout_required: Mapped[bool] = mapped_column(Boolean, default=False)
    checkin_code: Mapped[str | None] = mapped_column(String(255))
    checkout_code: Mapped[str | None] = mapped_column(String(255))
    delivery_format: Mapped[str | None] = mapped_column(String(16))
    # new audience questions wait for a moderator's approval before the audience sees them
    questions_moderated: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    learning_objectives: Mapped[list[str] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    room: Mapped[Room | None] = relationship(lazy="raise")
    presenter_links: Mapped[list[SessionPresenter]] = relationship(
        lazy="raise",
        order_by="SessionPresenter.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    fields_of_study: Mapped[list[FieldOfStudy]] = relationship(
        lazy="raise",
        order_by="FieldOfStudy.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class SessionPresenter(Base):
    __tablename__ = "session_presenters"

    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), primary_key=True
    )
    presenter_id: Mapped[int] = mapped_column(
        ForeignKey("presenters.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    presenter: Mapped[Presenter] = relationship(lazy="raise")


class FieldOfStudy(Base):
    """A field of study a session grants continuing-education credits in."""

    __tablename__ = "fields_of_study"
    __table_args__ = (UniqueConstraint("session_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(255))
    name_key: Mapped[str] = mapped_column(String(255))
    credits: Mapped[Decimal]
    position: Mapped[int] = mapped_column(default=0)

    codewords: Mapped[list[Codeword]] = relationship(
        lazy="raise",
        order_by="Codeword.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Codeword(Base):
    """A word the speaker announces during the session to prove presence for a field of study."""

    __tablename__ = "codewords"
    __table_args__ = (UniqueConstraint("field_of_study_id", "word_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    field_of_study_id: Mapped[int] = mapped_column(
        ForeignKey("fields_of_study.id", ondelete="CASCADE")
    )
    word: Mapped[str] = mapped_column(String(255))
    word_key: Mapped[str] = mapped_column(String(255))
    position: Mapped[int] = mapped_column(default=0)
    # when a moderator last announced it (shown on the screen page); None until announced
    announced_at: Mapped[datetime | None]
