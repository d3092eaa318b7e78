from __future__ import annotations

from sqlalchemy import func, select

from podium.events.service import get_event
from podium.kit.db import Database
from podium.models import Event
from tests.cli.conftest import Cli


async def _event_count(db: Database) -> int:
    async with db.unit_of_work(write=False) as uow:
        return await uow.session.scalar(select(func.count()).select_from(Event)) or 0


async def test_event_create_makes_the_event(cli: Cli, db: Database) -> None:
    result = await cli(
        "event", "create", "--uri", "expo", "--name", "Expo 2026", "--timezone", "America/Chicago"
    )

    assert result.exit_code == 0
    assert result.stdout == 'Created the event "expo" (Expo 2026); time zone: America/Chicago.\n'
    async with db.unit_of_work(write=False) as uow:
        event = await get_event(uow, "expo")
    assert (event.name, event.timezone) == ("Expo 2026", "America/Chicago")


async def test_event_create_without_timezone_leaves_the_event_without_one(
    cli: Cli, db: Database
) -> None:
    result = await cli("event", "create", "--uri", "expo", "--name", "Expo")

    assert result.exit_code == 0
    assert result.stdout == 'Created the event "expo" (Expo); time zone: none (times in UTC).\n'
    async with db.unit_of_work(write=False) as uow:
        assert (await get_event(uow, "expo")).timezone is None


async def test_event_create_duplicate_uri_prints_one_error_line_and_exits_1(
    cli: Cli, db: Database
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli("event", "create", "--uri", "expo", "--name", "Another Expo")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'error: An event with the URI "expo" already exists; choose another URI.\n'
    )
    assert await _event_count(db) == 1


async def test_event_create_bad_timezone_exits_1_and_creates_nothing(
    cli: Cli, db: Database
) -> None:
    result = await cli(
        "event", "create", "--uri", "expo", "--name", "Expo", "--timezone", "Mars/Olympus_Mons"
    )

    assert result.exit_code == 1
    assert result.stderr == (
        'error: timezone: "Mars/Olympus_Mons" is not a time zone of the tz database; '
        'use a name such as "America/Chicago"\n'
    )
    assert await _event_count(db) == 0


async def test_event_create_bad_uri_exits_1_naming_the_uri(cli: Cli, db: Database) -> None:
    result = await cli("event", "create", "--uri", "Not A URI", "--name", "Expo")

    assert result.exit_code == 1
    assert result.stderr.startswith('error: uri: "Not A URI" is not usable;')
    assert result.stderr.count("\n") == 1
    assert await _event_count(db) == 0


async def test_event_create_without_name_is_a_usage_error(cli: Cli, db: Database) -> None:
    result = await cli("event", "create", "--uri", "expo")

    assert result.exit_code == 2
    assert "Missing option '--name'" in result.stderr
    assert await _event_count(db) == 0
