from __future__ import annotations

import sqlite3
from pathlib import Path

from alembic.script import ScriptDirectory

from podium.kit.db import Database
from podium.migrations import alembic_config
from tests.cli.conftest import Cli, invoke

HEAD = ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_db_upgrade_on_a_fresh_sqlite_file_creates_its_directory_and_the_schema(
    tmp_path: Path,
) -> None:
    path = tmp_path / "var" / "podium.sqlite3"

    result = invoke(f"sqlite:///{path}", "db", "upgrade")

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f"The database sqlite:///{path} is at the latest schema (revision {HEAD}).\n"
    )
    with sqlite3.connect(path) as connection:
        versions = connection.execute("SELECT version_num FROM alembic_version").fetchall()
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    assert versions == [(HEAD,)]
    assert {"events", "api_keys"} <= tables


def test_event_create_on_a_fresh_sqlite_file_migrates_first(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'podium.sqlite3'}"

    result = invoke(url, "event", "create", "--uri", "expo", "--name", "Expo")

    assert result.exit_code == 0, result.stderr
    assert invoke(url, "apikey", "list", "--event", "expo").exit_code == 0


async def test_db_upgrade_on_a_migrated_database_keeps_its_data(cli: Cli, db: Database) -> None:
    await cli("event", "create", "--uri", "expo", "--name", "Expo")

    result = await cli("db", "upgrade")

    assert result.exit_code == 0
    assert result.stdout.endswith(f"is at the latest schema (revision {HEAD}).\n")
    assert (await cli("apikey", "list", "--event", "expo")).exit_code == 0


def test_bad_database_url_prints_one_error_line(tmp_path: Path) -> None:
    result = invoke("mysql://localhost/podium", "db", "upgrade")

    assert result.exit_code == 1
    assert result.stderr == (
        "error: PODIUM_DATABASE_URL must start with sqlite:/// or postgresql://, got 'mysql'\n"
    )


def test_unreachable_database_prints_one_error_line_without_the_password() -> None:
    # port 9 (discard) has nothing listening on the test machines
    url = "postgresql://podium:s3cret@127.0.0.1:9/podium"

    result = invoke(url, "event", "create", "--uri", "expo", "--name", "Expo")

    assert result.exit_code == 1
    assert result.stderr.startswith(
        "error: cannot use the database postgresql://podium:***@127.0.0.1:9/podium: "
    )
    assert result.stderr.count("\n") == 1
    assert "s3cret" not in result.stderr
