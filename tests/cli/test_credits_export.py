from __future__ import annotations

import asyncio
import csv
import io
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import openpyxl

from podium.credits.export import CREDITS_HEADER
from podium.events.service import create_event
from podium.kit.db import Database
from tests.cli.conftest import Cli
from tests.credits.export_data import (
    add_awards,
    add_many_awards,
    add_record,
    adjust,
    award,
    fields_of,
)
from tests.factories import make_attendee, make_session


async def _expo(db: Database) -> str:
    """The event "expo": one attendee whose name reads like a formula, one session with two
    fields of study, credits computed for both and adjusted for one, a check-in and out.
    Returns the session's public id."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="Europe/Berlin")
        session = await make_session(
            uow, event, name="Audit 101", fields_of_study={"Audit": ("2", []), "Tax": ("1", [])}
        )
        fields = await fields_of(uow, session)
        attendee = await make_attendee(
            uow, event, first_name="=cmd|' /C calc'!A0", last_name="Byron", email="a@x.org"
        )
        checkin = await add_record(
            uow,
            session=session,
            attendee=attendee,
            history=(
                ("checkin", datetime(2026, 6, 1, 6, 30, tzinfo=UTC), "kiosk"),
                ("checkout", datetime(2026, 6, 1, 7, 15, tzinfo=UTC), "web"),
            ),
        )
        await add_awards(
            uow,
            [
                award(checkin, fields["Audit"], credits="1.5", possible="2", outcome="partial"),
                award(checkin, fields["Tax"]),
            ],
        )
        await adjust(uow, checkin, fields["Audit"], "2", reason="+1 for the quiz")
        return session.public_id


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


async def test_credits_export_csv_without_output_goes_to_stdout(cli: Cli, db: Database) -> None:
    await _expo(db)

    result = await cli("credits", "export", "--event", "expo", "--format", "csv")

    assert result.exit_code == 0, result.stderr
    rows = _csv(result.stdout)
    assert [(row[0], row[1], row[9], row[11], row[12], row[13], row[21]) for row in rows] == [
        (
            "last name",
            "first name",
            "field of study",
            "computed credits",
            "adjusted credits",
            "credits",
            "adjustment reason",
        ),
        ("Byron", "'=cmd|' /C calc'!A0", "Audit", "1.5", "2", "2", "'+1 for the quiz"),
        ("Byron", "'=cmd|' /C calc'!A0", "Tax", "1", "", "1", ""),
    ]
    assert result.stderr == ""


async def test_credits_export_xlsx_writes_the_output_file(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    await _expo(db)
    path = tmp_path / "totals.xlsx"

    result = await cli(
        "credits", "export", "--event", "expo", "--format", "xlsx", "--report", "totals",
        "--output", str(path),
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        f'Wrote the totals report of the event "expo" to {path} (1 row after the header).\n'
    )
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        rows = [list(row) for row in workbook["totals"].iter_rows(values_only=True)]
    finally:
        workbook.close()
    assert rows == [
        ["last name", "first name", "email", "external id", "Audit", "Tax", "total"],
        ["Byron", "'=cmd|' /C calc'!A0", "a@x.org", None, 2, 1, 3],
    ]
    assert os.listdir(tmp_path) == ["totals.xlsx"]


async def test_credits_export_attendance_csv_to_a_file_gives_event_and_utc_times(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    public_id = await _expo(db)
    path = tmp_path / "attendance.csv"

    result = await cli(
        "credits", "export", "--event", "expo", "--format", "csv", "--report", "attendance",
        "--output", str(path),
    )  # fmt: skip

    assert result.exit_code == 0, result.stderr
    person = ["Byron", "'=cmd|' /C calc'!A0", "a@x.org", "", public_id, "Audit 101"]
    assert _csv(path.read_text(encoding="utf-8")) == [
        [
            "last name",
            "first name",
            "email",
            "external id",
            "session id",
            "session",
            "action",
            "time (Europe/Berlin)",
            "time (UTC)",
            "source",
        ],
        [*person, "checkin", "2026-06-01T08:30:00+02:00", "2026-06-01T06:30:00+00:00", "kiosk"],
        [*person, "checkout", "2026-06-01T09:15:00+02:00", "2026-06-01T07:15:00+00:00", "web"],
    ]


async def test_credits_export_xlsx_without_output_fails(cli: Cli, db: Database) -> None:
    await _expo(db)

    result = await cli("credits", "export", "--event", "expo", "--format", "xlsx")

    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        "error: XLSX is written to a file: name it with --output, e.g. --output credits.xlsx.\n",
    )


async def test_credits_export_of_an_unknown_event_fails_and_writes_no_file(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    path = tmp_path / "credits.csv"

    result = await cli(
        "credits", "export", "--event", "nope", "--format", "csv", "--output", str(path)
    )

    assert (result.exit_code, result.stdout, result.stderr) == (
        1,
        "",
        'error: There is no event with the URI "nope".\n',
    )
    assert os.listdir(tmp_path) == []


async def test_credits_export_to_a_folder_fails(cli: Cli, db: Database, tmp_path: Path) -> None:
    await _expo(db)

    result = await cli(
        "credits", "export", "--event", "expo", "--format", "xlsx", "--output", str(tmp_path)
    )

    assert (result.exit_code, result.stderr) == (
        1,
        f"error: --output: {tmp_path} is a folder; name a file in it, e.g. --output "
        f"{tmp_path / 'credits.xlsx'}\n",
    )


async def test_credits_export_to_a_missing_folder_fails(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    await _expo(db)
    path = tmp_path / "missing" / "credits.csv"

    result = await cli(
        "credits", "export", "--event", "expo", "--format", "csv", "--output", str(path)
    )

    assert (result.exit_code, result.stderr) == (
        1,
        f"error: cannot write {path}: No such file or directory\n",
    )


async def test_credits_export_replaces_an_existing_file(
    cli: Cli, db: Database, tmp_path: Path
) -> None:
    await _expo(db)
    path = tmp_path / "credits.csv"
    path.write_text("old", encoding="utf-8")

    result = await cli(
        "credits", "export", "--event", "expo", "--format", "csv", "--output", str(path)
    )

    assert result.exit_code == 0, result.stderr
    assert [row[0] for row in _csv(path.read_text(encoding="utf-8"))] == [
        "last name",
        "Byron",
        "Byron",
    ]


def _first_line_then_close(database_url: str, *args: str) -> tuple[str, int, str]:
    """Run ``podium *args`` as a process, read one line of its output and stop reading (as
    ``| head -n 1`` does); returns that line, the exit status and the standard error."""
    env = {**os.environ, "PODIUM_DATABASE_URL": database_url}
    podium = str(Path(sys.executable).parent / "podium")
    with subprocess.Popen(
        [podium, *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        line = process.stdout.readline().decode()
        process.stdout.close()
        stderr = process.stderr.read().decode()
        return line, process.wait(timeout=120), stderr


async def test_credits_export_to_a_reader_that_stops_early_exits_without_a_traceback(
    db: Database,
) -> None:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo")
        # 2,000 rows, about 500 kB: more than a pipe holds, so the reader's leaving is seen
        await add_many_awards(uow, event, attendees=20, sessions=100)

    line, status, stderr = await asyncio.to_thread(
        _first_line_then_close, db.url, "credits", "export", "--event", "expo", "--format", "csv"
    )

    assert (line, status, stderr) == (",".join(CREDITS_HEADER) + "\r\n", 1, "")
