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


def _mail_lines(lines: list[str]) -> list[str]:
    """What the server said about mail (it first says its address)."""
    return [line for line in lines if line.startswith("Mail ")]


def test_serve_says_where_mail_goes_without_smtp(server: ServerProcess) -> None:
    lines = server.log.read_text().splitlines()

    mail_dir = Path(server.env["PODIUM_DATABASE_URL"].removeprefix("sqlite:///")).parent / "mail"
    assert _mail_lines(lines) == [
        f"Mail is written to {mail_dir}/ (set PODIUM_SMTP_URL to send it)."
    ]


def test_serve_says_which_smtp_server_it_sends_mail_through(tmp_path: Path) -> None:
    env = {
        "PODIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'podium.sqlite3'}",
        "PODIUM_SMTP_URL": "smtp://podium:s3cret@127.0.0.1:2525?starttls=true",
        "PODIUM_MAIL_FROM": "Expo <expo@events.example>",
    }
    with serve(env, tmp_path / "serve.log") as process:
        lines = process.log.read_text().splitlines()

    assert _mail_lines(lines) == [
        "Mail is sent through smtp://podium@127.0.0.1:2525?starttls=true, "
        "from Expo <expo@events.example>."
    ]
    assert "s3cret" not in process.log.read_text()
