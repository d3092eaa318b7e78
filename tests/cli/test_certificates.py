"""``podium certificates build``."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from podium.config import Settings
from podium.events.service import create_event
from podium.kit.db import Database
from podium.models import Certificate
from tests.cli.conftest import Cli
from tests.credits.certificate_helpers import attended, pdf_text
from tests.factories import make_attendee, make_session

ARRIVED = datetime(2026, 6, 1, 13, 30, tzinfo=UTC)  # the session's start in Chicago
LEFT = datetime(2026, 6, 1, 14, 15, tzinfo=UTC)
TAXES_LATER = timedelta(minutes=90)


@pytest.fixture
async def event_with_attendance(db: Database) -> None:
    """The event "example": Zoë attended two sessions with credits, Alex one, Blake one without
    credits; Casey never checked in."""
    async with db.unit_of_work() as u:
        event = await create_event(
            u, uri="example", name="Example Event", timezone="America/Chicago"
        )
        event.organizer = "Society of Example Accountants"
        event.start_date = event.end_date = date(2026, 6, 1)
        ethics = await make_session(
            u, event, name="Ethics in practice", fields_of_study={"Ethics": ("1.5", [])}
        )
        taxes = await make_session(
            u, event, name="Taxes", start_time=time(10, 0), end_time=time(10, 50),
            fields_of_study={"Taxes": ("2", [])},
        )  # fmt: skip
        plenary = await make_session(u, event, name="Welcome")
        zoe = await make_attendee(
            u, event, first_name="Zoë", last_name="Ångström", email="zoe@example.com"
        )
        alex = await make_attendee(u, event, email="alex@example.com")
        blake = await make_attendee(u, event, first_name="Blake", email="blake@example.com")
        await make_attendee(u, event, first_name="Casey", email="casey@example.com")
        for session, attendee in ((ethics, zoe), (ethics, alex), (plenary, blake)):
            await attended(u, session, attendee, arrived=ARRIVED, left=LEFT)
        await attended(u, taxes, zoe, arrived=ARRIVED + TAXES_LATER, left=LEFT + TAXES_LATER)


def _files(directory: Path) -> dict[str, bytes]:
    """The files in ``directory``: name to content."""
    return {path.name: path.read_bytes() for path in sorted(directory.iterdir())}


async def _numbers(db: Database) -> set[str]:
    async with db.unit_of_work(write=False) as u:
        return set(
            await u.session.scalars(
                select(Certificate.number).where(Certificate.superseded_at.is_(None))
            )
        )


@pytest.mark.usefixtures("event_with_attendance")
async def test_build_writes_a_pdf_per_certificate(cli: Cli, db: Database, tmp_path: Path) -> None:
    result = await cli("certificates", "build", "--event", "example", "--output", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"Wrote 5 certificates of 2 attendees to {tmp_path}/. "
        "1 attendee with check-ins but no credits got none.\n"
    )
    numbers = await _numbers(db)
    files = _files(tmp_path)
    assert sorted(name[:18] for name in files) == sorted(numbers)
    assert sum(name.endswith("-zoe-angstrom.pdf") for name in files) == 3
    zoe_combined = [
        (name, pdf_text(pdf))
        for name, pdf in files.items()
        if name.endswith("-zoe-angstrom.pdf") and "Totals by field of study" in pdf_text(pdf)
    ]
    assert len(zoe_combined) == 1
    name, text = zoe_combined[0]
    assert "This certifies that Zoë Ångström" in text
    assert "Ethics 1.5 Taxes 2 Total 3.5" in text
    assert f"{Settings().base_url}/certificates/{name[:18]}" in text


@pytest.mark.usefixtures("event_with_attendance")
async def test_build_again_keeps_the_numbers(cli: Cli, db: Database, tmp_path: Path) -> None:
    await cli("certificates", "build", "--event", "example", "--output", str(tmp_path))
    before = await _numbers(db)

    result = await cli("certificates", "build", "--event", "example", "--output", str(tmp_path))

    assert result.exit_code == 0, result.output
    assert await _numbers(db) == before
    assert len(_files(tmp_path)) == 5


@pytest.mark.usefixtures("event_with_attendance")
async def test_build_for_one_attendee(cli: Cli, db: Database, tmp_path: Path) -> None:
    result = await cli(
        "certificates", "build", "--event", "example", "--attendee", " ALEX@example.com ",
        "--output", str(tmp_path),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote 2 certificates of 1 attendee to {tmp_path}/.\n"
    assert [name[19:] for name in _files(tmp_path)] == [
        "alex-example.pdf",
        "alex-example.pdf",
    ]


@pytest.mark.usefixtures("event_with_attendance")
async def test_build_for_an_attendee_who_never_checked_in(cli: Cli, tmp_path: Path) -> None:
    result = await cli(
        "certificates", "build", "--event", "example", "--attendee", "casey@example.com",
        "--output", str(tmp_path),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "casey@example.com has not checked in to any session yet: no certificate to write.\n"
    )


@pytest.mark.usefixtures("event_with_attendance")
async def test_build_default_directory_is_beside_the_database(
    cli: Cli, db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # var/ of a PostgreSQL run lands here

    result = await cli(
        "certificates", "build", "--event", "example", "--attendee", "alex@example.com"
    )

    assert result.exit_code == 0, result.output
    if db.is_sqlite:
        directory = Path(db.url.split(":///", 1)[1]).parent / "certificates" / "example"
    else:
        directory = tmp_path / "var" / "certificates" / "example"
    assert [name[19:] for name in _files(directory)] == ["alex-example.pdf"] * 2


@pytest.mark.usefixtures("event_with_attendance")
async def test_build_unknown_attendee_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = await cli(
        "certificates", "build", "--event", "example", "--attendee", "nobody@example.com",
        "--output", str(tmp_path),
    )  # fmt: skip

    assert result.exit_code == 1
    assert result.stderr == (
        'error: No attendee of the event "example" has the email address nobody@example.com; '
        "check the address, or leave --attendee out to build everyone's.\n"
    )
    assert _files(tmp_path) == {}


async def test_build_unknown_event_is_an_error(cli: Cli, tmp_path: Path) -> None:
    result = await cli("certificates", "build", "--event", "nosuch", "--output", str(tmp_path))

    assert result.exit_code == 1
    assert result.stderr == 'error: There is no event with the URI "nosuch".\n'
