"""When a session runs, as instants: its wall-clock date and times in the event's time zone."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo


def session_window(
    date: dt.date | None,
    start_time: dt.time | None,
    end_time: dt.time | None,
    timezone: str | None,
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The instants a session starts and ends: its times on its date in the event's time zone
    (UTC when the event has none). Without a start time it starts when its date does; without
    an end time it ends when its date does; an end time not after the start time is on the
    next day (a session past midnight). ``(None, None)`` for a session without a date."""
    if date is None:
        return None, None
    zone = ZoneInfo(timezone) if timezone else dt.UTC
    starts = dt.datetime.combine(date, start_time or dt.time(), tzinfo=zone)
    if end_time is None:
        ends = dt.datetime.combine(date + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    else:
        ends = dt.datetime.combine(date, end_time, tzinfo=zone)
        if start_time is not None and end_time <= start_time:
            ends = dt.datetime.combine(date + dt.timedelta(days=1), end_time, tzinfo=zone)
    return starts.astimezone(dt.UTC), ends.astimezone(dt.UTC)
