"""Run the ``podium`` command in-process (typer's CliRunner) against the test database.

The command runs in a thread of its own: it calls ``asyncio.run``, which cannot run inside the
test's event loop, and it opens its own engines on ``PODIUM_DATABASE_URL`` exactly as it does in
production. The settings cache is cleared around each run so the command reads that variable.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner, Result

from podium.cli.main import app
from podium.config import get_settings
from podium.kit.db import Database


def _invoke_here(database_url: str, args: tuple[str, ...]) -> Result:
    get_settings.cache_clear()
    try:
        return CliRunner().invoke(
            app,
            list(args),
            env={"PODIUM_DATABASE_URL": database_url},
            catch_exceptions=False,
            prog_name="podium",
        )
    finally:
        get_settings.cache_clear()


def invoke(database_url: str, *args: str) -> Result:
    """Run ``podium *args`` with ``PODIUM_DATABASE_URL=database_url`` in a thread; wait for it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_invoke_here, database_url, args).result(timeout=120)


@dataclass
class Cli:
    """``await cli("event", "create", …)`` runs the command against the test database."""

    database_url: str

    async def __call__(self, *args: str) -> Result:
        return await asyncio.to_thread(_invoke_here, self.database_url, args)


@pytest.fixture
def cli(db: Database) -> Cli:
    return Cli(database_url=db.url)
