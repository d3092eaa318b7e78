"""The installed ``podium`` command as a real process, on a fresh SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PODIUM = Path(sys.executable).parent / "podium"


def _podium(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PODIUM_DATABASE_URL": database_url}
    return subprocess.run(
        [str(PODIUM), *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_podium_command_creates_an_event_and_a_key_on_a_fresh_machine(tmp_path: Path) -> None:
    path = tmp_path / "var" / "podium.sqlite3"
    url = f"sqlite:///{path}"

    created = _podium(url, "event", "create", "--uri", "demo", "--name", "Demo")
    duplicate = _podium(url, "event", "create", "--uri", "demo", "--name", "Demo")
    new_key = _podium(url, "apikey", "create", "--event", "demo", "--description", "curl")
    listed = _podium(url, "apikey", "list", "--event", "demo")

    assert (created.returncode, created.stderr) == (0, "")
    assert (duplicate.returncode, duplicate.stdout) == (1, "")
    assert duplicate.stderr == (
        'error: An event with the URI "demo" already exists; choose another URI.\n'
    )
    assert new_key.returncode == 0
    key = new_key.stdout.splitlines()[-1]
    prefix = key.split("_")[1]
    assert key.startswith(f"pk_{prefix}_")
    assert listed.stdout.splitlines()[1].split()[:3] == [prefix, "curl", "anywhere"]
    stored = b"".join(file.read_bytes() for file in path.parent.iterdir())
    assert key.encode() not in stored
    assert prefix.encode() in stored


def test_podium_command_unknown_event_exits_1_without_a_traceback(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'podium.sqlite3'}"

    result = _podium(url, "apikey", "create", "--event", "nope")

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == 'error: There is no event with the URI "nope".\n'


def test_python_m_podium_cli_main_runs_the_same_command(tmp_path: Path) -> None:
    env = {**os.environ, "PODIUM_DATABASE_URL": f"sqlite:///{tmp_path / 'podium.sqlite3'}"}

    result = subprocess.run(
        [sys.executable, "-m", "podium.cli.main", "event", "create", "--uri", "x", "--name", "X"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0
    assert result.stdout == 'Created the event "x" (X); time zone: none (times in UTC).\n'


def test_podium_command_refuses_an_argument_that_is_not_utf_8_and_stores_nothing(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'podium.sqlite3'}"
    env = {**os.environ, "PODIUM_DATABASE_URL": url}

    result = subprocess.run(
        [os.fsencode(PODIUM), b"event", b"create", b"--uri", b"x", b"--name", b"bad\xff"],
        env=env,
        capture_output=True,
        timeout=120,
        check=False,
    )
    listed = _podium(url, "event", "set", "x", "--name", "X")

    assert (result.returncode, result.stdout) == (1, b"")
    assert result.stderr == (
        b"error: the argument 'bad\\udcff' contains a character that cannot be stored "
        b"(a lone surrogate, from bytes that are not UTF-8); remove it.\n"
    )
    assert listed.stderr == 'error: There is no event with the URI "x".\n'
