from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from podium.kit.db import UnitOfWork

T0 = datetime(2026, 6, 1, 13, 30, tzinfo=UTC)  # 08:30 in Chicago


def minutes(n: float) -> datetime:
    return T0 + timedelta(minutes=n)


async def count_rows(uow: UnitOfWork, model: Any) -> int:
    return await uow.session.scalar(select(func.count()).select_from(model)) or 0
