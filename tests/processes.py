"""Real ``podium serve`` processes for the tests that need one (or two) over real HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

PODIUM = Path(sys.executable).parent / "podium"
STARTUP_SECONDS = 30


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class ServerProcess:
    base_url: str
    env: dict[str, str]
    log: Path

    def podium(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a ``podium`` CLI command against this server's database."""
        return subprocess.run(
            [str(PODIUM), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )


@contextmanager
def serve(env: Mapping[str, str], log: Path, *, port: int | None = None) -> Iterator[ServerProcess]:
    """``podium serve`` on 127.0.0.1 with ``env`` added to this process's environment; stopped
    (terminate, then kill) when the block ends. Fails the test with the server's log if it does
    not come up. It runs in the log's directory, so that what it keeps in ``var/`` (queued
    mail written as .eml files when the database is PostgreSQL) stays out of the checkout."""
    port = port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    full_env = {**os.environ, "PODIUM_BASE_URL": base_url, **env}
    with log.open("w") as output:
        process = subprocess.Popen(
            [str(PODIUM), "serve", "--port", str(port)],
            env=full_env,
            cwd=log.parent,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_healthy(base_url, process, log)
        yield ServerProcess(base_url=base_url, env=full_env, log=log)
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
