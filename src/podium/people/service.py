"""Use cases of attendees: check who a person is, find them, or add them to the event.

A person is identified by their external id when one is given, else by their email; both match
exactly and case-insensitively. Emails are not unique (the vendor lets two records share one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime

from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.writer import Work
from podium.models import Attendee, Event
from podium.people import repository
from podium.people.errors import AttendeeNotFound
from podium.people.types import CUSTOM_FIELDS, AttendeeDetails, Joining, PageAttendee

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
_LIMITS = {"first_name": 255, "last_name": 255, "email": 320, "external_id": 255} | {
    name: 255 for name in CUSTOM_FIELDS
}


def _clean(name: str, value: str | None) -> str | None:
    """``value`` trimmed, None when blank; InvalidInput when longer than the column holds."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if len(value) > _LIMITS[name]:
        raise InvalidInput(
            f"{name}: is {len(value)} characters long; the limit is {_LIMITS[name]}", field=name
        )
    return value


def attendee_details(
    *,
    email: str | None,
    first_name: str | None = "",
    last_name: str | None = "",
    external_id: str | None = None,
    fields: Mapping[str, str | None] | None = None,
) -> AttendeeDetails:
    """Check and trim what identifies a person; InvalidInput names the first bad field.

    ``fields`` maps "field_1".."field_5" (the event's custom attendee fields) to values.
    A person needs an email or an external id.
    """
    unknown = sorted(set(fields or {}) - set(CUSTOM_FIELDS))
    if unknown:
        raise InvalidInput(
            f"{unknown[0]}: is not a custom attendee field; use field_1 to field_5",
            field=unknown[0],
        )
    cleaned_email = _clean("email", email)
    if cleaned_email is not None and not _EMAIL.match(cleaned_email):
        raise InvalidInput(
            f'email: "{cleaned_email}" is not an email address; use the form "alex@example.com"',
            field="email",
        )
    cleaned_external_id = _clean("external_id", external_id)
    if cleaned_email is None and cleaned_external_id is None:
        raise InvalidInput(
            "email: an attendee needs an email address or an external_id to be identified",
            field="email",
        )
    custom = {name: _clean(name, (fields or {}).get(name)) for name in CUSTOM_FIELDS}
    return AttendeeDetails(
        first_name=_clean("first_name", first_name) or "",
        last_name=_clean("last_name", last_name) or "",
        email=cleaned_email,
        external_id=cleaned_external_id,
        **custom,
    )


async def find_or_create_attendee(
    uow: UnitOfWork,
    *,
    event: Event,
    email: str | None,
    first_name: str | None,
    last_name: str | None,
    external_id: str | None = None,
    fields: Mapping[str, str | None] | None = None,
) -> Attendee:
    """The attendee of ``event`` this person is, created when there is none.

    Matching and the filling of blank values are those of :func:`find_or_create_attendees`.
    Flushes; InvalidInput (naming the field) before anything is written.
    """
    details = attendee_details(
        email=email,
        first_name=first_name,
        last_name=last_name,
        external_id=external_id,
        fields=fields,
    )
    (attendee,) = await find_or_create_attendees(uow, event=event, people=[details])
    return attendee


async def join_attendee(
    uow: UnitOfWork,
    *,
    event: Event,
    email: str,
    first_name: str,
    last_name: str,
    fields: Mapping[str, str | None] | None = None,
    now: datetime | None = None,
) -> Joining:
    """Who a person joining ``event`` through its pages with ``email`` becomes:

    - nobody has that email: a new attendee, joined now;
    - the oldest attendee with it has not been joined as from any browser yet (preloaded, or
      added through the API): that attendee, joined now, its blank names and custom fields
      filled in (a keynote's audience cannot wait for mail);
    - a browser already joined as that attendee: ``needs_proof``, and nothing is changed.

    The first join is marked with a conditional UPDATE, so of two browsers joining at once as
    an attendee nobody joined as yet, one joins and the other needs the proof. InvalidInput
    (naming the field) before anything is written; flushes.
    """
    details = attendee_details(
        email=email, first_name=first_name, last_name=last_name, fields=fields
    )
    at = now or utcnow()
    same_email = await repository.find_attendees_by_keys(
        uow, event=event, email_keys=[details.email_key or ""]
    )
    if not same_email:
        attendee = _new_attendee(event, details)
        attendee.joined_at = at
        uow.session.add(attendee)
        await uow.session.flush()
        return Joining(attendee=attendee, needs_proof=False)
    attendee = same_email[0]
    if attendee.joined_at is not None or not await repository.mark_joined(
        uow, attendee=attendee, at=at
    ):
        return Joining(attendee=attendee, needs_proof=True)
    _fill_blanks(attendee, details)
    await uow.session.flush()
    return Joining(attendee=attendee, needs_proof=False)


async def find_or_create_attendees(
    uow: UnitOfWork, *, event: Event, people: Sequence[AttendeeDetails]
) -> list[Attendee]:
    """The attendee each of ``people`` is, in order, creating those that do not exist yet.

    - With an external id: the attendee with that external id; else the oldest attendee with
      that email and *no* external id, who then takes the external id; else a new attendee.
    - Without one: the oldest attendee with that email; else a new attendee.
    - A matched attendee keeps every value it has; only its blank names, email, external id
      and custom fields are filled in from ``people``.
    Two entries describing the same person give the same attendee. A fixed number of queries
    for the lookup (one per 500 keys), then one flush.
    """
    candidates = await repository.find_attendees_by_keys(
        uow,
        event=event,
        external_id_keys=[p.external_id_key for p in people if p.external_id_key],
        email_keys=[p.email_key for p in people if p.email_key],
    )
    index = _Index()
    for candidate in candidates:
        index.add(candidate)
    attendees = []
    for details in people:
        attendee = index.match(details)
        if attendee is None:
            attendee = _new_attendee(event, details)
            uow.session.add(attendee)
        else:
            _fill_blanks(attendee, details)
        index.add(attendee)
        attendees.append(attendee)
    await uow.session.flush()
    return attendees


def page_attendee(work: Work, *, event_id: int, attendee_id: int) -> PageAttendee | None:
    """The attendee a page's browser joined as, read in a read job; None when the event has no
    such attendee (any more). One statement."""
    return repository.page_attendee(work, event_id=event_id, attendee_id=attendee_id)


async def get_attendee(uow: UnitOfWork, *, event: Event, attendee_id: int) -> Attendee:
    """The attendee ``attendee_id`` of ``event``; AttendeeNotFound for another event's."""
    attendee = await repository.find_attendee(uow, event=event, attendee_id=attendee_id)
    if attendee is None:
        raise AttendeeNotFound("There is no such attendee in this app.")
    return attendee


async def attendees_with_email(uow: UnitOfWork, *, event: Event, email: str) -> list[Attendee]:
    """The attendees of ``event`` with ``email`` (case-insensitive), oldest first: emails are
    not unique, so there may be several."""
    key = email.strip().casefold()
    if not key:
        return []
    return await repository.find_attendees_by_keys(uow, event=event, email_keys=[key])


class _Index:
    """Attendees by external id and by email, oldest first, as matching needs them."""

    def __init__(self) -> None:
        self.by_external_id: dict[str, Attendee] = {}
        self.by_email: dict[str, list[Attendee]] = {}

    def add(self, attendee: Attendee) -> None:
        if attendee.external_id_key:
            self.by_external_id.setdefault(attendee.external_id_key, attendee)
        if attendee.email_key:
            same_email = self.by_email.setdefault(attendee.email_key, [])
            if not any(other is attendee for other in same_email):
                same_email.append(attendee)

    def match(self, details: AttendeeDetails) -> Attendee | None:
        same_email = self.by_email.get(details.email_key or "", [])
        if details.external_id_key:
            found = self.by_external_id.get(details.external_id_key)
            if found is not None:
                return found
            return next((a for a in same_email if a.external_id_key is None), None)
        return same_email[0] if same_email else None


def _new_attendee(event: Event, details: AttendeeDetails) -> Attendee:
    return Attendee(
        event_id=event.id,
        first_name=details.first_name,
        last_name=details.last_name,
        email=details.email,
        email_key=details.email_key,
        external_id=details.external_id,
        external_id_key=details.external_id_key,
        **{name: getattr(details, name) for name in CUSTOM_FIELDS},
    )


def _fill_blanks(attendee: Attendee, details: AttendeeDetails) -> None:
    if not attendee.first_name and details.first_name:
        attendee.first_name = details.first_name
    if not attendee.last_name and details.last_name:
        attendee.last_name = details.last_name
    if attendee.email is None and details.email is not None:
        attendee.email, attendee.email_key = details.email, details.email_key
    if attendee.external_id is None and details.external_id is not None:
        attendee.external_id = details.external_id
        attendee.external_id_key = details.external_id_key
    for name in CUSTOM_FIELDS:
        if getattr(attendee, name) is None and getattr(details, name) is not None:
            setattr(attendee, name, getattr(details, name))
