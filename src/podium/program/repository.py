"""Queries of the program. Every query for event data is scoped by the caller's event."""

from __future__ import annotations

from sqlalchemy import select

from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession


async def find_session(uow: UnitOfWork, *, event: Event, public_id: str) -> EventSession | None:
    """The session with ``public_id`` in ``event`` (another event's session is not found)."""
    return await uow.session.scalar(
        select(EventSession).where(
            EventSession.event_id == event.id, EventSession.public_id == public_id
        )
    )
