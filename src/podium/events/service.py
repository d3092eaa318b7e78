"""Use cases of events: create one, read one, change its settings."""

from __future__ import annotations

import dataclasses
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from podium.domain_events import EventTimezoneChanged
from podium.events import repository
from podium.events.errors import EventNotFound, EventUriTaken
from podium.events.types import EventChanges
from podium.kit.changes import KEEP
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.timeparse import date_out_of_range
from podium.models import Event

_URI = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$")


_ORGANIZER_LENGTH = 255


def validate_timezone(name: str, *, field: str = "timezone") -> str:
    """An IANA time zone name such as "America/Chicago", or InvalidInput."""
    if name in available_timezones():
        return name
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(
            f'{field}: "{name}" is not a time zone of the tz database; use a name such as '
            '"America/Chicago"',
            field=field,
        ) from exc
    return name


def _validate_uri(uri: str) -> str:
    if not _URI.match(uri):
        raise InvalidInput(
            f'uri: "{uri}" is not usable; use 1 to 64 lowercase letters, digits and hyphens '
            '(not at either end), e.g. "example"',
            field="uri",
        )
    return uri


async def create_event(
    uow: UnitOfWork, *, uri: str, name: str, timezone: str | None = None
) -> Event:
    """Create an event. Fails with EventUriTaken when ``uri`` is in use."""
    _validate_uri(uri)
    if not name.strip():
        raise InvalidInput("name: an event needs a name", field="name")
    if timezone is not None:
        validate_timezone(timezone)
    if await repository.find_event_by_uri(uow, uri) is not None:
        raise EventUriTaken(f'An event with the URI "{uri}" already exists; choose another URI.')
    event = Event(uri=uri, name=name.strip(), timezone=timezone)
    uow.session.add(event)
    await uow.session.flush()
    return event


async def list_events(uow: UnitOfWork) -> list[Event]:
    """Every event, by URI."""
    return await repository.list_events(uow)


async def find_event(uow: UnitOfWork, uri: str) -> Event | None:
    """The event at ``uri``, or None when there is none."""
    return await repository.find_event_by_uri(uow, uri)


async def get_event(uow: UnitOfWork, uri: str) -> Event:
    event = await repository.find_event_by_uri(uow, uri)
    if event is None:
        raise EventNotFound(f'There is no event with the URI "{uri}".')
    return event


async def update_event_settings(uow: UnitOfWork, *, event: Event, changes: EventChanges) -> Event:
    """Apply a partial update to the event's settings; fields left KEEP do not change.

    Validates everything before changing anything, so a bad field leaves the event as it was.
    A new time zone moves when every session runs: emits EventTimezoneChanged, whose reaction
    recomputes the event's credits.
    """
    values = {f.name: getattr(changes, f.name) for f in dataclasses.fields(changes)}
    values = {name: value for name, value in values.items() if value is not KEEP}
    name = values.get("name")
    if "name" in values and (name is None or not str(name).strip()):
        raise InvalidInput("name: an event's name cannot be blank", field="name")
    timezone = values.get("timezone")
    if isinstance(timezone, str):
        validate_timezone(timezone)
    for field in ("start_date", "end_date"):
        day = values.get(field)
        out_of_range = date_out_of_range(day) if day is not None else None
        if out_of_range is not None:
            raise InvalidInput(f"{field}: {out_of_range}", field=field)
    start = values.get("start_date", event.start_date)
    end = values.get("end_date", event.end_date)
    if start is not None and end is not None and end < start:
        raise InvalidInput(
            f"end_date: the event cannot end ({end}) before it starts ({start})", field="end_date"
        )
    organizer = values.get("organizer")
    if isinstance(organizer, str):
        values["organizer"] = organizer.strip() or None
        if len(organizer.strip()) > _ORGANIZER_LENGTH:
            raise InvalidInput(
                f"organizer: is {len(organizer.strip())} characters long; the limit is "
                f"{_ORGANIZER_LENGTH}",
                field="organizer",
            )
    moved = "timezone" in values and values["timezone"] != event.timezone
    for attribute, value in values.items():
        setattr(event, attribute, value.strip() if attribute == "name" else value)
    await uow.session.flush()
    if moved:
        await uow.emit(EventTimezoneChanged(event_id=event.id, timezone=event.timezone))
    return event
