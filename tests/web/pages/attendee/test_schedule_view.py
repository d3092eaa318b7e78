"""The schedule as the event's home shows it: per day by time, "now" and "next" by the event's
time zone, and the day to jump to. Pure: sessions made in memory, the moment given."""

from __future__ import annotations

import datetime as dt
from itertools import count
from zoneinfo import ZoneInfo

from podium.models import Event, EventSession
from podium.web.pages.attendee.views import schedule

CHICAGO = ZoneInfo("America/Chicago")
DAY = dt.date(2026, 6, 1)
_ids = count(1)


def _session(name: str, day: dt.date | None, start: str | None, end: str | None) -> EventSession:
    return EventSession(
        id=next(_ids),
        public_id=name,
        name=name,
        date=day,
        start_time=dt.time.fromisoformat(start) if start else None,
        end_time=dt.time.fromisoformat(end) if end else None,
    )


def _markers(sessions: list[EventSession], at: str, *, zone: str = "America/Chicago") -> list:
    event = Event(uri="expo", name="Expo", timezone=zone)
    now = dt.datetime.combine(DAY, dt.time.fromisoformat(at), tzinfo=ZoneInfo(zone))
    shown = schedule(sessions, event=event, now=now)
    return [(row.session.name, row.marker) for day in shown.days for row in day.rows]


PROGRAM = [
    _session("Keynote", DAY, "09:00", "10:00"),
    _session("Track A", DAY, "10:30", "11:30"),
    _session("Track B", DAY, "10:30", "11:15"),
    _session("Lunch talk", DAY, "12:00", None),
    _session("Day two", DAY + dt.timedelta(days=1), "09:00", "10:00"),
    _session("Someday", None, None, None),
]


def test_schedule_marks_the_session_running_and_those_starting_next() -> None:
    assert _markers(PROGRAM, "09:30") == [
        ("Keynote", "now"),
        ("Track B", "next"),
        ("Track A", "next"),
        ("Lunch talk", None),
        ("Day two", None),
        ("Someday", None),
    ]


def test_schedule_marks_every_session_running_at_once() -> None:
    assert [name for name, marker in _markers(PROGRAM, "11:00") if marker] == [
        "Track B",
        "Track A",
        "Lunch talk",
    ]
    assert dict(_markers(PROGRAM, "11:00"))["Lunch talk"] == "next"


def test_schedule_after_the_last_session_marks_nothing() -> None:
    late = [_session("Early", DAY, "09:00", "10:00")]

    assert _markers(late, "10:00") == [("Early", None)]


def test_schedule_reads_the_times_in_the_events_zone() -> None:
    """09:30 in Chicago is 14:30 UTC: in a UTC event, the 09:00 keynote is long over."""
    event = Event(uri="expo", name="Expo", timezone=None)
    chicago_half_past_nine = dt.datetime.combine(DAY, dt.time(9, 30), tzinfo=CHICAGO)

    shown = schedule(PROGRAM[:1], event=event, now=chicago_half_past_nine)

    assert [row.marker for row in shown.days[0].rows] == [None]


def test_schedule_jumps_to_today_only_among_several_days() -> None:
    event = Event(uri="expo", name="Expo", timezone="America/Chicago")
    now = dt.datetime.combine(DAY, dt.time(8), tzinfo=CHICAGO)

    several = schedule(PROGRAM, event=event, now=now)
    one_day = schedule(PROGRAM[:2], event=event, now=now)
    tomorrow = schedule(PROGRAM, event=event, now=now - dt.timedelta(days=1))

    assert several.today is not None and several.today.anchor == "day-2026-06-01"
    assert [day.is_today for day in several.days] == [True, False, False]
    assert (one_day.today, tomorrow.today) == (None, None)
