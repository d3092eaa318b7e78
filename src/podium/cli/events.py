"""``podium event …``: events (the "app" of the Conferences i/o API)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from podium.cli.running import fail, run_in_unit_of_work
from podium.events.service import create_event, get_event, update_event_settings
from podium.events.types import EventChanges
from podium.kit.changes import KEEP, Change
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


def _optional(value: str | None) -> Change[str | None]:
    """An option left out keeps the setting; an empty one ("") removes it."""
    if value is None:
        return KEEP
    return value or None


def _day(value: str | None, option: str) -> Change[date | None]:
    if value is None:
        return KEEP
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        fail(f'{option}: "{value}" is not a date; write it as YYYY-MM-DD, e.g. 2026-11-30')


@app.command("set")
def set_settings(
    uri: Annotated[str, typer.Argument(metavar="URI", help="The event to change.")],
    name: Annotated[str | None, typer.Option(metavar="NAME", help="A new name.")] = None,
    timezone: Annotated[
        str | None,
        typer.Option(metavar="ZONE", help='An IANA time zone; "" removes it (times in UTC).'),
    ] = None,
    app_password: Annotated[
        str | None,
        typer.Option(
            metavar="PASSWORD",
            help='The password attendees give before they join; "" lets anyone join.',
        ),
    ] = None,
    moderator_password: Annotated[
        str | None,
        typer.Option(
            metavar="PASSWORD",
            help='The password of the moderator pages and the kiosk; "" closes them.',
        ),
    ] = None,
    organizer: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help='Who runs the event; printed on its certificates of credit. "" removes it.',
        ),
    ] = None,
    start_date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help='The first day; "" removes it.'),
    ] = None,
    end_date: Annotated[
        str | None,
        typer.Option(metavar="YYYY-MM-DD", help='The last day; "" removes it.'),
    ] = None,
    attendee_field: Annotated[
        list[str] | None,
        typer.Option(
            metavar="N=LABEL",
            help='Ask attendees for custom field N (1-5) under LABEL when they join; "N=" stops '
            "asking. Repeatable.",
        ),
    ] = None,
) -> None:
    """Change an event's settings; options left out keep their value."""
    fields: dict[str, Change[str | None]] = {}
    for item in attendee_field or []:
        number, separator, label = item.partition("=")
        if not separator or number.strip() not in {"1", "2", "3", "4", "5"}:
            fail(f'--attendee-field: give N=LABEL with N from 1 to 5, got "{item}"')
        fields[f"custom_attendee_field_{number.strip()}"] = label.strip() or None
    changes = EventChanges(
        name=KEEP if name is None else name,
        timezone=_optional(timezone),
        app_password=_optional(app_password),
        moderator_password=_optional(moderator_password),
        organizer=_optional(organizer),
        start_date=_day(start_date, "--start-date"),
        end_date=_day(end_date, "--end-date"),
        **fields,
    )

    async def work(uow: UnitOfWork) -> Event:
        event = await get_event(uow, uri)
        return await update_event_settings(uow, event=event, changes=changes)

    event = run_in_unit_of_work(work)
    typer.echo(f'Updated the event "{event.uri}" ({event.name}).')
