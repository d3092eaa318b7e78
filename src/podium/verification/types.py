"""What the email-proof use cases give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from podium.models import Attendee


@dataclass(frozen=True)
class PendingProof:
    """A proof waiting for its code or link: whom it is for and where they were going."""

    attendee: Attendee
    email: str
    next_path: str | None
    expires_at: datetime


@dataclass(frozen=True)
class Proven:
    """The device proved ``email`` of ``attendee``; ``next_path`` is where it was going."""

    attendee: Attendee
    email: str
    next_path: str | None
