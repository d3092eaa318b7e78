from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from decimal import Decimal
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
from podium.enums import AttendanceSource, DeliveryFormat
from podium.kit.db import Database
from podium.models import Event
from podium.program.service import get_session
from tests.conftest import Api, make_event_with_key
from tests.factories import make_attendee, make_session

T0 = datetime(2026, 6, 1, 16, 47, 2, tzinfo=UTC)  # 11:47:02 in Chicago (CDT, -05:00)
FIELDS = {"Accounting": ("2", ["code1", "code2", "code3", "code4"]), "Taxes": ("1.5", ["code5"])}
PRELOADED_USER = {
    "first_name": "",
    "last_name": "",
    "email": None,
    "external_id": None,
    "field_1": None,
    "field_2": None,
    "field_3": None,
    "field_4": None,
    "field_5": None,
}


async def _session(db: Database, event: Event, **attributes: Any) -> str:
    async with db.unit_of_work() as u:
        session = await make_session(u, event, fields_of_study=FIELDS, **attributes)
    return session.public_id


async def _checked_in(
    db: Database, event: Event, public_id: str, *people: tuple[str, str | None]
) -> None:
    """Check in attendees given as (email, external_id), one minute apart."""
    async with db.unit_of_work() as u:
        session = await get_session(u, event=event, public_id=public_id)
        for minute, (email, external_id) in enumerate(people):
            attendee = await make_attendee(u, event, email=email, external_id=external_id)
            await perform_checkin(
                u,
                session=session,
                attendee=attendee,
                source=AttendanceSource.WEB,
                at=T0 + timedelta(minutes=minute),
            )


async def _preloaded(db: Database, event: Event, public_id: str, *emails: str) -> None:
    async with db.unit_of_work() as u:
        session = await get_session(u, event=event, public_id=public_id)
        await preload_attendees(
            u, session=session, attendees=[PreloadAttendee(email=e) for e in emails]
        )


async def _emails(api: Api, public_id: str) -> list[str | None]:
    response = await api.get(f"/sessions/{public_id}/attendance")
    assert response.status_code == 200
    return [record["user"]["email"] for record in response.json()["data"]]


# GET /sessions/{id}/attendance


async def test_get_attendance_returns_every_documented_field(db: Database, api: Api) -> None:
    async with db.unit_of_work() as u:
        session = await make_session(
            u, api.event, start_time=time(11, 45), end_time=time(13, 15), fields_of_study=FIELDS
        )
        attendee = await make_attendee(
            u, api.event, external_id="ATTENDEE-001", field_1="North Region"
        )
        checkin = await perform_checkin(
            u,
            session=session,
            attendee=attendee,
            source=AttendanceSource.KIOSK,
            delivery_format=DeliveryFormat.IN_PERSON,
            at=T0,
        )
        for word in ("CODE2", "wrong", "code4"):
            await submit_codeword(
                u,
                session=session,
                attendee=attendee,
                field_of_study_name="Accounting",
                word=word,
                at=T0 + timedelta(minutes=5),
            )
        await perform_checkout(
            u,
            session=session,
            attendee=attendee,
            source=AttendanceSource.WEB,
            at=T0 + timedelta(minutes=30),
        )
        await perform_checkin(
            u,
            session=session,
            attendee=attendee,
            source=AttendanceSource.WEB,
            at=T0 + timedelta(minutes=40),
        )
        await perform_checkout(
            u,
            session=session,
            attendee=attendee,
            source=AttendanceSource.API,
            at=T0 + timedelta(minutes=85),
        )
        await adjust_credits(
            u, checkin=checkin, field_of_study_name="Taxes", credits=Decimal("0.5")
        )
        await set_attendee_note(u, checkin=checkin, note="Great session")
        await set_admin_note(u, checkin=checkin, note="Verified")
        checkin.evaluation_completed_at = T0 + timedelta(hours=2)

    response = await api.get(f"/sessions/{session.public_id}/attendance")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "code": "200",
        "data": [
            {
                "user": {
                    "first_name": "Alex",
                    "last_name": "Example",
                    "email": "attendee@example.com",
                    "external_id": "ATTENDEE-001",
                    "field_1": "North Region",
                    "field_2": None,
                    "field_3": None,
                    "field_4": None,
                    "field_5": None,
                },
                "checkin_time": "2026-06-01T11:47:02-05:00",
                "checkout_time": "2026-06-01T13:12:02-05:00",
                "checkin_time_actual": "2026-06-01T11:47:02-05:00",
                "checkout_time_actual": "2026-06-01T13:12:02-05:00",
                "delivery_format": "in-person",
                "admin_note": "Verified",
                "attendee_note": "Great session",
                "checkin_source": "kiosk",
                "checkout_source": "api",
                "evaluation_complete": "1",
                "total_time_attended": "01:15:00",
                "fields_of_study": [
                    {
                        "name": "Accounting",
                        "credits": 2,
                        "codewords": {
                            "possible": 4,
                            "valid": 2,
                            "missed": 2,
                            "valid_list": ["code2", "code4"],
                            "missed_list": ["code1", "code3"],
                        },
                    },
                    {
                        "name": "Taxes",
                        "credits": 0.5,
                        "codewords": {
                            "possible": 1,
                            "valid": 0,
                            "missed": 1,
                            "valid_list": [],
                            "missed_list": ["code5"],
                        },
                    },
                ],
                "history": [
                    {"action": "checkin", "timestamp": "2026-06-01T11:47:02-05:00"},
                    {"action": "checkout", "timestamp": "2026-06-01T12:17:02-05:00"},
                    {"action": "checkin", "timestamp": "2026-06-01T12:27:02-05:00"},
                    {"action": "checkout", "timestamp": "2026-06-01T13:12:02-05:00"},
                ],
            }
        ],
    }


async def test_get_attendance_of_a_preloaded_attendee_has_nulls_and_no_credits(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)
    async with db.unit_of_work() as u:
        session = await get_session(u, event=api.event, public_id=public_id)
        await preload_attendees(u, session=session, attendees=[PreloadAttendee(external_id="P-1")])

    (record,) = (await api.get(f"/sessions/{public_id}/attendance")).json()["data"]

    assert record["user"] == PRELOADED_USER | {"external_id": "P-1"}
    assert [record[k] for k in ("checkin_time", "checkout_time", "total_time_attended")] == [
        None,
        None,
        None,
    ]
    assert (record["evaluation_complete"], record["history"]) == ("0", [])
    assert [(f["name"], f["credits"]) for f in record["fields_of_study"]] == [
        ("Accounting", 0),
        ("Taxes", 0),
    ]


async def test_get_attendance_checked_in_without_a_checkout_has_no_total_time(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", None))

    (record,) = (await api.get(f"/sessions/{public_id}/attendance")).json()["data"]

    assert (record["total_time_attended"], record["checkout_time"]) == (None, None)
    assert record["history"] == [{"action": "checkin", "timestamp": "2026-06-01T11:47:02-05:00"}]


async def test_get_attendance_of_an_empty_session_is_an_empty_list(api: Api, db: Database) -> None:
    public_id = await _session(db, api.event)

    response = await api.get(f"/sessions/{public_id}/attendance")

    assert response.json() == {"status": "ok", "code": "200", "data": []}


async def test_get_attendance_of_another_events_session_is_not_found(
    db: Database, api: Api
) -> None:
    other_event, _ = await make_event_with_key(db, "other")
    public_id = await _session(db, other_event)
    await _checked_in(db, other_event, public_id, ("a@x.org", None))

    response = await api.get(f"/sessions/{public_id}/attendance")

    assert response.status_code == 404
    assert response.json()["status"] == "error"
    assert response.json()["code"] == "404"


async def test_get_attendance_of_an_unknown_session_is_not_found(api: Api) -> None:
    response = await api.get("/sessions/nosuch/attendance")

    assert response.status_code == 404


async def test_get_attendance_runs_as_many_queries_for_50_records_as_for_1(
    db: Database, api: Api, count_queries: Any
) -> None:
    counts = []
    for size in (1, 50):
        public_id = await _session(
            db, api.event, name=f"Session of {size}", start_time=time(11), end_time=time(13)
        )
        async with db.unit_of_work() as u:
            session = await get_session(u, event=api.event, public_id=public_id)
            for n in range(size):
                attendee = await make_attendee(u, api.event, email=f"p{size}-{n}@x.org")
                checkin = await perform_checkin(
                    u, session=session, attendee=attendee, source=AttendanceSource.WEB, at=T0
                )
                await submit_codeword(
                    u,
                    session=session,
                    attendee=attendee,
                    field_of_study_name="Taxes",
                    word="code5",
                    at=T0,
                )
                await adjust_credits(
                    u, checkin=checkin, field_of_study_name="Accounting", credits=Decimal(1)
                )
                await perform_checkout(
                    u,
                    session=session,
                    attendee=attendee,
                    source=AttendanceSource.WEB,
                    at=T0 + timedelta(hours=1),
                )
        with count_queries() as counter:
            response = await api.get(f"/sessions/{public_id}/attendance")
        assert len(response.json()["data"]) == size
        counts.append(counter.count)

    assert counts[0] == counts[1]


# DELETE /sessions/{id}/attendance


async def test_delete_attendance_removes_every_record_and_returns_the_count(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", None), ("b@x.org", None))
    await _preloaded(db, api.event, public_id, "c@x.org")

    response = await api.delete(f"/sessions/{public_id}/attendance")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "code": "200", "data": {"count": 3}}
    assert await _emails(api, public_id) == []


async def test_delete_attendance_of_an_empty_session_returns_zero(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.delete(f"/sessions/{public_id}/attendance")

    assert response.json()["data"] == {"count": 0}


async def test_delete_attendance_of_another_events_session_is_not_found_and_removes_nothing(
    db: Database, api: Api
) -> None:
    other_event, other_key = await make_event_with_key(db, "other")
    public_id = await _session(db, other_event)
    await _checked_in(db, other_event, public_id, ("a@x.org", None))

    response = await api.delete(f"/sessions/{public_id}/attendance")

    assert response.status_code == 404
    other_api = Api(client=api.client, event=other_event, key=other_key)
    assert await _emails(other_api, public_id) == ["a@x.org"]


# POST /sessions/{id}/attendance/remove


async def test_remove_by_email_is_exact_and_case_insensitive_and_returns_the_records(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(
        db, api.event, public_id, ("attendee@example.com", "A-1"), ("attendee@example.co", None)
    )

    response = await api.post(
        f"/sessions/{public_id}/attendance/remove", json={"email": "ATTENDEE@Example.com"}
    )

    assert response.status_code == 200
    data = response.json()["data"]
    assert (data["preview"], data["found"]) == (False, 1)
    assert data["filters"] == {"all": False, "email": "ATTENDEE@Example.com", "external_id": None}
    assert [c["user"]["external_id"] for c in data["checkins"]] == ["A-1"]
    assert data["checkins"][0]["history"] == [
        {"action": "checkin", "timestamp": "2026-06-01T11:47:02-05:00"}
    ]
    assert await _emails(api, public_id) == ["attendee@example.co"]


async def test_remove_by_external_id_is_case_insensitive(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", "ABC-1"), ("b@x.org", "ABC-12"))

    response = await api.post(
        f"/sessions/{public_id}/attendance/remove", json={"external_id": "abc-1", "email": None}
    )

    assert response.json()["data"]["found"] == 1
    assert await _emails(api, public_id) == ["b@x.org"]


async def test_remove_with_a_shared_email_removes_both_records(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(
        db,
        api.event,
        public_id,
        ("shared@x.org", "S-1"),
        ("Shared@X.org", "S-2"),
        ("o@x.org", None),
    )

    response = await api.post(
        f"/sessions/{public_id}/attendance/remove", json={"email": "shared@x.org"}
    )

    data = response.json()["data"]
    assert data["found"] == 2
    assert [c["user"]["external_id"] for c in data["checkins"]] == ["S-1", "S-2"]
    assert await _emails(api, public_id) == ["o@x.org"]


async def test_remove_all_removes_every_record(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", None))
    await _preloaded(db, api.event, public_id, "b@x.org")

    response = await api.post(f"/sessions/{public_id}/attendance/remove", json={"all": True})

    data = response.json()["data"]
    assert (data["found"], data["filters"]) == (
        2,
        {"all": True, "email": None, "external_id": None},
    )
    assert await _emails(api, public_id) == []


async def test_remove_preview_removes_nothing_and_reports_what_it_would(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", None), ("b@x.org", None))

    response = await api.post(
        f"/sessions/{public_id}/attendance/remove", json={"all": True, "preview": True}
    )

    data = response.json()["data"]
    assert (data["preview"], data["found"]) == (True, 2)
    assert [c["user"]["email"] for c in data["checkins"]] == ["a@x.org", "b@x.org"]
    assert await _emails(api, public_id) == ["a@x.org", "b@x.org"]


async def test_remove_with_combined_filters_is_too_many_and_removes_nothing(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", "A-1"))

    for body, passed in (
        ({"all": True, "email": "a@x.org"}, "all and email"),
        ({"all": True, "external_id": "A-1"}, "all and external_id"),
        ({"email": "a@x.org", "external_id": "A-1"}, "email and external_id"),
    ):
        response = await api.post(f"/sessions/{public_id}/attendance/remove", json=body)

        assert response.status_code == 400
        assert response.json()["status"] == "error"
        assert response.json()["code"] == "400"
        assert response.json()["message"].startswith("Too many possible filters")
        # the vendor's exact words; Podium's explanation beside them
        assert response.json() == {
            "status": "error",
            "code": "400",
            "message": "Too many possible filters",
            "detail": "Pass only one of all, email and external_id "
            f"(this request passed {passed}).",
        }
    assert await _emails(api, public_id) == ["a@x.org"]


async def test_remove_without_a_usable_filter_is_refused(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", None))
    path = f"/sessions/{public_id}/attendance/remove"

    responses = [
        await api.post(path, json={}),
        await api.post(path, json={"all": False, "email": None, "external_id": None}),
        await api.post(path, json={"email": "", "preview": True}),
        await api.post(path),
    ]

    assert [r.status_code for r in responses] == [400, 400, 400, 400]
    assert [r.json()["message"].startswith("No valid filters were passed") for r in responses] == [
        True
    ] * 4
    assert [r.json() for r in responses] == [
        {
            "status": "error",
            "code": "400",
            "message": "No valid filters were passed",
            "detail": 'Pass "all": true, an email or an external_id.',
        }
    ] * 4
    assert await _emails(api, public_id) == ["a@x.org"]


async def test_remove_with_a_wrong_type_names_the_field(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    path = f"/sessions/{public_id}/attendance/remove"

    wrong_all = await api.post(path, json={"all": "perhaps"})
    wrong_email = await api.post(path, json={"email": 42})
    not_an_object = await api.post(path, json=["all"])

    assert (wrong_all.status_code, wrong_email.status_code, not_an_object.status_code) == (
        400,
        400,
        400,
    )
    assert wrong_all.json()["message"].startswith("all:")
    assert wrong_email.json()["message"].startswith("email:")


async def test_remove_with_malformed_json_is_a_client_error(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.client.post(
        f"/api/v2/sessions/{public_id}/attendance/remove",
        content=b'{"all": tru',
        headers={**api.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert "not valid JSON" in response.json()["message"]


async def test_remove_on_another_events_session_is_not_found(db: Database, api: Api) -> None:
    other_event, _ = await make_event_with_key(db, "other")
    public_id = await _session(db, other_event)

    response = await api.post(f"/sessions/{public_id}/attendance/remove", json={"all": True})

    assert response.status_code == 404


# POST /sessions/{id}/attendance/preload


async def test_preload_creates_records_and_returns_the_count(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.post(
        f"/sessions/{public_id}/attendance/preload",
        json=[
            {
                "external_id": "ATTENDEE-001",
                "first_name": "Alex",
                "last_name": "Example",
                "email": "attendee@example.com",
                "field_1": "North Region",
                "field_2": "b",
                "field_3": "c",
                "field_4": "d",
                "field_5": "e",
            },
            {"email": "second@example.com", "first_name": "Sam"},
        ],
    )

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "code": "200", "data": {"count": 2}}
    records = (await api.get(f"/sessions/{public_id}/attendance")).json()["data"]
    # neither has checked in: by last name, and Sam has none
    assert [r["user"] for r in records] == [
        PRELOADED_USER | {"first_name": "Sam", "email": "second@example.com"},
        {
            "first_name": "Alex",
            "last_name": "Example",
            "email": "attendee@example.com",
            "external_id": "ATTENDEE-001",
            "field_1": "North Region",
            "field_2": "b",
            "field_3": "c",
            "field_4": "d",
            "field_5": "e",
        },
    ]
    assert [(r["checkin_time"], r["history"]) for r in records] == [(None, []), (None, [])]


async def test_preload_never_removes_existing_records(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    await _checked_in(db, api.event, public_id, ("a@x.org", None))
    await _preloaded(db, api.event, public_id, "b@x.org")

    response = await api.post(
        f"/sessions/{public_id}/attendance/preload",
        json=[{"email": "A@x.org"}, {"email": "c@x.org"}, {"email": "c@X.org"}],
    )

    assert response.json()["data"] == {"count": 2}
    records = (await api.get(f"/sessions/{public_id}/attendance")).json()["data"]
    assert [(r["user"]["email"], r["checkin_time"]) for r in records] == [
        ("a@x.org", "2026-06-01T11:47:02-05:00"),
        ("b@x.org", None),
        ("c@x.org", None),
    ]


async def test_preload_takes_a_numeric_external_id_as_text(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.post(
        f"/sessions/{public_id}/attendance/preload", json=[{"external_id": 1001}]
    )

    assert response.json()["data"] == {"count": 1}
    (record,) = (await api.get(f"/sessions/{public_id}/attendance")).json()["data"]
    assert record["user"]["external_id"] == "1001"


async def test_preload_an_entry_without_email_or_external_id_is_refused_naming_it(
    db: Database, api: Api
) -> None:
    public_id = await _session(db, api.event)

    response = await api.post(
        f"/sessions/{public_id}/attendance/preload",
        json=[{"email": "a@x.org"}, {"first_name": "Nobody", "email": None}],
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("[1].email:")
    assert await _emails(api, public_id) == []


async def test_preload_a_malformed_email_is_refused_naming_it(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.post(
        f"/sessions/{public_id}/attendance/preload", json=[{"email": "not-an-address"}]
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("[0].email:")


async def test_preload_a_wrong_type_names_the_field(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    path = f"/sessions/{public_id}/attendance/preload"

    wrong_email = await api.post(path, json=[{"email": ["a@x.org"]}])
    wrong_field = await api.post(
        path, json=[{"email": "a@x.org"}, {"email": "b@x.org", "field_2": 7}]
    )
    wrong_entry = await api.post(path, json=["a@x.org"])

    assert wrong_email.status_code == 400
    assert wrong_email.json()["message"].startswith("[0].email:")
    assert wrong_field.json()["message"].startswith("[1].field_2:")
    assert wrong_entry.status_code == 400
    assert wrong_entry.json()["message"].startswith("[0]")


async def test_preload_a_body_that_is_not_a_list_is_refused(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)
    path = f"/sessions/{public_id}/attendance/preload"

    an_object = await api.post(path, json={"email": "a@x.org"})
    no_body = await api.post(path)
    malformed = await api.client.post(
        f"/api/v2{path}", content=b"[{", headers={**api.headers, "Content-Type": "application/json"}
    )

    assert [r.status_code for r in (an_object, no_body, malformed)] == [400, 400, 400]
    assert "not valid JSON" in malformed.json()["message"]
    assert await _emails(api, public_id) == []


async def test_preload_an_empty_list_counts_zero(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.post(f"/sessions/{public_id}/attendance/preload", json=[])

    assert response.json()["data"] == {"count": 0}


async def test_preload_on_another_events_session_is_not_found(db: Database, api: Api) -> None:
    other_event, _ = await make_event_with_key(db, "other")
    public_id = await _session(db, other_event)

    response = await api.post(
        f"/sessions/{public_id}/attendance/preload", json=[{"email": "a@x.org"}]
    )

    assert response.status_code == 404


async def test_attendance_endpoints_need_an_api_key(db: Database, api: Api) -> None:
    public_id = await _session(db, api.event)

    response = await api.client.get(f"/api/v2/sessions/{public_id}/attendance")

    assert response.status_code == 401
