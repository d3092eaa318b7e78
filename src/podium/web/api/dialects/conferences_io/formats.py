"""How the vendor writes values: ISO-8601 instants in the event's zone, "HH:MM:SS" times,
credits as strings on sessions and as numbers on check-in records."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, tzinfo
from decimal import Decimal
from email.utils import format_datetime
from zoneinfo import ZoneInfo

from podium.models import Event


def event_zone(event: Event) -> tzinfo:
    return ZoneInfo(event.timezone) if event.timezone else UTC


def instant(value: datetime | None, zone: tzinfo) -> str | None:
    """``2019-01-08T11:47:02-05:00``: to the second, with the event's offset."""
    if value is None:
        return None
    return value.astimezone(zone).replace(microsecond=0).isoformat()


def rfc2822(value: datetime, zone: tzinfo) -> str:
    """``Tue, 21 Jan 2018 11:47:08 -0500``, as evaluation responses carry it."""
    return format_datetime(value.astimezone(zone).replace(microsecond=0))


def day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def clock(value: time | None) -> str | None:
    return value.strftime("%H:%M:%S") if value is not None else None


def credits_text(value: Decimal) -> str:
    """Credits as the vendor sends them on sessions: "2", "2.5"."""
    return format(value.normalize(), "f")


def credits_number(value: Decimal) -> int | float:
    """Credits as a JSON number, as check-in records carry them: 2, 2.5."""
    normalized = value.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)
