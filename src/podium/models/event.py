"""The event (Conferences i/o's "app")."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from podium.kit.clock import utcnow
from podium.models.base import Base


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    uri: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    # IANA name; None means the event has no time zone and times are shown in UTC.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # who runs the event and stands behind its certificates of credit
    organizer: Mapped[str | None] = mapped_column(String(255))
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    # Shared secrets the vendor APIs return, so stored as given (ARCHITECTURE rule 7).
    app_password: Mapped[str | None] = mapped_column(String(255))
    moderator_password: Mapped[str | None] = mapped_column(String(255))
    custom_attendee_field_1: Mapped[str | None] = mapped_column(String(255))
    custom_attendee_field_2: Mapped[str | None] = mapped_column(String(255))
    custom_attendee_field_3: Mapped[str | None] = mapped_column(String(255))
    custom_attendee_field_4: Mapped[str | None] = mapped_column(String(255))
    custom_attendee_field_5: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
