"""Presenters and attendees."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from podium.kit.clock import utcnow
from podium.models.base import Base


class Presenter(Base):
    __tablename__ = "presenters"
    __table_args__ = (
        UniqueConstraint("event_id", "external_id"),
        Index("ix_presenters_event_name", "event_id", "name_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    external_id: Mapped[str | None] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(255))
    # casefolded name, for "find a presenter with a matching name"
    name_key: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Attendee(Base):
    """A person at the event. Emails are not unique: the vendor allows two records to share one."""

    __tablename__ = "attendees"
    __table_args__ = (
        Index("ix_attendees_event_email", "event_id", "email_key"),
        # one attendee per external id (NULLs are distinct, so attendees without one are free)
        UniqueConstraint("event_id", "external_id_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    first_name: Mapped[str] = mapped_column(String(255), default="")
    last_name: Mapped[str] = mapped_column(String(255), default="")
    email: Mapped[str | None] = mapped_column(String(320))
    external_id: Mapped[str | None] = mapped_column(String(255))
    # casefolded copies for exact, case-insensitive matching
    email_key: Mapped[str | None] = mapped_column(String(320))
    external_id_key: Mapped[str | None] = mapped_column(String(255))
    field_1: Mapped[str | None] = mapped_column(String(255))
    field_2: Mapped[str | None] = mapped_column(String(255))
    field_3: Mapped[str | None] = mapped_column(String(255))
    field_4: Mapped[str | None] = mapped_column(String(255))
    field_5: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # when a browser first joined as this attendee through the event's pages; from then on
    # another browser joining with this email must prove it holds the address
    joined_at: Mapped[datetime | None]
