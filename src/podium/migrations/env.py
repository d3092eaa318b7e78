"""Alembic environment: runs on the connection handed over by :func:`upgrade_to_head`, or,
for ``alembic`` on the command line, on ``PODIUM_DATABASE_URL``."""

from __future__ import annotations

import asyncio

from alembic import context
from sqlalchemy.engine import Connection

from podium.config import get_settings
from podium.kit.db import create_database
from podium.kit.subscribers import NO_REACTIONS
from podium.models import Base

target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _run_standalone() -> None:
    settings = get_settings()
    # migrations run DDL only: they emit no domain events, so nothing reacts
    database = create_database(
        settings.database_url, reactions=NO_REACTIONS, pgbouncer=settings.database_pgbouncer
    )
    try:
        async with database.write_engine.begin() as connection:
            await connection.run_sync(_run)
    finally:
        await database.dispose()


shared = context.config.attributes.get("connection")
if shared is not None:
    _run(shared)
else:
    asyncio.run(_run_standalone())
