"""``podium serve --port P`` without PODIUM_BASE_URL: Podium's public address is the served one
everywhere it appears (the API's ``url`` fields, the projector's join line, the QR code of a
certificate), and the server says so when it starts. ``podium demo`` and ``make run`` print
the addresses of the port they are given."""

from __future__ import annotations

import re
import subprocess
from datetime import UTC, date, datetime, time
from pathlib import Path

import httpx

from podium.cli.serve import address_lines
from podium.config import Settings
from podium.events.service import create_event
from podium.integrations.service import create_api_key
from podium.kit.db import Database
from podium.models import EventSession
from tests.cli.conftest import Cli
from tests.credits.certificate_helpers import attended, qr_codes
from tests.factories import make_attendee, make_session
from tests.processes import free_port, serve
from tests.web.pages.attendee.conftest import code_in, mailed

ROOT = Path(__file__).resolve().parents[2]


async def _event(db: Database) -> tuple[EventSession, str]:
    """The event "smoke" with a session that Maya attended for credit, and an API key."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="smoke", name="Smoke Test", timezone="UTC")
        session = await make_session(
            uow,
            event,
            session_date=date(2026, 6, 1),
            start_time=time(9),
            end_time=time(10),
            fields_of_study={"Ethics": ("1", [])},
        )
        maya = await make_attendee(uow, event, first_name="Maya", email="maya@example.org")
        await attended(
            uow,
            session,
            maya,
            arrived=datetime(2026, 6, 1, 9, tzinfo=UTC),
            left=datetime(2026, 6, 1, 10, tzinfo=UTC),
        )
        key = await create_api_key(uow, event=event)
        return session, key.key


async def _join(http: httpx.AsyncClient) -> None:
    home = await http.get("/e/smoke")
    match = re.search(r'name="csrf_token" value="([^"]+)"', home.text)
    assert match is not None
    joined = await http.post(
        "/e/smoke/join",
        data={
            "csrf_token": match.group(1),
            "first_name": "Maya",
            "last_name": "Example",
            "email": "maya@example.org",
        },
    )
    assert joined.status_code == 303


async def _prove_email(http: httpx.AsyncClient, db: Database) -> None:
    """Ask for a code on "My credits", read it from the outbox, and enter it: certificates are
    sent only to a browser that proved the attendee's email."""
    credits = await http.get("/e/smoke/credits")
    match = re.search(r'name="csrf_token" value="([^"]+)"', credits.text)
    assert match is not None
    token = match.group(1)
    sent = await http.post("/e/smoke/verify/send", data={"csrf_token": token})
    assert sent.status_code == 303
    (mail,) = await mailed(db, "maya@example.org")
    entered = await http.post("/e/smoke/verify", data={"csrf_token": token, "code": code_in(mail)})
    assert entered.status_code == 303


async def test_serve_makes_the_served_port_the_public_address(db: Database, tmp_path: Path) -> None:
    session, key = await _event(db)
    port = free_port()
    here = f"http://127.0.0.1:{port}"
    env = {"PODIUM_DATABASE_URL": db.url, "PODIUM_BASE_URL": "", "PODIUM_SECRET_KEY": "s"}

    with serve(env, tmp_path / "serve.log", port=port):
        async with httpx.AsyncClient(base_url=here, timeout=10) as http:
            api = {"API-Key": key}
            app = (await http.get("/api/v2/app", headers=api)).json()["data"]
            listed = (await http.get("/api/v2/sessions", headers=api)).json()["data"]["data"]
            screen = (await http.get(f"/e/smoke/s/{session.public_id}/screen")).text
            await _join(http)
            await _prove_email(http, db)
            certificate = await http.get("/e/smoke/credits/certificate.pdf")

    assert app["url"] == f"{here}/e/smoke"
    assert [s["url"] for s in listed] == [f"{here}/e/smoke/s/{session.public_id}"]
    short = f"127.0.0.1:{port}/e/smoke/s/{session.public_id}"
    assert f'<strong class="join-url">{short}</strong>' in screen
    assert certificate.status_code == 200
    (qr,) = qr_codes(certificate.content)
    assert re.fullmatch(rf"{re.escape(here)}/certificates/PDM-\w{{4}}-\w{{4}}-\w{{4}}", qr)
    log = (tmp_path / "serve.log").read_text()
    assert f"Podium's address: {here} (pages: {here}/e/, API: {here}/api/v2)\n" in log


def test_address_lines_name_where_the_address_comes_from() -> None:
    given = Settings(base_url="https://podium.example.org")

    assert address_lines(Settings().serving("127.0.0.1", 8765), host="127.0.0.1", port=8765) == [
        "Podium's address: http://127.0.0.1:8765 "
        "(pages: http://127.0.0.1:8765/e/, API: http://127.0.0.1:8765/api/v2)"
    ]
    assert address_lines(given.serving("0.0.0.0", 8765), host="0.0.0.0", port=8765) == [
        "Podium's address: https://podium.example.org (pages: https://podium.example.org/e/, "
        "API: https://podium.example.org/api/v2), from PODIUM_BASE_URL"
    ]


def test_address_lines_note_that_a_wildcard_host_needs_a_base_url() -> None:
    lines = address_lines(Settings().serving("0.0.0.0", 8765), host="0.0.0.0", port=8765)

    assert lines == [
        "Podium's address: http://127.0.0.1:8765 "
        "(pages: http://127.0.0.1:8765/e/, API: http://127.0.0.1:8765/api/v2)",
        "note: --host 0.0.0.0 serves every address of this machine, and Podium cannot know "
        "which one people use: its pages, API answers and certificates say "
        "http://127.0.0.1:8765, which only this machine reaches. Set PODIUM_BASE_URL to the "
        "address others use, e.g. http://<this machine's name or address>:8765, or the "
        "https:// address of the reverse proxy in front of it.",
    ]


async def test_demo_prints_the_addresses_of_the_port_it_is_given(cli: Cli) -> None:
    await cli("event", "create", "--uri", "porty", "--name", "Port Test")

    result = await cli("demo", "--event", "porty", "--port", "8765")

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        'The event "porty" already exists; nothing was changed.',
        "Event home: http://127.0.0.1:8765/e/porty",
    ]


def test_make_run_gives_its_port_to_the_demo_and_the_server() -> None:
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8765"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.splitlines()

    assert [line for line in planned if " demo " in line or " serve " in line] == [
        ".venv/bin/podium demo --host 127.0.0.1 --port 8765",
        ".venv/bin/podium serve --host 127.0.0.1 --port 8765",
    ]
