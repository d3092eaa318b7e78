"""The one place Podium asks for the time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current instant, timezone-aware, in UTC, to the second's microsecond."""
    return datetime.now(UTC)
