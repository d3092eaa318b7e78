"""``podium event …``: events (the "app" of the Conferences i/o API)."""

from __future__ import annotations

from typing import Annotated

import typer

from podium.cli.running import run_in_unit_of_work
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.models import Event

app = typer.Typer(help="Events.", no_args_is_help=True)


@app.command("create")
def create(
    uri: Annotated[
        str,
        typer.Option(
            metavar="URI", help='The event\'s short name in URLs and commands, e.g. "demo".'
        ),
    ],
    name: Annotated[str, typer.Option(metavar="NAME", help="The event's name as people see it.")],
    timezone: Annotated[
        str | None,
        typer.Option(
            metavar="ZONE",
            help='The event\'s IANA time zone, e.g. "America/Chicago"; without it, times are UTC.',
        ),
    ] = None,
) -> None:
    """Create an event."""

    async def work(uow: UnitOfWork) -> Event:
        return await create_event(uow, uri=uri, name=name, timezone=timezone)

    event = run_in_unit_of_work(work)
    zone = event.timezone or "none (times in UTC)"
    typer.echo(f'Created the event "{event.uri}" ({event.name}); time zone: {zone}.')
