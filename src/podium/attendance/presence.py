"""Who is in the room: the number of attendees checked in to a session right now."""

from __future__ import annotations

from sqlalchemy import func, select

from podium.kit.db import UnitOfWork
from podium.models import Checkin, EventSession


async def count_checked_in(uow: UnitOfWork, *, session_public_id: str) -> int:
    """Attendees checked in to the session ``session_public_id`` and not checked out since
    (0 for a session that does not exist). Reads only; one query."""
    count = await uow.session.scalar(
        select(func.count())
        .select_from(Checkin)
        .join(EventSession, EventSession.id == Checkin.session_id)
        .where(EventSession.public_id == session_public_id, Checkin.checked_in.is_(True))
    )
    return int(count or 0)
