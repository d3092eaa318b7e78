"""``podium serve`` believes X-Forwarded-For only from ``PODIUM_FORWARDED_ALLOW_IPS``, which
trusts no proxy unless it names one.

Observed through an API key limited to one address: a refusal names the address the server
took the request to come from.
"""

from __future__ import annotations

from pathlib import Path

import httpx

from tests.processes import ServerProcess, serve

ALLOWED = "203.0.113.9"


def _app(server: ServerProcess, key: str, forwarded_for: str) -> httpx.Response:
    return httpx.get(
        f"{server.base_url}/api/v2/app",
        headers={"API-Key": key, "X-Forwarded-For": forwarded_for},
        timeout=10,
    )


def _refused_from(response: httpx.Response, key: str) -> tuple[int, str]:
    prefix = key.split("_")[1]
    message: str = response.json()["message"]
    return response.status_code, message.removeprefix(
        f"The API key {prefix}… may not be used from the address "
    )


def _key(server: ServerProcess) -> str:
    server.podium("event", "create", "--uri", "proxy", "--name", "Proxy")
    created = server.podium("apikey", "create", "--event", "proxy", "--allow-ip", ALLOWED)
    return created.stdout.splitlines()[-1]


def test_serve_trusts_no_proxy_by_default(tmp_path: Path) -> None:
    database = f"sqlite:///{tmp_path / 'podium.sqlite3'}"
    with serve({"PODIUM_DATABASE_URL": database}, tmp_path / "serve.log") as server:
        key = _key(server)

        spoofed = _app(server, key, ALLOWED)

    assert _refused_from(spoofed, key) == (403, "127.0.0.1.")


def test_serve_takes_the_client_address_from_a_proxy_it_is_told_to_trust(
    tmp_path: Path,
) -> None:
    env = {
        "PODIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'podium.sqlite3'}",
        "PODIUM_FORWARDED_ALLOW_IPS": "127.0.0.1,::1",
    }
    with serve(env, tmp_path / "serve.log") as server:
        server.podium("event", "create", "--uri", "proxy", "--name", "Proxy")
        key = server.podium(
            "apikey", "create", "--event", "proxy", "--allow-ip", ALLOWED
        ).stdout.splitlines()[-1]

        allowed = _app(server, key, ALLOWED)
        other = _app(server, key, "198.51.100.7")

    assert allowed.status_code == 200
    assert _refused_from(other, key) == (403, "198.51.100.7.")


def test_serve_ignores_x_forwarded_for_from_an_address_it_does_not_trust(
    tmp_path: Path,
) -> None:
    env = {
        "PODIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'podium.sqlite3'}",
        "PODIUM_FORWARDED_ALLOW_IPS": "192.0.2.1",
    }
    with serve(env, tmp_path / "serve.log") as server:
        server.podium("event", "create", "--uri", "proxy", "--name", "Proxy")
        key = server.podium(
            "apikey", "create", "--event", "proxy", "--allow-ip", ALLOWED
        ).stdout.splitlines()[-1]

        spoofed = _app(server, key, ALLOWED)

    assert _refused_from(spoofed, key) == (403, "127.0.0.1.")
