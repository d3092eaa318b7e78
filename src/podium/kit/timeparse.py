"""Dates and times as people type them: "2019-01-24", "January 23, 2023", "8pm", "08:30:00".

Every parser raises ``ValueError`` with a sentence that says what was expected.

Dates are bounded: an event's days lie between :data:`FIRST_YEAR` and :data:`LAST_YEAR`. A date
far out (9999-12-31) would be stored, then overflow every computation that turns a session's
wall-clock time into an instant (in America/Chicago that evening is already year 10000 in UTC).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time

_DATE_FORMATS = (
    "%Y-%m-%d",
    "%B %d, %Y",
    "%B %d %Y",
    "%b %d, %Y",
    "%b %d %Y",
    "%b. %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%A, %B %d, %Y",
    "%a, %b %d, %Y",
    "%m/%d/%Y",
    "%Y/%m/%d",
)

_TIME_24H = re.compile(r"^(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?$")
_TIME_12H = re.compile(
    r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?(?::(?P<s>\d{2}))?\s*(?P<ampm>[ap])\.?\s*m\.?$",
    re.IGNORECASE,
)
_NAMED_TIMES = {"noon": time(12, 0), "midnight": time(0, 0)}


FIRST_YEAR = 1900
LAST_YEAR = 2200


def date_out_of_range(value: date) -> str | None:
    """Why ``value`` is not a date Podium accepts (a sentence), or None when it is."""
    if FIRST_YEAR <= value.year <= LAST_YEAR:
        return None
    return f"{value.isoformat()} is not between the years {FIRST_YEAR} and {LAST_YEAR}"


def parse_date(text: str) -> date:
    """A calendar date from ISO ``YYYY-MM-DD`` or an English date such as "January 23, 2023",
    in the years FIRST_YEAR to LAST_YEAR."""
    cleaned = " ".join(text.strip().split())
    # "January 23rd, 2023" → "January 23, 2023"
    cleaned = re.sub(r"(?<=\d)(st|nd|rd|th)\b", "", cleaned, flags=re.IGNORECASE)
    for fmt in _DATE_FORMATS:
        try:
            parsed = datetime.strptime(cleaned, fmt).date()
        except ValueError:
            continue
        if date_out_of_range(parsed) is not None:
            raise ValueError(
                f'"{text}" is not a date between the years {FIRST_YEAR} and {LAST_YEAR}'
            )
        return parsed
    raise ValueError(
        f'"{text}" is not a date; use YYYY-MM-DD (e.g. "2019-01-24") '
        'or a date like "January 23, 2023"'
    )


def parse_time(text: str) -> time:
    """A wall-clock time from "20:00", "08:30:00", "8pm", "8:00PM", "8:30 a.m.", "noon"."""
    cleaned = text.strip()
    named = _NAMED_TIMES.get(cleaned.lower())
    if named is not None:
        return named
    match = _TIME_24H.match(cleaned)
    if match:
        hour, minute, second = int(match["h"]), int(match["m"]), int(match["s"] or 0)
        if hour == 24 and minute == 0 and second == 0:
            hour = 0
        if hour < 24 and minute < 60 and second < 60:
            return time(hour, minute, second)
    match = _TIME_12H.match(cleaned)
    if match:
        hour, minute, second = int(match["h"]), int(match["m"] or 0), int(match["s"] or 0)
        if 1 <= hour <= 12 and minute < 60 and second < 60:
            hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
            return time(hour, minute, second)
    raise ValueError(
        f'"{text}" is not a time; use 24-hour HH:MM (e.g. "20:00") or a time like "8pm" or "8:00PM"'
    )
