"""Inputs of the people use cases."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from podium.models import Attendee

CUSTOM_FIELDS = ("field_1", "field_2", "field_3", "field_4", "field_5")


class PageAttendee(NamedTuple):
    """Who is on a page, as its top bar names them (read with Core, no ORM row)."""

    id: int
    first_name: str
    email: str | None


@dataclass(frozen=True, kw_only=True)
class AttendeeDetails:
    """Who a person is, as an integrator or a sign-in form describes them, already checked and
    trimmed (see ``people.service.attendee_details``). Blank values are None (names: "")."""

    first_name: str = ""
    last_name: str = ""
    email: str | None = None
    external_id: str | None = None
    field_1: str | None = None
    field_2: str | None = None
    field_3: str | None = None
    field_4: str | None = None
    field_5: str | None = None

    @property
    def email_key(self) -> str | None:
        return self.email.casefold() if self.email else None

    @property
    def external_id_key(self) -> str | None:
        return self.external_id.casefold() if self.external_id else None


@dataclass(frozen=True)
class Joining:
    """Who a person joining through the event's pages becomes: ``attendee``, at once, or only
    once they prove they hold its email (``needs_proof``: a browser already joined as it)."""

    attendee: Attendee
    needs_proof: bool
