"""Checks every attendance use case makes of its inputs."""

from __future__ import annotations

from datetime import datetime

from podium.kit.clock import utcnow
from podium.kit.errors import InvalidInput
from podium.models import Attendee, EventSession
from podium.people.errors import AttendeeNotFound

NONCE_MAX_LENGTH = 64


def check_same_event(session: EventSession, attendee: Attendee) -> None:
    if attendee.event_id != session.event_id:
        raise AttendeeNotFound("There is no such attendee in this session's app.")


def clean_nonce(nonce: str | None) -> str | None:
    """The nonce trimmed, None when blank; InvalidInput when longer than the column holds."""
    if nonce is None or not nonce.strip():
        return None
    nonce = nonce.strip()
    if len(nonce) > NONCE_MAX_LENGTH:
        raise InvalidInput(
            f"nonce: is {len(nonce)} characters long; the limit is {NONCE_MAX_LENGTH}",
            field="nonce",
        )
    return nonce


def instant(at: datetime | None) -> datetime:
    """``at``, or now; a naive datetime is a programming error."""
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise ValueError("at: pass a timezone-aware instant")
    return at
