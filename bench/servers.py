"""Servers and databases for a run: ``podium serve`` and the baseline as subprocesses on
loopback, a fresh SQLite file or PostgreSQL database, their resident memory."""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import resource
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
PODIUM = Path(sys.executable).parent / "podium"
SECRET_KEY = "bench-secret-key"
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
STARTUP_SECONDS = 60


def raise_open_files_limit() -> int:
    """Soft open-files limit up to the hard one (inherited by the servers); the new limit."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextlib.contextmanager
def database(kind: str) -> Iterator[str]:
    """A new, empty database of ``kind`` ("sqlite" or "postgresql"); its URL. Removed after."""
    if kind == "sqlite":
        directory = Path(tempfile.mkdtemp(prefix="podium-bench-"))
        try:
            yield f"sqlite:///{directory / 'bench.sqlite3'}"
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        return
    if kind != "postgresql":
        raise ValueError(f"unknown database {kind!r}: use sqlite or postgresql")
    name = f"podium_bench_{secrets.token_hex(4)}"
    _postgres_admin(f'CREATE DATABASE "{name}"')
    try:
        yield POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        _postgres_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_admin(statement: str) -> None:
    import asyncio

    import asyncpg

    async def run() -> None:
        conn = await asyncpg.connect(POSTGRES_URL)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    # called from inside the scenario's event loop: run on a thread of its own
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, run()).result()


def podium_env(database_url: str, base_url: str, redis_prefix: str | None = None) -> dict[str, str]:
    env = {
        **os.environ,
        "PODIUM_DATABASE_URL": database_url,
        "PODIUM_BASE_URL": base_url,
        "PODIUM_SECRET_KEY": SECRET_KEY,
        "BENCH_DATABASE_URL": database_url,
        "PYTHONPATH": str(ROOT),
    }
    env.pop("PODIUM_REDIS_URL", None)
    if redis_prefix is not None:
        env["PODIUM_REDIS_URL"] = REDIS_URL
        env["PODIUM_REDIS_PREFIX"] = redis_prefix
    return env


def migrate(database_url: str) -> None:
    """The schema, by ``podium db upgrade`` (before the data and the servers)."""
    subprocess.run(
        [str(PODIUM), "db", "upgrade"],
        env=podium_env(database_url, "http://127.0.0.1"),
        check=True,
        capture_output=True,
        timeout=120,
    )


@dataclass
class Server:
    name: str
    host: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def target(self) -> tuple[str, int]:
        return (self.host, self.port)

    def rss_bytes(self) -> int:
        """Resident memory of the server and its child processes (uvicorn workers)."""
        return sum(_rss(pid) for pid in self.pids())

    def peak_rss_bytes(self) -> int:
        """The largest resident memory each of the server's processes has had, summed."""
        return sum(_status_kb(pid, "VmHWM:") * 1024 for pid in self.pids())

    def cpu_seconds(self) -> float:
        """User + system CPU the server's processes have used so far."""
        return sum(process_cpu_seconds(pid) for pid in self.pids())

    def pids(self) -> list[int]:
        return [self.process.pid, *_children(self.process.pid)]


_TICKS = os.sysconf("SC_CLK_TCK")


def process_cpu_seconds(pid: int, *, ended_children: bool = False) -> float:
    """User + system CPU of one process (0 when it is gone); with ``ended_children``, that of
    its children that have ended too."""
    with contextlib.suppress(OSError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        used = int(fields[11]) + int(fields[12])  # utime, stime
        if ended_children:
            used += int(fields[13]) + int(fields[14])  # cutime, cstime
        return used / _TICKS
    return 0.0


def postgres_cpu_seconds() -> float:
    """CPU used so far by every PostgreSQL process of this machine (the bench's database
    server is local; its backends are not our children): the live processes' own, and the
    ended backends' that the postmaster has collected. 0 where none can be read."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    total += process_cpu_seconds(int(entry.name), ended_children=True)
    return total


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            found.append(int(child))
            found.extend(_children(int(child)))
    return found


def _rss(pid: int) -> int:
    return _status_kb(pid, "VmRSS:") * 1024


def _status_kb(pid: int, key: str) -> int:
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    return 0


@contextlib.contextmanager
def serve(
    name: str,
    command: list[str],
    env: dict[str, str],
    log_dir: Path,
    port: int,
) -> Iterator[Server]:
    log = log_dir / f"{name}-{port}.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, stdout=output, stderr=subprocess.STDOUT, cwd=ROOT
        )
    server = Server(name=name, host="127.0.0.1", port=port, process=process, log=log)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def serve_podium(
    database_url: str,
    log_dir: Path,
    *,
    port: int | None = None,
    base_url: str | None = None,
    redis_prefix: str | None = None,
) -> contextlib.AbstractContextManager[Server]:
    port = port or free_port()
    env = podium_env(database_url, base_url or f"http://127.0.0.1:{port}", redis_prefix)
    return serve("podium", [str(PODIUM), "serve", "--port", str(port)], env, log_dir, port)


def serve_baseline(database_url: str, log_dir: Path) -> contextlib.AbstractContextManager[Server]:
    port = free_port()
    env = podium_env(database_url, f"http://127.0.0.1:{port}")
    command = [sys.executable, "-m", "bench.baseline", "--port", str(port)]
    return serve("baseline", command, env, log_dir, port)


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited with {server.process.returncode}:\n{server.log.read_text()}"
            )
        try:
            if httpx.get(f"{server.base_url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not answer /healthz:\n{server.log.read_text()}")
