"""Checks every attendance use case makes of its inputs."""

from __future__ import annotations

from datetime import datetime

from podium.attendance import repository
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Attendee, EventSession, FieldOfStudy
from podium.people.errors import AttendeeNotFound
from podium.program.types import text_key

NONCE_MAX_LENGTH = 64


def check_same_event(session: EventSession, attendee: Attendee) -> None:
    if attendee.event_id != session.event_id:
        raise AttendeeNotFound("There is no such attendee in this session's app.")


def clean_nonce(nonce: str | None) -> str | None:
    """The nonce trimmed, None when blank; InvalidInput when longer than the column holds."""
    if nonce is None or not nonce.strip():
        return None
    nonce = nonce.strip()
    if len(nonce) > NONCE_MAX_LENGTH:
        raise InvalidInput(
            f"nonce: is {len(nonce)} characters long; the limit is {NONCE_MAX_LENGTH}",
            field="nonce",
        )
    return nonce


def instant(at: datetime | None) -> datetime:
    """``at``, or now; a naive datetime is a programming error."""
    if at is None:
        return utcnow()
    if at.tzinfo is None:
        raise ValueError("at: pass a timezone-aware instant")
    return at


async def field_of_study_named(uow: UnitOfWork, *, session_id: int, name: str) -> FieldOfStudy:
    """The session's field of study called ``name`` (see ``text_key``), with its codewords;
    InvalidInput naming ``field_of_study`` when it has none of that name."""
    key = text_key(name)
    field = (
        await repository.find_field_of_study(uow, session_id=session_id, name_key=key)
        if key
        else None
    )
    if field is None:
        raise InvalidInput(
            f'field_of_study: this session has no field of study "{name.strip()}"',
            field="field_of_study",
        )
    return field
