"""Small readers for the program's tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession
from podium.program import service


async def count_rows(uow: UnitOfWork, model: Any) -> int:
    return int(await uow.session.scalar(select(func.count()).select_from(model)) or 0)


async def reloaded(uow: UnitOfWork, session: EventSession) -> EventSession:
    """The session as a later request would see it: expunged and read again with details."""
    event_id, public_id = session.event_id, session.public_id
    uow.session.expunge_all()
    event = await uow.session.get(Event, event_id)
    assert event is not None
    return await service.load_session(uow, event=event, public_id=public_id, with_codewords=True)


def presenter_names(session: EventSession) -> list[str]:
    return [link.presenter.name for link in session.presenter_links]


def fields(session: EventSession) -> list[tuple[str, str]]:
    return [(field.name, format(field.credits, "f")) for field in session.fields_of_study]
