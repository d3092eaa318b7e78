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


async def test_event_set_changes_passwords_and_attendee_fields(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    result = await cli(
        "event", "set", "expo",
        "--app-password", "let-me-in",
        "--moderator-password", "backstage",
        "--attendee-field", "1=Registration ID",
        "--attendee-field", "3=License State",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout == 'Updated the event "expo" (Expo).\n'
    async with db.unit_of_work(write=False) as uow:
        event = await get_event(uow, "expo")
    assert (event.app_password, event.moderator_password) == ("let-me-in", "backstage")
    assert (event.custom_attendee_field_1, event.custom_attendee_field_2) == (
        "Registration ID",
        None,
    )
    assert event.custom_attendee_field_3 == "License State"


async def test_event_set_empty_value_removes_a_setting_and_omitted_ones_stay(
    cli: Cli, db: Database
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    await cli("event", "set", "expo", "--app-password", "a", "--moderator-password", "m")

    result = await cli("event", "set", "expo", "--app-password", "", "--attendee-field", "1=")

    assert result.exit_code == 0, result.output
    async with db.unit_of_work(write=False) as uow:
        event = await get_event(uow, "expo")
    assert (event.app_password, event.moderator_password) == (None, "m")
    assert event.custom_attendee_field_1 is None


async def test_event_set_bad_attendee_field_exits_1_and_changes_nothing(
    cli: Cli, db: Database
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli(
        "event", "set", "expo", "--moderator-password", "m", "--attendee-field", "6=Badge"
    )

    assert result.exit_code == 1
    assert (
        result.stderr == 'error: --attendee-field: give N=LABEL with N from 1 to 5, got "6=Badge"\n'
    )
    async with db.unit_of_work(write=False) as uow:
        assert (await get_event(uow, "expo")).moderator_password is None


async def test_event_set_unknown_event_exits_1(cli: Cli, db: Database) -> None:
    result = await cli("event", "set", "nope", "--name", "Nope")

    assert result.exit_code == 1
    assert result.stderr == 'error: There is no event with the URI "nope".\n'


async def test_event_set_a_date_outside_1900_to_2200_exits_1_and_changes_nothing(
    cli: Cli, db: Database
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo", "--timezone", "America/Chicago")

    result = await cli("event", "set", "expo", "--name", "Renamed", "--end-date", "9999-12-31")

    assert result.exit_code == 1
    assert result.stderr == "error: end_date: 9999-12-31 is not between the years 1900 and 2200\n"
    async with db.unit_of_work(write=False) as uow:
        event = await get_event(uow, "expo")
        assert (event.name, event.end_date) == ("Expo", None)
