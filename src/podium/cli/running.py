"""How a command reaches the database.

Settings come from the ``PODIUM_*`` environment; the database is migrated before the command
touches it (so every command works on a fresh machine); the command runs in one unit of work,
committed when it succeeds. A failure the operator can act on (a domain error, a bad setting, a
database that cannot be reached) is printed as one line on standard error and exits with 1.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

import typer
from pydantic import ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, IntegrityError

from podium.config import Settings, get_settings
from podium.kit.db import Database, UnitOfWork
from podium.kit.errors import PodiumError
from podium.migrations import upgrade_to_head
from podium.reactions import open_database as open_podium_database

T = TypeVar("T")


def fail(message: str) -> NoReturn:
    """Print ``error: <message>`` as one line on standard error and exit with 1."""
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code=1)


def load_settings() -> Settings:
    """The settings, or a one-line error naming the ``PODIUM_*`` variable that is wrong."""
    try:
        return get_settings()
    except ValidationError as exc:
        first = exc.errors()[0]
        variable = "PODIUM_" + "_".join(str(part) for part in first["loc"]).upper()
        message = str(first["msg"]).removeprefix("Value error, ")
        if message.startswith(variable):
            fail(message)
        fail(f"{variable}: {message}")


def open_database(settings: Settings) -> Database:
    """The engines for the configured database; for SQLite, the file's directory is created."""
    path = settings.sqlite_path
    if path is not None and path.name not in ("", ":memory:"):
        path.parent.mkdir(parents=True, exist_ok=True)
    return open_podium_database(
        settings.database_url,
        pool_size=settings.database_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pgbouncer=settings.database_pgbouncer,
    )


def database_label(url: str) -> str:
    """The database URL without its password, fit to be printed."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url.split("://", 1)[0] + "://…"


def run(coroutine: Coroutine[Any, Any, T], *, settings: Settings) -> T:
    """Run ``coroutine`` to completion; errors the operator can act on end the command."""
    try:
        return asyncio.run(coroutine)
    except PodiumError as exc:
        fail(exc.message)
    except IntegrityError as exc:
        # e.g. two commands creating the same event at once: the loser lands here
        fail(f"the database refused the change, so nothing was changed: {_reason(exc)}")
    except (OSError, DBAPIError) as exc:
        fail(f"cannot use the database {database_label(settings.database_url)}: {_reason(exc)}")


def _reason(exc: BaseException) -> str:
    original = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    text = str(original).strip() or type(original).__name__
    return text.splitlines()[0]


def run_in_unit_of_work(work: Callable[[UnitOfWork], Awaitable[T]], *, write: bool = True) -> T:
    """Migrate, then run ``work`` in one unit of work that commits when it returns.

    Print the command's results after this returns, so nothing claims success for a change
    that did not commit. ``write=False`` for a command that only reads: on SQLite it then
    holds no write lock, so a long export does not hold up check-ins.
    """
    settings = load_settings()

    async def _run() -> T:
        database = open_database(settings)
        try:
            await upgrade_to_head(database)
            async with database.unit_of_work(write=write) as uow:
                return await work(uow)
        finally:
            await database.dispose()

    return run(_run(), settings=settings)


def run_migrations() -> Settings:
    """Migrate the configured database to the latest schema; returns the settings used."""
    settings = load_settings()

    async def _run() -> None:
        database = open_database(settings)
        try:
            await upgrade_to_head(database)
        finally:
            await database.dispose()

    run(_run(), settings=settings)
    return settings


@contextmanager
def progress(total: int, label: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on standard error for runs of more than one step, when a person watches
    (standard error is a terminal); otherwise nothing is shown. Yields ``advance(steps)``."""
    if total <= 1 or not sys.stderr.isatty():
        yield lambda _steps: None
        return
    with typer.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield bar.update
