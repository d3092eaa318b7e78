from __future__ import annotations

import hashlib
import re

import httpx
from sqlalchemy import select, text

from podium.kit.db import Database
from podium.models import ApiKey
from tests.cli.conftest import Cli

_KEY = re.compile(r"^pk_([a-z2-9]{8})_[A-Za-z0-9_-]{43}$")


async def _create_key(cli: Cli, *options: str, event: str = "expo") -> str:
    result = await cli("apikey", "create", "--event", event, *options)
    assert result.exit_code == 0, result.stderr
    return result.stdout.splitlines()[-1]


async def _stored_keys(db: Database) -> list[ApiKey]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(ApiKey).order_by(ApiKey.id)))


async def _app(client: httpx.AsyncClient, key: str) -> httpx.Response:
    return await client.get("/api/v2/app", headers={"API-Key": key})


async def test_apikey_create_prints_the_key_alone_as_the_last_line(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli("apikey", "create", "--event", "expo", "--description", "Zapier")

    assert result.exit_code == 0
    key = result.stdout.splitlines()[-1]
    assert _KEY.match(key)
    assert result.stdout == f"{key}\n"
    prefix = key.split("_")[1]
    assert result.stderr == (
        f'Created the API key {prefix} for the event "expo". Store it now: it cannot be shown '
        "again. Send it in the API-Key header.\n"
    )


async def test_apikey_create_stores_only_the_prefix_and_a_hash(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    key = await _create_key(cli, "--description", "Zapier")

    [stored] = await _stored_keys(db)
    assert stored.prefix == key.split("_")[1]
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    async with db.unit_of_work(write=False) as uow:
        rows = (await uow.session.execute(text("SELECT * FROM api_keys"))).all()
    assert [value for value in rows[0] if isinstance(value, str) and key in value] == []


async def test_apikey_created_by_the_cli_opens_the_api(cli: Cli, client: httpx.AsyncClient) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    key = await _create_key(cli)

    response = await _app(client, key)

    assert response.status_code == 200
    assert response.json()["data"]["name"] == "Expo"


async def test_apikey_disable_then_the_api_answers_403(
    cli: Cli, db: Database, client: httpx.AsyncClient
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    key = await _create_key(cli)
    prefix = key.split("_")[1]

    result = await cli("apikey", "disable", prefix)

    assert result.exit_code == 0
    [stored] = await _stored_keys(db)
    assert stored.disabled_at is not None
    assert result.stdout == (
        f'The API key {prefix} of the event "expo" is disabled '
        f"(since {stored.disabled_at:%Y-%m-%d %H:%M:%S}Z).\n"
    )
    response = await _app(client, key)
    assert response.status_code == 403
    assert response.json() == {
        "status": "error",
        "code": "403",
        "message": f"The API key {prefix}… has been disabled; ask an administrator for a new one.",
    }


async def test_apikey_disable_twice_keeps_the_first_time(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    prefix = (await _create_key(cli)).split("_")[1]
    first = await cli("apikey", "disable", prefix)

    second = await cli("apikey", "disable", prefix)

    assert second.exit_code == 0
    assert second.stdout == first.stdout


async def test_apikey_disable_unknown_prefix_exits_1(cli: Cli, db: Database) -> None:
    result = await cli("apikey", "disable", "nosuchkey")

    assert result.exit_code == 1
    assert result.stderr == 'error: There is no API key with the prefix "nosuchkey".\n'


async def test_apikey_allow_ip_refuses_other_addresses_with_403(
    cli: Cli, client: httpx.AsyncClient
) -> None:
    # the test client calls from 203.0.113.7 (tests/conftest.py CLIENT_IP)
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    inside = await _create_key(cli, "--allow-ip", "203.0.113.0/24")
    outside = await _create_key(cli, "--allow-ip", "198.51.100.0/24", "--allow-ip", "10.0.0.1")

    assert (await _app(client, inside)).status_code == 200
    response = await _app(client, outside)
    assert response.status_code == 403
    assert response.json()["code"] == "403"


async def test_apikey_create_bad_network_exits_1_and_creates_nothing(
    cli: Cli, db: Database
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli("apikey", "create", "--event", "expo", "--allow-ip", "10.0.0.0/33")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        'error: allow-ip: "10.0.0.0/33" is not an IP address or CIDR network '
        "(e.g. 203.0.113.0/24)\n"
    )
    assert await _stored_keys(db) == []


async def test_apikey_create_unknown_event_exits_1(cli: Cli, db: Database) -> None:
    result = await cli("apikey", "create", "--event", "nope")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == 'error: There is no event with the URI "nope".\n'


async def test_apikey_list_shows_prefix_description_networks_created_and_disabled(
    cli: Cli, db: Database
) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")
    await cli("event", "create", "--uri", "other", "--name", "Other")
    await _create_key(cli, "--description", "Badge scanners", "--allow-ip", "10.0.0.0/8")
    second = await _create_key(cli)
    await _create_key(cli, event="other")
    await cli("apikey", "disable", second.split("_")[1])

    result = await cli("apikey", "list", "--event", "expo")

    assert result.exit_code == 0
    first_key, second_key, _other_event_key = await _stored_keys(db)
    rows = [re.split(r"\s{2,}", line) for line in result.stdout.splitlines()]
    assert rows == [
        ["PREFIX", "DESCRIPTION", "ALLOWED FROM", "CREATED", "DISABLED"],
        [
            first_key.prefix,
            "Badge scanners",
            "10.0.0.0/8",
            f"{first_key.created_at:%Y-%m-%d %H:%M:%S}Z",
            "-",
        ],
        [
            second_key.prefix,
            "-",
            "anywhere",
            f"{second_key.created_at:%Y-%m-%d %H:%M:%S}Z",
            f"{second_key.disabled_at:%Y-%m-%d %H:%M:%S}Z",
        ],
    ]


async def test_apikey_list_without_keys_says_so(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli("apikey", "list", "--event", "expo")

    assert result.exit_code == 0
    assert result.stdout == 'The event "expo" has no API keys.\n'


async def test_apikey_list_unknown_event_exits_1(cli: Cli, db: Database) -> None:
    result = await cli("apikey", "list", "--event", "nope")

    assert result.exit_code == 1
    assert result.stderr == 'error: There is no event with the URI "nope".\n'
