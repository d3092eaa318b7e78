from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from podium.kit.db import UnitOfWork
from podium.models import ApiKey, Event


async def find_api_key_by_prefix(uow: UnitOfWork, prefix: str) -> ApiKey | None:
    """The key with its event loaded (one query)."""
    return await uow.session.scalar(
        select(ApiKey).options(joinedload(ApiKey.event)).where(ApiKey.prefix == prefix)
    )


async def list_api_keys(uow: UnitOfWork, event: Event) -> list[ApiKey]:
    return list(
        await uow.session.scalars(
            select(ApiKey).where(ApiKey.event_id == event.id).order_by(ApiKey.created_at, ApiKey.id)
        )
    )
