"""``PODIUM_DATABASE_PGBOUNCER``: PostgreSQL connections that prepare no named statement, so that
PgBouncer in transaction mode may give each transaction another server connection."""

from __future__ import annotations

from sqlalchemy import func, select, text

from podium.config import Settings
from podium.events.service import create_event
from podium.kit.db import Database, create_database
from podium.kit.subscribers import NO_REACTIONS
from podium.models import Event
from podium.web.app import create_app


async def _named_statements_after_queries(database: Database) -> int:
    """Run the same query twice on one connection; the named prepared statements it left."""
    async with database.read_engine.connect() as connection:
        for _ in range(2):
            await connection.execute(select(func.count()).select_from(Event))
        if database.is_sqlite:
            return 0
        count = await connection.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        return int(count or 0)


async def test_pgbouncer_setting_reaches_the_engine_the_app_opens(
    db: Database, settings: Settings
) -> None:
    app = create_app(settings=settings.model_copy(update={"database_pgbouncer": True}))
    database: Database = app.state.runtime.database
    try:
        async with database.unit_of_work() as uow:
            await create_event(uow, uri="bounced", name="Bounced")
        async with database.unit_of_work(write=False) as uow:
            names = list(await uow.session.scalars(select(Event.uri)))
        named = await _named_statements_after_queries(database)
    finally:
        await database.dispose()

    assert (names, named) == (["bounced"], 0)


async def test_pgbouncer_off_postgresql_keeps_its_statement_cache(db: Database) -> None:
    cached = create_database(db.url, reactions=NO_REACTIONS, pool_size=1)
    bounced = create_database(db.url, reactions=NO_REACTIONS, pool_size=1, pgbouncer=True)
    try:
        counts = (
            await _named_statements_after_queries(cached) > 0,
            await _named_statements_after_queries(bounced),
        )
    finally:
        await cached.dispose()
        await bounced.dispose()

    assert counts == (not db.is_sqlite, 0)
