"""Queries of attendees. Every query is scoped by the event."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import or_, select

from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event

# Keeps each IN (...) list well below the bound-parameter limits of SQLite and asyncpg.
_CHUNK = 500


async def find_attendees_by_keys(
    uow: UnitOfWork,
    *,
    event: Event,
    external_id_keys: Collection[str] = (),
    email_keys: Collection[str] = (),
) -> list[Attendee]:
    """Attendees of ``event`` whose casefolded external id or email is one of the keys,
    oldest first."""
    found: dict[int, Attendee] = {}
    externals, emails = sorted(set(external_id_keys)), sorted(set(email_keys))
    for start in range(0, max(len(externals), len(emails)), _CHUNK):
        external_chunk = externals[start : start + _CHUNK]
        email_chunk = emails[start : start + _CHUNK]
        conditions = []
        if external_chunk:
            conditions.append(Attendee.external_id_key.in_(external_chunk))
        if email_chunk:
            conditions.append(Attendee.email_key.in_(email_chunk))
        rows = await uow.session.scalars(
            select(Attendee).where(Attendee.event_id == event.id, or_(*conditions))
        )
        for attendee in rows:
            found[attendee.id] = attendee
    return [found[key] for key in sorted(found)]


async def find_attendee(uow: UnitOfWork, *, event: Event, attendee_id: int) -> Attendee | None:
    return await uow.session.scalar(
        select(Attendee).where(Attendee.event_id == event.id, Attendee.id == attendee_id)
    )
