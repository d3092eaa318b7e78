"""``podium apikey …``: the keys integrations use to reach one event's API."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

import typer

from podium.cli.running import run_in_unit_of_work
from podium.events.service import get_event
from podium.integrations.service import create_api_key, disable_api_key, list_api_keys
from podium.kit.db import UnitOfWork
from podium.models import ApiKey

app = typer.Typer(help="API keys: each selects one event.", no_args_is_help=True)

EventUri = Annotated[
    str, typer.Option("--event", metavar="URI", help='The event\'s URI, e.g. "demo".')
]


@dataclass(frozen=True)
class _Created:
    prefix: str
    event_uri: str
    key: str


@app.command("create")
def create(
    event: EventUri,
    description: Annotated[
        str | None,
        typer.Option(metavar="TEXT", help="What the key is for, e.g. the integration's name."),
    ] = None,
    allow_ip: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-ip",
            metavar="CIDR",
            help="Accept the key only from this address or CIDR network (repeatable); "
            "without it, from anywhere.",
        ),
    ] = None,
) -> None:
    """Create an API key for an event. The key is printed once, alone, as the last line of
    standard output; Podium stores only its prefix and a hash."""

    async def work(uow: UnitOfWork) -> _Created:
        found = await get_event(uow, event)
        new = await create_api_key(
            uow, event=found, description=description, allowed_networks=allow_ip or []
        )
        return _Created(prefix=new.api_key.prefix, event_uri=found.uri, key=new.key)

    created = run_in_unit_of_work(work)
    typer.echo(
        f'Created the API key {created.prefix} for the event "{created.event_uri}". '
        "Store it now: it cannot be shown again. Send it in the API-Key header.",
        err=True,
    )
    typer.echo(created.key)


@app.command("list")
def list_(event: EventUri) -> None:
    """List an event's API keys (prefixes only; the keys themselves are not stored)."""

    async def work(uow: UnitOfWork) -> list[ApiKey]:
        return await list_api_keys(uow, event=await get_event(uow, event))

    api_keys = run_in_unit_of_work(work)
    if not api_keys:
        typer.echo(f'The event "{event}" has no API keys.')
        return
    rows = [("PREFIX", "DESCRIPTION", "ALLOWED FROM", "CREATED", "DISABLED")]
    rows += [
        (
            api_key.prefix,
            api_key.description or "-",
            ",".join(api_key.allowed_networks) or "anywhere",
            _instant(api_key.created_at),
            _instant(api_key.disabled_at) if api_key.disabled_at else "-",
        )
        for api_key in api_keys
    ]
    widths = [max(len(row[column]) for row in rows) for column in range(len(rows[0]))]
    for row in rows:
        cells = (cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        typer.echo("  ".join(cells).rstrip())


@app.command("disable")
def disable(
    prefix: Annotated[
        str, typer.Argument(metavar="PREFIX", help="The key's prefix, as `apikey list` shows it.")
    ],
) -> None:
    """Disable an API key: requests with it are refused (403) from now on."""

    async def work(uow: UnitOfWork) -> ApiKey:
        return await disable_api_key(uow, prefix=prefix)

    api_key = run_in_unit_of_work(work)
    typer.echo(
        f'The API key {api_key.prefix} of the event "{api_key.event.uri}" is disabled '
        f"(since {_instant(api_key.disabled_at)})."
    )


def _instant(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%SZ") if value else "-"
