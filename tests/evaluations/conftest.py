from __future__ import annotations

import pytest

from podium.events.service import create_event
from podium.kit import ids
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event, EventSession, Presenter, SessionPresenter
from tests.factories import make_attendee, make_session


async def add_presenter(
    uow: UnitOfWork,
    session: EventSession,
    name: str,
    *,
    position: int = 0,
    external_id: str | None = None,
) -> Presenter:
    presenter = Presenter(
        event_id=session.event_id,
        public_id=ids.presenter_id(),
        external_id=external_id,
        name=name,
        name_key=name.casefold(),
    )
    uow.session.add(presenter)
    await uow.session.flush()
    uow.session.add(
        SessionPresenter(session_id=session.id, presenter_id=presenter.id, position=position)
    )
    await uow.session.flush()
    return presenter


@pytest.fixture
async def event(uow: UnitOfWork) -> Event:
    return await create_event(uow, uri="example", name="Example Event", timezone="America/Chicago")


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(uow, event)


@pytest.fixture
async def attendee(uow: UnitOfWork, event: Event) -> Attendee:
    return await make_attendee(uow, event)
