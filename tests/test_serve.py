"""Smoke test: ``podium serve`` as a real process, reached over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.processes import ServerProcess, serve


@pytest.fixture
def server(tmp_path: Path) -> Iterator[ServerProcess]:
    database = f"sqlite:///{tmp_path / 'var' / 'podium.sqlite3'}"
    with serve({"PODIUM_DATABASE_URL": database}, tmp_path / "serve.log") as process:
        yield process


def test_serve_answers_api_v2_with_a_key_made_by_the_cli(server: ServerProcess) -> None:
    server.podium("event", "create", "--uri", "smoke", "--name", "Smoke Test")
    key = server.podium("apikey", "create", "--event", "smoke").stdout.splitlines()[-1]

    with_key = httpx.get(f"{server.base_url}/api/v2/app", headers={"API-Key": key}, timeout=10)
    without_key = httpx.get(f"{server.base_url}/api/v2/app", timeout=10)

    assert with_key.status_code == 200
    body = with_key.json()
    assert (body["status"], body["code"]) == ("ok", "200")
    assert (body["data"]["name"], body["data"]["url"]) == (
        "Smoke Test",
        f"{server.base_url}/e/smoke",
    )
    assert without_key.status_code == 401
    assert without_key.json() == {
        "status": "error",
        "code": "401",
        "message": "This request needs an API key in the API-Key header.",
    }
