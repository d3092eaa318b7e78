"""Inputs of the program's use cases: a new session, a partial update of one, and their parts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from podium.enums import DeliveryFormat
from podium.kit.changes import KEEP, Change
from podium.models import EventSession


def text_key(text: str) -> str:
    """How names of presenters, rooms, fields of study and codewords are compared: trimmed and
    casefolded (" Jane DOE " matches "jane doe"). The ``*_key`` columns hold it."""
    return text.strip().casefold()


class SessionFacts(NamedTuple):
    """What a write job needs of a session: read in the job's own transaction, or taken from a
    session loaded in it (:meth:`of`)."""

    id: int
    public_id: str
    event_id: int
    checkin_code: str | None
    checkout_code: str | None
    delivery_format: str | None

    @classmethod
    def of(cls, session: EventSession) -> SessionFacts:
        return cls(
            session.id,
            session.public_id,
            session.event_id,
            session.checkin_code,
            session.checkout_code,
            session.delivery_format,
        )


class PageEvent(NamedTuple):
    """What a session's page shows and checks of its event (read with Core, no ORM row)."""

    id: int
    uri: str
    name: str
    timezone: str | None
    app_password: str | None


class PageSession(NamedTuple):
    """A session as its attendees' page shows it: its heading (times, room, presenters in
    order), what its sections' forms need, read with Core (no ORM row)."""

    id: int
    public_id: str
    event_id: int
    name: str
    description: str | None
    date: dt.date | None
    start_time: dt.time | None
    end_time: dt.time | None
    room_name: str | None
    presenter_names: tuple[str, ...]
    questions_moderated: bool
    checkin_code: str | None
    checkout_code: str | None
    delivery_format: str | None


class VisitedPage(NamedTuple):
    """The event and session at a session page's address."""

    event: PageEvent
    session: PageSession


class VisitedSession(NamedTuple):
    """A session found at a page's address, with what decides whether a visitor may act there:
    the event's app password (None when it has none)."""

    session: SessionFacts
    app_password: str | None


@dataclass(frozen=True, kw_only=True)
class PresenterRef:
    """A presenter named in a session's list, found or created by the rules of the vendors:

    - ``public_id`` given: that presenter of the event, whose ``name`` (when given) and
      ``external_id`` (unless KEEP; None unsets it) are updated;
    - else ``external_id`` given: the presenter with that external id, created when none exists;
    - else ``name`` only: the presenter with the same name (see :func:`text_key`), created when
      none exists.
    """

    public_id: str | None = None
    name: str | None = None
    external_id: Change[str | None] = KEEP


@dataclass(frozen=True, kw_only=True)
class FieldOfStudyDraft:
    """A field of study a session grants ``credits`` in (0 to 99999999.9999, 4 decimals)."""

    name: str
    credits: Decimal


@dataclass(frozen=True, kw_only=True)
class SessionDraft:
    """A new session. ``name`` is required; everything else may be left out.

    ``date``, ``start_time`` and ``end_time`` are wall-clock values in the event's time zone.
    """

    name: str
    external_id: str | None = None
    location: str | None = None
    description: str | None = None
    date: dt.date | None = None
    start_time: dt.time | None = None
    end_time: dt.time | None = None
    access_code: str | None = None
    moderator_password: str | None = None
    checkin_required: bool = False
    checkout_required: bool = False
    checkin_code: str | None = None
    checkout_code: str | None = None
    delivery_format: DeliveryFormat | None = None
    learning_objectives: Sequence[str] | None = None
    presenters: Sequence[PresenterRef] = ()
    fields_of_study: Sequence[FieldOfStudyDraft] = ()


@dataclass(frozen=True, kw_only=True)
class SessionChanges:
    """A partial update of a session; every field defaults to KEEP (no change), None unsets.

    ``name`` cannot be unset. ``presenters`` and ``fields_of_study`` replace the whole list
    (an empty list removes them all). ``location`` names a room of the event, made if missing.
    """

    name: Change[str] = KEEP
    external_id: Change[str | None] = KEEP
    location: Change[str | None] = KEEP
    description: Change[str | None] = KEEP
    date: Change[dt.date | None] = KEEP
    start_time: Change[dt.time | None] = KEEP
    end_time: Change[dt.time | None] = KEEP
    access_code: Change[str | None] = KEEP
    moderator_password: Change[str | None] = KEEP
    checkin_required: Change[bool] = KEEP
    checkout_required: Change[bool] = KEEP
    checkin_code: Change[str | None] = KEEP
    checkout_code: Change[str | None] = KEEP
    delivery_format: Change[DeliveryFormat | None] = KEEP
    learning_objectives: Change[Sequence[str] | None] = KEEP
    presenters: Change[Sequence[PresenterRef]] = KEEP
    fields_of_study: Change[Sequence[FieldOfStudyDraft]] = KEEP
