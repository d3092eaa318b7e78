"""A list built again after a change encodes only the records whose revision moved (database
triggers move ``checkins.revision``, migration 0006) and joins the others' kept bytes: every
kind of change still gives the fresh list (``test_attendance_cache``), as many queries for 50
records as for 1, and one record encoded for one changed."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AsyncExitStack
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from sqlalchemy import select, text

from podium.attendance.service import list_attendance, perform_checkin, preload_attendees
from podium.attendance.types import AttendanceRecord, PreloadAttendee
from podium.enums import AttendanceSource
from podium.events.service import get_event
from podium.kit.db import Database
from podium.models import AttendanceVersion, Attendee, EventSession
from podium.program.service import get_session
from podium.web.api.dialects.conferences_io import attendance, formats
from podium.web.api.dialects.conferences_io.envelope import ok_list_body
from tests.conftest import Api
from tests.factories import make_attendee, make_session

T0 = datetime(2026, 6, 1, 16, 47, 2, tzinfo=UTC)
FIELDS = {"Accounting": ("2", ["code1", "code2"]), "Taxes": ("1.5", ["code5"])}


@pytest.fixture
def encoded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The emails of the records the endpoint encodes, in order (the encoder itself runs)."""
    seen: list[str] = []
    encode = attendance.RecordEncoder.__call__

    def counting(self: attendance.RecordEncoder, record: AttendanceRecord) -> dict[str, Any]:
        seen.append(record.attendee.email or "")
        return encode(self, record)

    monkeypatch.setattr(attendance.RecordEncoder, "__call__", counting)
    yield seen


async def _session(db: Database, api: Api, size: int, name: str = "Kept") -> EventSession:
    async with db.unit_of_work() as u:
        session = await make_session(
            u, api.event, name=name, session_date=None, fields_of_study=FIELDS
        )
        for n in range(size):
            attendee = await make_attendee(
                u, api.event, email=f"{name.lower()}{n}@x.org", first_name=f"P{n}"
            )
            await perform_checkin(
                u, session=session, attendee=attendee, source=AttendanceSource.WEB, at=T0
            )
    return session


async def _get(api: Api, session: EventSession) -> Any:
    response = await api.client.get(
        f"/api/v2/sessions/{session.public_id}/attendance", headers=api.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def _fresh(db: Database, api: Api, session: EventSession) -> Any:
    async with db.unit_of_work(write=False) as u:
        event = await get_event(u, api.event.uri)
        found = await get_session(u, event=event, public_id=session.public_id)
        records = await list_attendance(u, session=found)
        encode = attendance.RecordEncoder(formats.event_zone(event))
        return orjson.loads(await ok_list_body(records, encode))


async def _sql(db: Database, statement: str, **values: Any) -> None:
    async with db.unit_of_work() as u:
        await u.session.execute(text(statement), values)


async def test_get_attendance_after_a_change_to_one_record_encodes_only_it(
    db: Database, api: Api, encoded: list[str]
) -> None:
    session = await _session(db, api, 3)
    await _get(api, session)
    encoded.clear()

    await _sql(db, "UPDATE checkins SET admin_note = 'by hand' WHERE attendee_id = (SELECT id"
                   " FROM attendees WHERE email_key = 'kept1@x.org')")  # fmt: skip
    after = await _get(api, session)

    assert encoded == ["kept1@x.org"]
    assert after == await _fresh(db, api, session)
    assert [r["admin_note"] for r in after["data"]] == [None, "by hand", None]


async def test_get_attendance_after_a_session_wide_change_encodes_every_record(
    db: Database, api: Api, encoded: list[str]
) -> None:
    session = await _session(db, api, 3)
    await _get(api, session)
    encoded.clear()

    await _sql(db, "UPDATE codewords SET word = 'renamed' WHERE word = 'code5'")
    after = await _get(api, session)

    assert sorted(encoded) == ["kept0@x.org", "kept1@x.org", "kept2@x.org"]
    assert after == await _fresh(db, api, session)


async def test_get_attendance_after_a_new_and_a_removed_record_encodes_only_the_new_one(
    db: Database, api: Api, encoded: list[str]
) -> None:
    session = await _session(db, api, 3)
    await _get(api, session)
    encoded.clear()

    await _sql(db, "DELETE FROM checkins WHERE attendee_id = (SELECT id FROM attendees"
                   " WHERE email_key = 'kept0@x.org')")  # fmt: skip
    async with db.unit_of_work() as u:
        found = await u.session.get(EventSession, session.id)
        assert found is not None
        attendee = await make_attendee(u, api.event, email="new@x.org")
        await perform_checkin(
            u, session=found, attendee=attendee, source=AttendanceSource.KIOSK, at=T0
        )
    after = await _get(api, session)

    assert encoded == ["new@x.org"]
    assert after == await _fresh(db, api, session)
    emails = [r["user"]["email"] for r in after["data"]]
    assert sorted(emails) == ["kept1@x.org", "kept2@x.org", "new@x.org"]


async def test_get_attendance_after_a_record_removed_and_its_id_reused_shows_the_new_one(
    db: Database, api: Api
) -> None:
    """SQLite gives a new row the id of the last one deleted: the revision, random from the
    INSERT on, tells the new record from the kept one."""
    session = await _session(db, api, 1)
    await _preload(db, api, session, "gone@x.org")
    await _get(api, session)

    await _sql(db, "DELETE FROM checkins WHERE id = (SELECT max(id) FROM checkins)")
    await _preload(db, api, session, "reused@x.org")
    after = await _get(api, session)

    assert after == await _fresh(db, api, session)
    assert [r["user"]["email"] for r in after["data"]] == ["kept0@x.org", "reused@x.org"]


async def _preload(db: Database, api: Api, session: EventSession, email: str) -> None:
    async with db.unit_of_work() as u:
        found = await u.session.get(EventSession, session.id)
        assert found is not None
        await preload_attendees(u, session=found, attendees=[PreloadAttendee(email=email)])


async def test_get_attendance_after_an_attendee_renamed_encodes_their_record_in_each_session(
    db: Database, api: Api, encoded: list[str]
) -> None:
    first, second = await _session(db, api, 2, "First"), await _session(db, api, 2, "Second")
    async with db.unit_of_work() as u:
        found = await u.session.get(EventSession, second.id)
        attendee = await u.session.scalar(select(Attendee).where(Attendee.email == "first0@x.org"))
        assert found is not None and attendee is not None
        await perform_checkin(
            u, session=found, attendee=attendee, source=AttendanceSource.WEB, at=T0
        )
    await _get(api, first)
    await _get(api, second)
    encoded.clear()

    await _sql(db, "UPDATE attendees SET last_name = 'Renamed' WHERE email_key = 'first0@x.org'")
    lists = [await _get(api, first), await _get(api, second)]

    assert encoded == ["first0@x.org", "first0@x.org"]
    assert lists == [await _fresh(db, api, first), await _fresh(db, api, second)]


async def test_get_attendance_of_records_kept_in_another_time_zone_encodes_them_again(
    db: Database, api: Api, encoded: list[str]
) -> None:
    session = await _session(db, api, 2)
    before = await _get(api, session)
    encoded.clear()

    response = await api.put("/app", json={"timezone": "Asia/Tokyo"})
    assert response.status_code == 200, response.text
    after = await _get(api, session)

    assert sorted(encoded) == ["kept0@x.org", "kept1@x.org"]
    assert after == await _fresh(db, api, session)
    assert after["data"][0]["checkin_time"] != before["data"][0]["checkin_time"]


# --- what a list built again costs ---------------------------------------------------------


async def test_get_attendance_built_runs_as_many_queries_for_50_records_as_for_1(
    db: Database, api: Api, count_queries: Any, encoded: list[str]
) -> None:
    built, changed = [], []
    for size in (1, 50):
        session = await _session(db, api, size, f"S{size}-")
        with count_queries() as counter:
            await _get(api, session)
        built.append(counter.count)
        encoded.clear()
        await _sql(
            db,
            "UPDATE checkins SET attendee_note = 'n' WHERE id = (SELECT min(id) FROM checkins"
            " WHERE session_id = :session)",
            session=session.id,
        )
        with count_queries() as counter:
            after = await _get(api, session)
        changed.append(counter.count)
        assert len(encoded) == 1
        assert after == await _fresh(db, api, session)

    # API key, session, version; generations, fields, codewords, revisions; records, history,
    # codewords submitted, credits
    assert built == [11, 11]
    assert changed == [11, 11]


async def test_get_attendance_after_a_change_reads_only_the_changed_records(
    db: Database, api: Api, count_queries: Any
) -> None:
    session = await _session(db, api, 50)
    await _get(api, session)
    await _sql(
        db,
        "UPDATE checkins SET attendee_note = 'n' WHERE id = (SELECT max(id) FROM checkins"
        " WHERE session_id = :session)",
        session=session.id,
    )

    with count_queries() as counter:
        await _get(api, session)

    [records] = [s for s in counter.statements if "attendees.field_5" in s]
    assert "checkins.id IN" in records


# --- PostgreSQL: a record another transaction holds ----------------------------------------


async def test_get_attendance_after_a_change_to_a_record_another_transaction_holds_is_fresh(
    db: Database, api: Api
) -> None:
    """On PostgreSQL the trigger does not wait for a record another transaction holds: it moves
    the session's records generation, and every record is encoded again. SQLite writes one
    transaction at a time (no record is ever held): the same changes move the records' own
    revisions and leave the generation alone."""
    session = await _session(db, api, 2)
    await _get(api, session)
    async with AsyncExitStack() as stack:
        if not db.is_sqlite:  # SQLite's one writer connection cannot be held aside
            holder = await stack.enter_async_context(db.write_engine.connect())
            stack.push_async_callback(holder.rollback)
            await holder.execute(
                text("SELECT id FROM checkins WHERE session_id = :session FOR NO KEY UPDATE"),
                {"session": session.id},
            )
        async with db.unit_of_work() as u:
            if not db.is_sqlite:
                await u.session.execute(text("SET LOCAL lock_timeout = '5s'"))  # never hang
            await u.session.execute(
                text("UPDATE attendees SET first_name = 'Held' WHERE email_key = 'kept0@x.org'")
            )
            await u.session.execute(
                text(
                    "UPDATE credit_awards SET credits = 9 WHERE checkin_id IN"
                    " (SELECT id FROM checkins WHERE session_id = :session)"
                ),
                {"session": session.id},
            )

    after = await _get(api, session)

    assert after == await _fresh(db, api, session)
    assert "Held" in [r["user"]["first_name"] for r in after["data"]]
    async with db.unit_of_work(write=False) as u:
        generations = list(
            await u.session.scalars(
                select(AttendanceVersion.records_generation).where(
                    AttendanceVersion.session_id == session.id
                )
            )
        )
    assert any(generation != 0 for generation in generations) is (not db.is_sqlite)


async def _checkin_rows_updated(u: Any) -> int:
    """PostgreSQL: the row versions of ``checkins`` written by UPDATE that this connection has
    not reported to the statistics yet (since PostgreSQL 15 that may include its previous
    transactions': compare two readings of one transaction)."""
    found = await u.session.execute(
        text("SELECT n_tup_upd FROM pg_stat_xact_user_tables WHERE relname = 'checkins'")
    )
    return int(found.scalar_one())


async def test_a_record_written_in_the_same_transaction_is_not_rewritten_for_each_change(
    db: Database, api: Api
) -> None:
    """The revision moves with the first change a transaction makes to a record, and the
    record's row is not written again for the next ones (PostgreSQL, migration 0007: a first
    check-in is its INSERT alone, not its INSERT and a rewrite for its history row). SQLite
    has no transaction ids to ask: there each change moves the revision again. Either way the
    revision a reader sees after the commit is new."""
    session = await _session(db, api, 1)
    rewrites_of_a_committed_record = rewrites_of_a_new_record = None
    async with db.unit_of_work() as u:
        at_start = None if db.is_sqlite else await _checkin_rows_updated(u)
        record_id, before = (
            await u.session.execute(
                text("SELECT id, revision FROM checkins WHERE session_id = :s"), {"s": session.id}
            )
        ).one()
        for action in ("checkout", "checkin"):
            await u.session.execute(
                text(
                    "INSERT INTO checkin_history (checkin_id, action, at, source)"
                    " VALUES (:r, :a, :at, 'web')"
                ),
                {"r": record_id, "a": action, "at": T0},
            )
        if at_start is not None:
            rewrites_of_a_committed_record = await _checkin_rows_updated(u) - at_start
    async with db.unit_of_work() as u:
        at_start = None if db.is_sqlite else await _checkin_rows_updated(u)
        newcomer = await make_attendee(u, api.event, email="new@x.org")
        found = await get_session(u, event=api.event, public_id=session.public_id)
        await perform_checkin(
            u, session=found, attendee=newcomer, source=AttendanceSource.WEB, at=T0
        )
        if at_start is not None:
            rewrites_of_a_new_record = await _checkin_rows_updated(u) - at_start
    async with db.unit_of_work(write=False) as u:
        after = (
            await u.session.execute(
                text("SELECT revision FROM checkins WHERE id = :r"), {"r": record_id}
            )
        ).scalar_one()

    assert after != before
    if not db.is_sqlite:
        assert (rewrites_of_a_committed_record, rewrites_of_a_new_record) == (1, 0)
