"""What the mail use cases take and give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol


@dataclass(frozen=True)
class MailToSend:
    """A queued mail a worker has claimed: the ``claim_token`` proves the claim when it
    reports the outcome."""

    id: int
    claim_token: str
    to: str
    subject: str
    text: str
    html: str | None
    message_key: str  # the left part of its Message-ID, the same on every try
    attempts: int  # tries before this one
    created_at: datetime


class MailTransport(Protocol):
    """Sends one mail, or raises :class:`~podium.mail.errors.MailNotSent`."""

    @property
    def label(self) -> str:
        """Where the mail goes, as a person reads it."""
        ...

    async def send(self, mail: MailToSend) -> None: ...


@dataclass(frozen=True)
class RetryPolicy:
    """How failed tries are retried: after ``first_delay``, doubling, at most ``longest_delay``
    apart, until ``max_attempts`` tries were made."""

    first_delay: timedelta = timedelta(seconds=30)
    longest_delay: timedelta = timedelta(hours=1)
    max_attempts: int = 8

    def delay_after(self, attempts: int) -> timedelta:
        """The wait before the next try, once ``attempts`` tries (at least one) have failed."""
        delay: timedelta = self.first_delay * (2 ** max(0, attempts - 1))
        return min(delay, self.longest_delay)


@dataclass(frozen=True)
class RoundResult:
    """What one delivery round did."""

    sent: int = 0
    retried: int = 0
    failed: int = 0
