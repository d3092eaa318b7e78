from __future__ import annotations

import pytest

from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession
from tests.factories import make_session


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    # no date: codewords may be entered whenever these tests run (a session's hours are tested
    # on sessions of their own)
    return await make_session(
        uow,
        event,
        session_date=None,
        fields_of_study={"Accounting": ("2", ["code1", "Code2"]), "Taxes": ("1.5", ["code5"])},
    )
