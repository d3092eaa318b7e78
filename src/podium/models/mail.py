"""The mail outbox: every mail Podium sends is a row here first, written in the transaction of
the change that made it, and sent by the worker afterwards (see ``podium.mail``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from podium.enums import MailState
from podium.kit.clock import utcnow
from podium.models.base import Base


class OutboxMail(Base):
    """One mail to one address. A worker claims it (``claim_token`` until ``claimed_until``),
    sends it, and marks it sent; a failed try waits until ``next_attempt_at``."""

    __tablename__ = "mail_outbox"
    __table_args__ = (Index("ix_mail_outbox_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(320))
    subject: Mapped[str] = mapped_column(String(998))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    # the left part of its Message-ID: the same on every try, so a receiver can tell a repeat
    message_key: Mapped[str] = mapped_column(String(255))
    state: Mapped[str] = mapped_column(String(16), default=MailState.PENDING.value)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    claim_token: Mapped[str | None] = mapped_column(String(32))
    claimed_until: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
