"""GET /sessions/{id}/attendance is kept per process and revalidated with a strong ETag: every
write that changes what the list shows, whoever makes it (services, SQLAlchemy Core, plain
SQL), gives the next GET a fresh list and a new ETag; other writes do not."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy import insert, select, text

from podium.attendance.service import (
    adjust_credits,
    clear_attendance,
    get_checkin,
    list_attendance,
    perform_checkin,
    perform_checkout,
    preload_attendees,
    remove_checkins,
    set_admin_note,
    submit_codeword,
)
from podium.attendance.types import PreloadAttendee
from podium.enums import AttendanceSource
from podium.events.service import get_event
from podium.kit.db import Database
from podium.models import Attendee, Checkin, CheckinHistoryEntry, EventSession
from podium.program.service import get_session, set_codewords
from podium.web.api.dialects.conferences_io import formats
from podium.web.api.dialects.conferences_io.attendance import RecordEncoder
from podium.web.api.dialects.conferences_io.envelope import ok_list_body
from tests.conftest import Api
from tests.factories import make_attendee, make_session

T0 = datetime(2026, 6, 1, 16, 47, 2, tzinfo=UTC)
FIELDS = {"Accounting": ("2", ["code1", "code2"]), "Taxes": ("1.5", ["code5"])}
PEOPLE = ("a@x.org", "b@x.org")
# API key (with its event), session, attendance version
CACHED_QUERIES = 3


async def _session_with_records(
    db: Database, api: Api, name: str = "Example Session", emails: tuple[str, str] = PEOPLE
) -> str:
    """A session with fields of study and two records: the first person in and out, the
    second in."""
    async with db.unit_of_work() as u:
        # no date: a codeword may be entered whenever the test runs
        session = await make_session(
            u, api.event, name=name, session_date=None, fields_of_study=FIELDS
        )
        people = [await make_attendee(u, api.event, email=e, first_name=e[0]) for e in emails]
        for minute, attendee in enumerate(people):
            await perform_checkin(
                u,
                session=session,
                attendee=attendee,
                source=AttendanceSource.WEB,
                at=T0 + timedelta(minutes=minute),
            )
        await perform_checkout(
            u,
            session=session,
            attendee=people[0],
            source=AttendanceSource.WEB,
            at=T0 + timedelta(hours=1),
        )
    return session.public_id


async def _attendee(orm: Any, api: Api, email: str) -> Attendee:
    attendee: Attendee = await orm.scalar(
        select(Attendee).where(Attendee.event_id == api.event.id, Attendee.email_key == email)
    )
    return attendee


async def _fresh(db: Database, api: Api, public_id: str) -> Any:
    """The list as the endpoint builds it, without its cache."""
    async with db.unit_of_work(write=False) as u:
        event = await get_event(u, api.event.uri)
        session = await get_session(u, event=event, public_id=public_id)
        records = await list_attendance(u, session=session)
        return orjson.loads(await ok_list_body(records, RecordEncoder(formats.event_zone(event))))


async def _get(api: Api, public_id: str, etag: str | None = None) -> httpx.Response:
    headers = {**api.headers, **({"If-None-Match": etag} if etag else {})}
    response = await api.client.get(f"/api/v2/sessions/{public_id}/attendance", headers=headers)
    assert response.status_code in (200, 304), response.text
    return response


# --- the writes that change the list -------------------------------------------------------

Change = Callable[[Database, Api, str], Awaitable[None]]


async def _in_session(
    db: Database, api: Api, public_id: str, act: Callable[[Any, EventSession], Awaitable[Any]]
) -> None:
    async with db.unit_of_work() as u:
        await act(u, await get_session(u, event=api.event, public_id=public_id))


async def _check_in_someone_new(db: Database, api: Api, public_id: str) -> None:
    async def act(u: Any, session: EventSession) -> None:
        attendee = await make_attendee(u, api.event, email="c@x.org")
        await perform_checkin(
            u, session=session, attendee=attendee, source=AttendanceSource.KIOSK, at=T0
        )

    await _in_session(db, api, public_id, act)


async def _check_out(db: Database, api: Api, public_id: str) -> None:
    async def act(u: Any, session: EventSession) -> None:
        attendee = await _attendee(u.session, api, "b@x.org")
        await perform_checkout(
            u, session=session, attendee=attendee, source=AttendanceSource.WEB, at=T0
        )

    await _in_session(db, api, public_id, act)


async def _check_in_with_core(db: Database, api: Api, public_id: str) -> None:
    """As a batched writer does: Core INSERTs on the connection, no ORM object or flush."""

    async def act(u: Any, session: EventSession) -> None:
        attendee = await make_attendee(u, api.event, email="core@x.org")
        connection = await u.session.connection()
        checkin_id = (
            await connection.execute(
                insert(Checkin).returning(Checkin.id),
                {
                    "session_id": session.id,
                    "attendee_id": attendee.id,
                    "preloaded": False,
                    "checked_in": True,
                    "checkin_time": T0,
                    "checkin_time_actual": T0,
                    "checkin_source": "kiosk",
                    "created_at": T0,
                },
            )
        ).scalar_one()
        await connection.execute(
            insert(CheckinHistoryEntry),
            {"checkin_id": checkin_id, "action": "checkin", "at": T0, "source": "kiosk"},
        )

    await _in_session(db, api, public_id, act)


def _plain_sql(statement: str) -> Change:
    async def change(db: Database, api: Api, public_id: str) -> None:
        async with db.unit_of_work() as u:
            await u.session.execute(text(statement), {"public_id": public_id})

    return change


_RECORDS_OF_SESSION = (
    "SELECT c.id FROM checkins c JOIN sessions s ON s.id = c.session_id"
    " WHERE s.public_id = :public_id"
)


async def _submit_codeword(db: Database, api: Api, public_id: str) -> None:
    async def act(u: Any, session: EventSession) -> None:
        attendee = await _attendee(u.session, api, "b@x.org")  # checked in
        await submit_codeword(
            u, session=session, attendee=attendee, field_of_study_name="Accounting", word="code1"
        )

    await _in_session(db, api, public_id, act)


async def _adjust_credits(db: Database, api: Api, public_id: str) -> None:
    async def act(u: Any, session: EventSession) -> None:
        attendee = await _attendee(u.session, api, "a@x.org")
        checkin = await get_checkin(u, session=session, attendee=attendee)
        await adjust_credits(u, checkin=checkin, field_of_study_name="Taxes", credits=Decimal(3))

    await _in_session(db, api, public_id, act)


async def _set_admin_note(db: Database, api: Api, public_id: str) -> None:
    async def act(u: Any, session: EventSession) -> None:
        attendee = await _attendee(u.session, api, "b@x.org")
        checkin = await get_checkin(u, session=session, attendee=attendee)
        await set_admin_note(u, checkin=checkin, note="Seen at the door")

    await _in_session(db, api, public_id, act)


async def _rename_attendee(db: Database, api: Api, _public_id: str) -> None:
    async with db.unit_of_work() as u:
        attendee = await _attendee(u.session, api, "b@x.org")
        attendee.first_name = "Renamed"


async def _remove_one(db: Database, api: Api, public_id: str) -> None:
    await _in_session(
        db, api, public_id, lambda u, s: remove_checkins(u, session=s, email="a@x.org")
    )


async def _clear(db: Database, api: Api, public_id: str) -> None:
    await _in_session(db, api, public_id, lambda u, s: clear_attendance(u, session=s))


async def _preload(db: Database, api: Api, public_id: str) -> None:
    await _in_session(
        db,
        api,
        public_id,
        lambda u, s: preload_attendees(u, session=s, attendees=[PreloadAttendee(email="p@x.org")]),
    )


async def _change_fields_of_study(_db: Database, api: Api, public_id: str) -> None:
    fields = [{"name": "Accounting", "credits": "3"}, {"name": "Taxes", "credits": "1.5"}]
    response = await api.put(f"/sessions/{public_id}", json={"fields_of_study": fields})
    assert response.status_code == 200, response.text


async def _change_codewords(db: Database, api: Api, public_id: str) -> None:
    await _in_session(
        db,
        api,
        public_id,
        lambda u, s: set_codewords(u, session=s, field_of_study_name="Taxes", words=["new"]),
    )


async def _change_time_zone(_db: Database, api: Api, _public_id: str) -> None:
    response = await api.put("/app", json={"timezone": "Europe/Paris"})
    assert response.status_code == 200, response.text


CHANGES: dict[str, Change] = {
    "check-in (service)": _check_in_someone_new,
    "check-out (service)": _check_out,
    "check-in (Core INSERTs)": _check_in_with_core,
    "record edit (plain SQL)": _plain_sql(
        f"UPDATE checkins SET admin_note = 'by hand' WHERE id IN ({_RECORDS_OF_SESSION})"
    ),
    "history entry deleted (plain SQL)": _plain_sql(
        f"DELETE FROM checkin_history WHERE action = 'checkout'"
        f" AND checkin_id IN ({_RECORDS_OF_SESSION})"
    ),
    "history entry added (plain SQL)": _plain_sql(
        "INSERT INTO checkin_history (checkin_id, action, at, source)"
        f" SELECT id, 'checkout', '2026-06-01 18:00:00', 'web' FROM checkins"
        f" WHERE id IN ({_RECORDS_OF_SESSION}) AND checked_in"
    ),
    "credit award changed (plain SQL)": _plain_sql(
        f"UPDATE credit_awards SET credits = 7 WHERE checkin_id IN ({_RECORDS_OF_SESSION})"
    ),
    "credit award removed (plain SQL)": _plain_sql(
        f"DELETE FROM credit_awards WHERE checkin_id IN ({_RECORDS_OF_SESSION})"
    ),
    "attendee's email changed (plain SQL)": _plain_sql(
        "UPDATE attendees SET email = 'new@x.org' WHERE email_key = 'b@x.org'"
    ),
    "attendee renamed (plain SQL)": _plain_sql(
        "UPDATE attendees SET last_name = 'Other' WHERE email_key = 'a@x.org'"
    ),
    "codeword": _submit_codeword,
    "credit adjustment": _adjust_credits,
    "admin note": _set_admin_note,
    "attendee renamed (ORM)": _rename_attendee,
    "record removed": _remove_one,
    "records cleared": _clear,
    "attendee preloaded": _preload,
    "fields of study": _change_fields_of_study,
    "codewords of a field": _change_codewords,
    "event time zone": _change_time_zone,
}


@pytest.mark.parametrize("change", list(CHANGES.values()), ids=list(CHANGES))
async def test_get_attendance_after_a_change_is_the_fresh_list_with_a_new_etag(
    db: Database, api: Api, change: Change
) -> None:
    public_id = await _session_with_records(db, api)
    before = await _get(api, public_id)
    assert (await _get(api, public_id)).content == before.content  # kept

    await change(db, api, public_id)
    after = await _get(api, public_id, etag=before.headers["ETag"])

    assert after.status_code == 200
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json() == await _fresh(db, api, public_id)
    assert after.json() != before.json()


# --- the writes that do not ----------------------------------------------------------------


async def _rename_session(_db: Database, api: Api, public_id: str) -> None:
    response = await api.put(f"/sessions/{public_id}", json={"name": "Renamed Session"})
    assert response.status_code == 200, response.text


async def _check_in_elsewhere(db: Database, api: Api, _public_id: str) -> None:
    other = await _session_with_records(db, api, "Another", ("x@x.org", "y@x.org"))
    await _check_in_someone_new(db, api, other)


UNSHOWN: dict[str, Change] = {
    "session renamed": _rename_session,
    "codeword announced": _plain_sql(
        "UPDATE codewords SET announced_at = CURRENT_TIMESTAMP WHERE word = 'code1'"
    ),
    "attendee without a record renamed": _plain_sql(
        "UPDATE attendees SET first_name = 'Nobody' WHERE email_key = 'c@x.org'"
    ),
    "another session's check-in": _check_in_elsewhere,
}


@pytest.mark.parametrize("change", list(UNSHOWN.values()), ids=list(UNSHOWN))
async def test_get_attendance_after_a_write_it_does_not_show_is_still_kept(
    db: Database, api: Api, change: Change, count_queries: Any
) -> None:
    public_id = await _session_with_records(db, api)
    async with db.unit_of_work() as u:
        await make_attendee(u, api.event, email="c@x.org")  # no record in the session
    before = await _get(api, public_id)

    await change(db, api, public_id)
    with count_queries() as counter:
        revalidated = await _get(api, public_id, etag=before.headers["ETag"])

    assert revalidated.status_code == 304
    assert counter.count == CACHED_QUERIES
    assert before.json() == await _fresh(db, api, public_id)


# --- ETag and 304 --------------------------------------------------------------------------


async def test_get_attendance_sends_a_strong_etag_and_no_cache(db: Database, api: Api) -> None:
    public_id = await _session_with_records(db, api)

    response = await _get(api, public_id)

    assert response.headers["ETag"].startswith('"')
    assert response.headers["Cache-Control"] == "private, no-cache"


async def test_get_attendance_answers_304_without_a_body_while_nothing_changed(
    db: Database, api: Api
) -> None:
    public_id = await _session_with_records(db, api)
    etag = (await _get(api, public_id)).headers["ETag"]

    for sent in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        response = await _get(api, public_id, etag=sent)
        assert response.status_code == 304
        assert response.content == b""
        assert response.headers["ETag"] == etag


async def test_get_attendance_answers_200_for_an_etag_of_another_session(
    db: Database, api: Api
) -> None:
    first = await _session_with_records(db, api)
    second = await _session_with_records(db, api, "Another", ("x@x.org", "y@x.org"))
    etag = (await _get(api, first)).headers["ETag"]

    response = await _get(api, second, etag=etag)

    assert response.status_code == 200
    assert response.headers["ETag"] != etag


async def test_get_attendance_of_an_empty_session_is_kept_until_its_first_record(
    db: Database, api: Api
) -> None:
    async with db.unit_of_work() as u:
        public_id = (await make_session(u, api.event)).public_id
    empty = await _get(api, public_id)

    await _preload(db, api, public_id)
    after = await _get(api, public_id, etag=empty.headers["ETag"])

    assert empty.json()["data"] == []
    assert after.status_code == 200
    assert [record["user"]["email"] for record in after.json()["data"]] == ["p@x.org"]


async def test_get_attendance_without_a_version_is_built_every_time_without_an_etag(
    db: Database, api: Api
) -> None:
    public_id = await _session_with_records(db, api)
    await _get(api, public_id)
    async with db.unit_of_work() as u:
        await u.session.execute(text("DELETE FROM attendance_versions"))
        await u.session.execute(text("UPDATE attendees SET first_name = 'Renamed'"))
        await u.session.execute(text("DELETE FROM attendance_versions"))

    response = await _get(api, public_id)

    assert "ETag" not in response.headers
    assert response.json() == await _fresh(db, api, public_id)
    assert {record["user"]["first_name"] for record in response.json()["data"]} == {"Renamed"}


# --- what a kept list costs ----------------------------------------------------------------


@pytest.mark.parametrize("conditional", [False, True], ids=["GET", "If-None-Match"])
async def test_get_attendance_kept_runs_as_many_queries_for_50_records_as_for_1(
    db: Database, api: Api, count_queries: Any, conditional: bool
) -> None:
    counts = []
    for size in (1, 50):
        async with db.unit_of_work() as u:
            session = await make_session(u, api.event, name=f"{size}", fields_of_study=FIELDS)
            for n in range(size):
                attendee = await make_attendee(u, api.event, email=f"p{size}-{n}@x.org")
                await perform_checkin(
                    u, session=session, attendee=attendee, source=AttendanceSource.WEB, at=T0
                )
        with count_queries() as built:
            first = await _get(api, session.public_id)
        with count_queries() as kept:
            again = await _get(
                api, session.public_id, first.headers["ETag"] if conditional else None
            )
        assert again.status_code == (304 if conditional else 200)
        assert len(first.json()["data"]) == size
        assert kept.count < built.count
        counts.append(kept.count)

    assert counts == [CACHED_QUERIES, CACHED_QUERIES]
