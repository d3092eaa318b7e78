from __future__ import annotations

from sqlalchemy import select

from podium.kit.db import UnitOfWork
from podium.models import Event


async def find_event_by_uri(uow: UnitOfWork, uri: str) -> Event | None:
    return await uow.session.scalar(select(Event).where(Event.uri == uri))


async def list_events(uow: UnitOfWork) -> list[Event]:
    return list(await uow.session.scalars(select(Event).order_by(Event.uri)))
