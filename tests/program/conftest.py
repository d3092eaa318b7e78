from __future__ import annotations

import pytest

from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.models import Event


@pytest.fixture
async def other_event(uow: UnitOfWork) -> Event:
    return await create_event(uow, uri="other", name="Other Event", timezone="America/Chicago")
