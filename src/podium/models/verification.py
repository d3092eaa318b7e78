"""Proofs that a person holds an attendee's email: a one-time code and a sign-in link, mailed
to that address (see ``podium.verification``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from podium.kit.clock import utcnow
from podium.models.base import Base


class EmailProof(Base):
    """A code and a link sent to ``attendee``'s email for one device (browser). Only hashes
    are kept: the code's keyed with the device's own secret (so the table alone cannot be
    searched for it), the link's token plainly (it is long and random). Used once, until
    ``expires_at``; a new proof for the same attendee and device replaces this one."""

    __tablename__ = "email_proofs"
    __table_args__ = (
        Index("ix_email_proofs_device", "event_id", "device_hash"),
        Index("ix_email_proofs_attendee", "attendee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    attendee_id: Mapped[int] = mapped_column(ForeignKey("attendees.id", ondelete="CASCADE"))
    device_hash: Mapped[str] = mapped_column(String(64))
    code_hash: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # the page of the event the person was going to (a path), for after the proof
    next_path: Mapped[str | None] = mapped_column(String(2000))
    # the address it was sent to: a proof of an address the attendee no longer has proves nothing
    email_key: Mapped[str] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
