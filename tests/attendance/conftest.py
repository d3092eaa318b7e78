from __future__ import annotations

import pytest

from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession
from tests.factories import make_session


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(
        uow,
        event,
        fields_of_study={"Accounting": ("2", ["code1", "Code2"]), "Taxes": ("1.5", ["code5"])},
    )
