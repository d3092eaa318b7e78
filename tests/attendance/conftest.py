from __future__ import annotations

import pytest

from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event, EventSession
from tests.factories import make_attendee, make_session


@pytest.fixture
async def event(uow: UnitOfWork) -> Event:
    return await create_event(uow, uri="example", name="Example Event", timezone="America/Chicago")


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(
        uow,
        event,
        fields_of_study={"Accounting": ("2", ["code1", "Code2"]), "Taxes": ("1.5", ["code5"])},
    )


@pytest.fixture
async def attendee(uow: UnitOfWork, event: Event) -> Attendee:
    return await make_attendee(uow, event)
