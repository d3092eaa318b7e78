"""GET …/attendance and the removal preview of a session with many varied records, compared
with the answer the ORM-based implementation gave for the same data (``attendance_golden.json``,
recorded before the report moved to plain rows and streamed encoding; its credits re-recorded
when they became the credits awarded rather than the session's)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from podium.attendance.service import (
    adjust_credits,
    perform_checkin,
    perform_checkout,
    preload_attendees,
    set_admin_note,
    set_attendee_note,
    submit_codeword,
)
from podium.attendance.types import PreloadAttendee
from podium.credits.service import set_credit_rules
from podium.credits.types import RulesChange
from podium.enums import AttendanceSource, DeliveryFormat
from podium.kit.db import Database
from tests.conftest import Api
from tests.factories import make_attendee, make_session

GOLDEN = Path(__file__).parent / "attendance_golden.json"
T0 = datetime(2026, 6, 1, 16, 47, 2, 250_000, tzinfo=UTC)
FIELDS = {
    "Accounting": ("2", ["code1", "code2", "code3", "code4"]),
    "Taxes": ("1.5", ["code5"]),
    "Ethics": ("0.25", []),
}
SOURCES = (AttendanceSource.WEB, AttendanceSource.KIOSK, AttendanceSource.API)
SIZE = 60


async def _many_records(db: Database, api: Api) -> str:
    """SIZE attendees with every kind of record: preloaded only, checked in (same minute for
    some, so names order them), out and in again, codewords valid, repeated and wrong, credit
    adjustments, notes, evaluations, delivery formats, attendee fields and odd names."""
    async with db.unit_of_work() as u:
        # 11:45-13:45 in Chicago, 30 minutes a credit, partial credit in quarters: most records
        # earn their credits, some only part of them
        await set_credit_rules(
            u,
            event=api.event,
            change=RulesChange(minutes_per_credit=30, partial_credit_step=Decimal("0.25")),
        )
        session = await make_session(
            u, api.event, start_time=time(11, 45), end_time=time(13, 45), fields_of_study=FIELDS
        )
        await preload_attendees(
            u,
            session=session,
            attendees=[
                PreloadAttendee(email=f"pre{n}@x.org", first_name=f"Pre{n % 3}", last_name="Zed")
                for n in range(5)
            ],
        )
        for n in range(SIZE):
            attendee = await make_attendee(
                u,
                api.event,
                first_name=["Ana", "bob", "Émile", "Zoë", ""][n % 5],
                last_name=["Smith", "smith", "O'Neil", "Ünal", "Lee", "de la Cruz"][n % 6],
                email=f"p{n}@x.org" if n % 7 else None,
                external_id=f"EXT-{n}" if n % 3 else None,
                field_1="North" if n % 4 == 0 else None,
                field_5=f"five {n}" if n % 9 == 0 else None,
            )
            if n % 11 == 0:
                await preload_attendees(
                    u, session=session, attendees=[PreloadAttendee(email=f"p{n}@x.org")]
                )
                if n % 22 == 0:
                    continue  # preloaded, never checked in
            at = T0 + timedelta(minutes=n // 4, seconds=n % 2)
            checkin = await perform_checkin(
                u,
                session=session,
                attendee=attendee,
                source=SOURCES[n % 3],
                delivery_format=DeliveryFormat.VIRTUAL if n % 5 == 0 else None,
                at=at,
            )
            if n % 2 == 0:
                for word in ["code2", "nope", "CODE1", "code2"][: n % 5]:
                    await submit_codeword(
                        u,
                        session=session,
                        attendee=attendee,
                        field_of_study_name="Accounting",
                        word=word,
                        at=at + timedelta(minutes=1),
                    )
            if n % 3 == 0:
                await submit_codeword(
                    u,
                    session=session,
                    attendee=attendee,
                    field_of_study_name="Taxes",
                    word="code5",
                    at=at + timedelta(minutes=2),
                )
            if n % 4 != 3:
                await perform_checkout(
                    u,
                    session=session,
                    attendee=attendee,
                    source=SOURCES[(n + 1) % 3],
                    at=at + timedelta(minutes=45, seconds=n),
                )
            if n % 8 == 0:
                await perform_checkin(
                    u,
                    session=session,
                    attendee=attendee,
                    source=AttendanceSource.WEB,
                    at=at + timedelta(hours=1),
                )
                if n % 16 == 0:
                    await perform_checkout(
                        u,
                        session=session,
                        attendee=attendee,
                        source=AttendanceSource.KIOSK,
                        at=at + timedelta(hours=3, minutes=7),
                    )
            if n % 6 == 0:
                await adjust_credits(
                    u,
                    checkin=checkin,
                    field_of_study_name=["Taxes", "Accounting", "Ethics"][n % 3],
                    credits=Decimal(["0.5", "3", "1.25"][n % 3]),
                )
            if n % 5 == 1:
                await set_attendee_note(u, checkin=checkin, note=f"note <{n}> “quoted”")
            if n % 7 == 2:
                await set_admin_note(u, checkin=checkin, note="Verified\nby hand")
            if n % 10 == 3:
                checkin.evaluation_completed_at = at + timedelta(hours=2)
    return session.public_id


async def test_get_attendance_of_many_records_matches_the_recorded_answer(
    db: Database, api: Api
) -> None:
    public_id = await _many_records(db, api)

    response = await api.get(f"/sessions/{public_id}/attendance")

    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == json.loads(GOLDEN.read_text())["list"]


async def test_get_attendance_of_many_records_kept_is_the_same_answer(
    db: Database, api: Api, count_queries: Any
) -> None:
    public_id = await _many_records(db, api)
    with count_queries() as built:
        first = await api.get(f"/sessions/{public_id}/attendance")

    with count_queries() as kept:
        again = await api.get(f"/sessions/{public_id}/attendance")

    assert kept.count < built.count
    assert again.content == first.content
    assert again.json() == json.loads(GOLDEN.read_text())["list"]


async def test_remove_preview_of_many_records_matches_the_recorded_answer(
    db: Database, api: Api
) -> None:
    public_id = await _many_records(db, api)

    response = await api.post(
        f"/sessions/{public_id}/attendance/remove", json={"all": True, "preview": True}
    )

    assert response.status_code == 200
    assert response.json() == json.loads(GOLDEN.read_text())["preview"]
