"""Smoke test: ``podium serve`` as a real process, reached over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PODIUM = Path(sys.executable).parent / "podium"
STARTUP_SECONDS = 30


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Server:
    base_url: str
    env: dict[str, str]

    def podium(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(PODIUM), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    port = _free_port()
    env = {
        **os.environ,
        "PODIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'var' / 'podium.sqlite3'}",
        "PODIUM_BASE_URL": f"http://127.0.0.1:{port}",
    }
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [str(PODIUM), "serve", "--port", str(port)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(f"http://127.0.0.1:{port}", process, log_path)
        yield Server(base_url=f"http://127.0.0.1:{port}", env=env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _wait_until_healthy(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"podium serve exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    pytest.fail(f"podium serve did not answer /healthz in {STARTUP_SECONDS}s:\n{log.read_text()}")


def test_serve_answers_api_v2_with_a_key_made_by_the_cli(server: Server) -> None:
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
