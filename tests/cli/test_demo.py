"""The demo event: built through the services, idempotent, and seen by the API as a real event."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import httpx
from sqlalchemy import distinct, func, select

from podium.cli.demo import load_demo, page_tour
from podium.integrations.service import create_api_key
from podium.kit.db import Database, UnitOfWork
from podium.models import (
    Checkin,
    CheckinHistoryEntry,
    Codeword,
    CodewordSubmission,
    EvaluationResponse,
    Event,
    EventSession,
    Poll,
    Presenter,
    Question,
    Room,
    Vote,
)
from tests.cli.conftest import Cli

FIRST_DAY = date(2026, 6, 1)
# the afternoon of the second day: day one is over, the 13:30 sessions are running
NOW = datetime(2026, 6, 2, 14, 0, tzinfo=ZoneInfo("America/Chicago"))


async def _count(uow: UnitOfWork, statement: object) -> int:
    return int(await uow.session.scalar(statement) or 0)  # type: ignore[call-overload]


async def _load(db: Database) -> None:
    async with db.unit_of_work() as uow:
        summary = await load_demo(uow, first_day=FIRST_DAY, now=NOW, attendees=40)
    assert summary is not None


async def test_demo_builds_a_three_day_program_in_six_rooms(db: Database) -> None:
    await _load(db)

    async with db.unit_of_work() as uow:
        assert await _count(uow, select(func.count()).select_from(EventSession)) == 40
        assert await _count(uow, select(func.count(distinct(EventSession.date)))) == 3
        assert await _count(uow, select(func.count()).select_from(Room)) == 6
        assert await _count(uow, select(func.count()).select_from(Presenter)) >= 20
        sessions_without_codewords = await _count(
            uow,
            select(func.count())
            .select_from(EventSession)
            .where(~EventSession.fields_of_study.any()),
        )
        assert sessions_without_codewords == 0
        assert await _count(uow, select(func.count()).select_from(Codeword)) >= 80


async def test_demo_tells_the_story_of_the_sessions_so_far(db: Database) -> None:
    await _load(db)
    now_utc = NOW.astimezone(ZoneInfo("UTC"))

    async with db.unit_of_work() as uow:
        history = list(await uow.session.scalars(select(CheckinHistoryEntry)))
        records = list(await uow.session.scalars(select(Checkin)))
        preloaded = [r for r in records if r.preloaded]
        checked_in_now = [r for r in records if r.checked_in]
        votes = await _count(uow, select(func.count()).select_from(Vote))
        questions = await _count(uow, select(func.count()).select_from(Question))
        codewords = await _count(uow, select(func.count()).select_from(CodewordSubmission))
        evaluations = await _count(uow, select(func.count()).select_from(EvaluationResponse))
        closed_polls = await _count(
            uow, select(func.count()).select_from(Poll).where(Poll.state == "closed")
        )

    assert all(entry.at <= now_utc for entry in history)
    actions = {entry.action for entry in history}
    assert actions == {"checkin", "checkout"}
    per_record: dict[int, int] = {}
    for entry in history:
        per_record[entry.checkin_id] = per_record.get(entry.checkin_id, 0) + 1
    assert max(per_record.values()) >= 3  # somebody took a break and came back
    assert preloaded and checked_in_now  # waiting at the kiosk, and in the room right now
    assert votes > 0 and questions > 0 and codewords > 0 and evaluations > 0
    assert closed_polls > 0


async def test_demo_loads_once(db: Database) -> None:
    await _load(db)
    async with db.unit_of_work() as uow:
        before = await _count(uow, select(func.count()).select_from(Checkin))

    async with db.unit_of_work() as uow:
        again = await load_demo(uow, first_day=FIRST_DAY, now=NOW, attendees=40)

    assert again is None
    async with db.unit_of_work() as uow:
        assert await _count(uow, select(func.count()).select_from(Checkin)) == before


async def test_demo_is_served_by_the_api(db: Database, client: httpx.AsyncClient) -> None:
    await _load(db)
    async with db.unit_of_work() as uow:
        demo = await uow.session.scalar(select(Event).where(Event.uri == "demo"))
        assert demo is not None
        key = (await create_api_key(uow, event=demo)).key
        first = await uow.session.scalar(
            select(EventSession.public_id).order_by(EventSession.date, EventSession.start_time)
        )
    headers = {"API-Key": key}

    sessions = (await client.get("/api/v2/sessions", headers=headers)).json()["data"]
    attendance = (await client.get(f"/api/v2/sessions/{first}/attendance", headers=headers)).json()
    data = (await client.get(f"/api/v2/sessions/{first}/data", headers=headers)).json()["data"]
    evaluations = (await client.get("/api/v2/evaluations/responses", headers=headers)).json()

    assert sessions["count"] == 40
    assert attendance["data"] and all(record["history"] for record in attendance["data"])
    assert len(data["polls"]) == 2 and data["questions"]
    assert evaluations["data"]["count"] > 0


async def test_demo_command_reports_and_then_changes_nothing(cli: Cli) -> None:
    first = await cli("demo", "--event", "demo-cli")
    second = await cli("demo", "--event", "demo-cli")

    assert first.exit_code == 0, first.output
    assert first.stdout.startswith('Loaded the demo event "demo-cli": 40 sessions, 300 attendees')
    assert second.exit_code == 0
    lines = second.stdout.splitlines()
    assert lines[0] == 'The event "demo-cli" already exists; nothing was changed.'
    assert lines[1].startswith("Event home (join here):  ")
    assert lines[1].endswith("/e/demo-cli")
    assert lines[-1].endswith("/e/demo-cli/kiosk   (password: moderate-demo)")


async def test_demo_tour_points_at_the_session_running_now(db: Database) -> None:
    await _load(db)
    async with db.unit_of_work(write=False) as uow:
        lines = await page_tour(uow, uri="demo", base_url="http://podium.test", now=NOW)
        running = (
            await uow.session.scalars(
                select(EventSession).where(
                    EventSession.date == NOW.date(), EventSession.start_time == time(13, 30)
                )
            )
        ).all()

    session_line = lines[1]
    url = session_line.rsplit("  ", 1)[1]
    assert [s.public_id for s in running if url.endswith(f"/e/demo/s/{s.public_id}")] != []
    assert lines[2] == f"  moderator page:  {url}/moderate   (password: moderate-demo)"
    assert lines[3] == f"  screen page:     {url}/screen"
