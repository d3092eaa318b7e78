"""Use cases of the program."""

from __future__ import annotations

from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession
from podium.program import repository
from podium.program.errors import SessionNotFound


async def get_session(uow: UnitOfWork, *, event: Event, public_id: str) -> EventSession:
    """The session ``public_id`` of ``event``; SessionNotFound for another event's session."""
    session = await repository.find_session(uow, event=event, public_id=public_id)
    if session is None:
        raise SessionNotFound(f'There is no session with the id "{public_id}" in this app.')
    return session
