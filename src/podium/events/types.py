from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from podium.kit.changes import KEEP, Change


@dataclass(frozen=True, kw_only=True)
class EventChanges:
    """A partial update of an event's settings; every field defaults to KEEP (no change).

    ``name`` cannot be unset. ``timezone`` None means "no time zone". ``organizer``: who runs
    the event and stands behind its certificates of credit.
    """

    name: Change[str] = KEEP
    start_date: Change[date | None] = KEEP
    end_date: Change[date | None] = KEEP
    timezone: Change[str | None] = KEEP
    organizer: Change[str | None] = KEEP
    app_password: Change[str | None] = KEEP
    moderator_password: Change[str | None] = KEEP
    custom_attendee_field_1: Change[str | None] = KEEP
    custom_attendee_field_2: Change[str | None] = KEEP
    custom_attendee_field_3: Change[str | None] = KEEP
    custom_attendee_field_4: Change[str | None] = KEEP
    custom_attendee_field_5: Change[str | None] = KEEP
