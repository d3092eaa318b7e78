"""Alembic migrations, shipped inside the package so that an installed ``podium`` can migrate."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection

from podium.kit.db import Database

HERE = Path(__file__).parent


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(HERE))
    return config


def _upgrade(connection: Connection) -> None:
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


async def upgrade_to_head(database: Database) -> None:
    """Apply every migration not yet applied (``podium db upgrade``)."""
    async with database.write_engine.begin() as connection:
        await connection.run_sync(_upgrade)
