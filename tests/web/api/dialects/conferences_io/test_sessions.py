from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from podium.kit.db import Database
from podium.program import service
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionDraft
from tests.conftest import Api, make_event_with_key

FULL_BODY = {
    "external_id": "S-1",
    "name": "Example Session",
    "location": "Ballroom A",
    "description": "About the session.",
    "date": "2019-01-24",
    "start_time": "08:30:00",
    "end_time": "09:15:00",
    "access_code": "ACCESS",
    "moderator_password": "mod-secret",
    "presenters": [{"external_id": "PRESENTER-001", "name": "Jordan Example"}],
    "fields_of_study": [{"name": "Accounting", "credits": "2.5"}],
    "learning_objectives": ["Read a balance sheet"],
    "checkin_required": True,
    "checkout_required": True,
    "checkin_code": "IN",
    "checkout_code": "OUT",
    "delivery_format": "hybrid",
}


async def _create(api: Api, **body: Any) -> str:
    response = await api.post("/sessions", json={"name": "Example Session", **body})
    assert response.status_code == 201, response.text
    session_id: str = response.json()["data"]["id"]
    return session_id


async def _get(api: Api, session_id: str) -> dict[str, Any]:
    response = await api.get(f"/sessions/{session_id}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()["data"]
    return data


async def _count(api: Api) -> int:
    count: int = (await api.get("/sessions")).json()["data"]["count"]
    return count


async def test_post_session_answers_201_with_the_object_id_and_url(api: Api) -> None:
    response = await api.post("/sessions", json=FULL_BODY)

    assert response.status_code == 201
    body = response.json()
    session_id = body["data"]["id"]
    assert body == {
        "status": "ok",
        "code": "201",
        "data": {
            "object": "session",
            "id": session_id,
            "url": f"https://podium.test/e/example/s/{session_id}",
        },
    }


async def test_get_session_returns_every_documented_field(api: Api) -> None:
    session_id = await _create(api, **FULL_BODY)

    response = await api.get(f"/sessions/{session_id}")

    assert response.status_code == 200
    body = response.json()
    presenter_id = body["data"]["presenters"][0]["id"]
    assert len(presenter_id) == 24
    assert body == {
        "status": "ok",
        "code": "200",
        "data": {
            "id": session_id,
            "external_id": "S-1",
            "name": "Example Session",
            "location": "Ballroom A",
            "description": "About the session.",
            "date": "2019-01-24",
            "start_time": "08:30:00",
            "end_time": "09:15:00",
            "access_code": "ACCESS",
            "moderator_password": "mod-secret",
            "checkin_code": "IN",
            "checkin_required": True,
            "checkout_code": "OUT",
            "checkout_required": True,
            "delivery_format": "hybrid",
            "url": f"https://podium.test/e/example/s/{session_id}",
            "presenters": [
                {"id": presenter_id, "external_id": "PRESENTER-001", "name": "Jordan Example"}
            ],
            "fields_of_study": [{"name": "Accounting", "credits": "2.5"}],
            "learning_objectives": ["Read a balance sheet"],
        },
    }


async def test_get_session_shows_null_for_what_is_not_set(api: Api) -> None:
    session_id = await _create(api)

    data = await _get(api, session_id)

    assert data == {
        "id": session_id,
        "external_id": None,
        "name": "Example Session",
        "location": None,
        "description": None,
        "date": None,
        "start_time": None,
        "end_time": None,
        "access_code": None,
        "moderator_password": None,
        "checkin_code": None,
        "checkin_required": False,
        "checkout_code": None,
        "checkout_required": False,
        "delivery_format": None,
        "url": f"https://podium.test/e/example/s/{session_id}",
        "presenters": None,
        "fields_of_study": None,
        "learning_objectives": None,
    }


async def test_get_sessions_lists_them_in_schedule_order(api: Api) -> None:
    late = await _create(api, name="Late", date="2026-06-01", start_time="10:00")
    undated = await _create(api, name="Undated")
    early = await _create(api, name="Early", date="2026-06-01", start_time="8am")

    response = await api.get("/sessions")

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["code"], body["data"]["count"]) == ("ok", "200", 3)
    assert [s["id"] for s in body["data"]["data"]] == [early, late, undated]
    assert body["data"]["data"][0] == await _get(api, early)


async def test_get_sessions_is_empty_for_an_event_without_sessions(api: Api) -> None:
    response = await api.get("/sessions")

    assert response.json() == {"status": "ok", "code": "200", "data": {"count": 0, "data": []}}


async def test_get_sessions_lists_only_the_events_own(api: Api, db: Database) -> None:
    other, _key = await make_event_with_key(db, "other")
    async with db.unit_of_work() as uow:
        await service.create_session(uow, event=other, draft=SessionDraft(name="Elsewhere"))
    mine = await _create(api)

    body = (await api.get("/sessions")).json()

    assert [s["id"] for s in body["data"]["data"]] == [mine]


async def test_get_sessions_runs_as_many_queries_for_50_sessions_as_for_1(
    api: Api, db: Database, count_queries: Any
) -> None:
    async def make(count: int, start: int) -> None:
        async with db.unit_of_work() as uow:
            for number in range(start, start + count):
                draft = SessionDraft(
                    name=f"Talk {number}",
                    location=f"Room {number % 4}",
                    presenters=[PresenterRef(name=f"Speaker {number}"), PresenterRef(name="Host")],
                    fields_of_study=[
                        FieldOfStudyDraft(name="Ethics", credits=Decimal(1)),
                        FieldOfStudyDraft(name=f"Topic {number}", credits=Decimal(2)),
                    ],
                )
                await service.create_session(uow, event=api.event, draft=draft)

    await make(1, 0)
    with count_queries() as one:
        first = await api.get("/sessions")
    await make(49, 1)
    with count_queries() as fifty:
        second = await api.get("/sessions")

    assert first.json()["data"]["count"] == 1
    assert second.json()["data"]["count"] == 50
    assert [len(s["presenters"]) for s in second.json()["data"]["data"]] == [2] * 50
    assert fifty.count == one.count


async def test_put_session_answers_data_null_and_changes_what_is_sent(api: Api) -> None:
    session_id = await _create(api, **FULL_BODY)

    response = await api.put(
        f"/sessions/{session_id}", json={"name": "Renamed", "location": "Superior Room"}
    )

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "code": "200", "data": None}
    data = await _get(api, session_id)
    assert (data["name"], data["location"], data["external_id"]) == (
        "Renamed",
        "Superior Room",
        "S-1",
    )


async def test_put_session_ignores_null_and_unsets_on_empty_string(api: Api) -> None:
    session_id = await _create(api, **FULL_BODY)
    before = await _get(api, session_id)
    nulls = {field: None for field in FULL_BODY}
    unset = {field: "" for field in FULL_BODY if field != "name"}

    ignored = await api.put(f"/sessions/{session_id}", json=nulls)
    after_nulls = await _get(api, session_id)
    unsetting = await api.put(f"/sessions/{session_id}", json=unset)

    assert (ignored.status_code, unsetting.status_code) == (200, 200)
    assert after_nulls == before
    assert await _get(api, session_id) == {
        **{field: None for field in before},
        "id": session_id,
        "name": "Example Session",
        "url": before["url"],
        "checkin_required": False,
        "checkout_required": False,
    }


async def test_put_session_refuses_to_unset_the_name(api: Api) -> None:
    session_id = await _create(api)

    response = await api.put(f"/sessions/{session_id}", json={"name": ""})

    assert response.status_code == 400
    assert response.json()["message"].startswith("name:")


@pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": None}, {"location": "Hall"}])
async def test_post_session_needs_a_name(api: Api, body: dict[str, Any]) -> None:
    response = await api.post("/sessions", json=body)

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "code": "400",
        "message": "name: a session needs a name",
    }
    assert await _count(api) == 0


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2019-01-24", "2019-01-24"),
        ("January 23, 2023", "2023-01-23"),
        ("Jan 5, 2024", "2024-01-05"),
    ],
)
async def test_session_date_accepts_iso_and_written_dates(api: Api, text: str, day: str) -> None:
    created = await _create(api, date=text)
    updated = await _create(api)

    await api.put(f"/sessions/{updated}", json={"date": text})

    assert (await _get(api, created))["date"] == day
    assert (await _get(api, updated))["date"] == day


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("20:00", "20:00:00"),
        ("08:30:00", "08:30:00"),
        ("8pm", "20:00:00"),
        ("8:00PM", "20:00:00"),
        ("8:15 am", "08:15:00"),
    ],
)
async def test_session_times_accept_24_hour_and_12_hour_forms(
    api: Api, text: str, clock: str
) -> None:
    created = await _create(api, start_time=text, end_time=text)
    updated = await _create(api)

    await api.put(f"/sessions/{updated}", json={"start_time": text})

    assert (await _get(api, created))["start_time"] == clock
    assert (await _get(api, created))["end_time"] == clock
    assert (await _get(api, updated))["start_time"] == clock


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "someday"}, "date"),
        ({"date": "2019-02-30"}, "date"),
        ({"start_time": "25:00"}, "start_time"),
        ({"end_time": "half past eight"}, "end_time"),
        ({"start_time": "10:00", "end_time": "9am"}, "end_time"),
        ({"delivery_format": "carrier pigeon"}, "delivery_format"),
        ({"name": ["not", "a", "string"]}, "name"),
        ({"date": 20190124}, "date"),
        ({"location": {"name": "Hall"}}, "location"),
        ({"checkin_required": "maybe"}, "checkin_required"),
        ({"checkout_required": [True]}, "checkout_required"),
        ({"presenters": "Jordan Example"}, "presenters"),
        ({"presenters": ["Jordan Example"]}, "presenters[0]"),
        ({"presenters": [{"name": 5}]}, "presenters[0].name"),
        ({"presenters": [{"name": "Ann"}, {}]}, "presenters[1]"),
        ({"presenters": [{"id": "nosuchpresenter"}]}, "presenters[0].id"),
        ({"learning_objectives": "Read"}, "learning_objectives"),
        ({"learning_objectives": [1]}, "learning_objectives[0]"),
        ({"external_id": 1.5}, "external_id"),
    ],
)
async def test_post_session_refuses_bad_input_naming_the_field_and_writes_nothing(
    api: Api, body: dict[str, Any], field: str
) -> None:
    response = await api.post("/sessions", json={**FULL_BODY, **body})

    assert response.status_code == 400
    error = response.json()
    assert (error["status"], error["code"]) == ("error", "400")
    assert error["message"].startswith(f"{field}:")
    assert await _count(api) == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "someday"}, "date"),
        ({"start_time": "noonish"}, "start_time"),
        ({"end_time": "8am"}, "end_time"),
        ({"delivery_format": "remote"}, "delivery_format"),
        ({"checkin_required": {"yes": True}}, "checkin_required"),
        ({"presenters": [{"name": "New Person"}, {"id": "nosuchpresenter"}]}, "presenters[1].id"),
    ],
)
async def test_put_session_refuses_bad_input_naming_the_field_and_changes_nothing(
    api: Api, body: dict[str, Any], field: str
) -> None:
    session_id = await _create(api, **FULL_BODY)
    before = await _get(api, session_id)

    response = await api.put(
        f"/sessions/{session_id}",
        json={"name": "Renamed", "location": "Elsewhere", "fields_of_study": [], **body},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith(f"{field}:")
    assert await _get(api, session_id) == before


async def test_put_session_refuses_malformed_json(api: Api) -> None:
    session_id = await _create(api)

    response = await api.client.put(
        f"/api/v2/sessions/{session_id}",
        content=b'{"name": ',
        headers={**api.headers, "Content-Type": "application/json"},
    )

    assert response.status_code == 400
    assert response.json()["message"].startswith("The request body is not valid JSON")


async def test_session_delivery_format_is_read_case_insensitively(api: Api) -> None:
    session_id = await _create(api, delivery_format=" In-Person ")

    assert (await _get(api, session_id))["delivery_format"] == "in-person"


@pytest.mark.parametrize(
    ("sent", "stored"), [(True, True), ("true", True), (0, False), ("", False)]
)
async def test_session_flags_accept_booleans_and_their_spellings(
    api: Api, sent: Any, stored: bool
) -> None:
    session_id = await _create(api, checkin_required=sent, checkout_required=sent)

    data = await _get(api, session_id)

    assert (data["checkin_required"], data["checkout_required"]) == (stored, stored)


async def test_session_ids_and_codes_sent_as_numbers_are_kept_as_text(api: Api) -> None:
    session_id = await _create(api, external_id=1234, checkin_code=42, checkout_code=7)

    data = await _get(api, session_id)

    assert (data["external_id"], data["checkin_code"], data["checkout_code"]) == (
        "1234",
        "42",
        "7",
    )


async def test_session_ignores_read_only_and_unknown_fields(api: Api) -> None:
    session_id = await _create(api, id="mine", url="https://x.test", colour="blue")

    data = await _get(api, session_id)

    assert data["id"] == session_id
    assert data["url"] == f"https://podium.test/e/example/s/{session_id}"


async def test_learning_objectives_are_trimmed_and_blank_ones_dropped(api: Api) -> None:
    session_id = await _create(api, learning_objectives=[" One ", "", "Two"])
    kept = (await _get(api, session_id))["learning_objectives"]

    await api.put(f"/sessions/{session_id}", json={"learning_objectives": []})

    assert kept == ["One", "Two"]
    assert (await _get(api, session_id))["learning_objectives"] is None


async def test_delete_session_answers_204_with_no_body(api: Api) -> None:
    session_id = await _create(api, **FULL_BODY)

    response = await api.delete(f"/sessions/{session_id}")

    assert response.status_code == 204
    assert response.content == b""
    assert (await api.get(f"/sessions/{session_id}")).status_code == 404
    assert await _count(api) == 0


@pytest.mark.parametrize("method", ["get", "put", "delete"])
async def test_another_events_session_is_not_found_like_a_missing_one(
    api: Api, db: Database, method: str
) -> None:
    other, _key = await make_event_with_key(db, "other")
    async with db.unit_of_work() as uow:
        elsewhere = await service.create_session(
            uow, event=other, draft=SessionDraft(name="Elsewhere")
        )
    kwargs: dict[str, Any] = {"json": {"name": "Taken"}} if method == "put" else {}

    response = await getattr(api, method)(f"/sessions/{elsewhere.public_id}", **kwargs)
    missing = await getattr(api, method)("/sessions/zzzzzz", **kwargs)

    assert response.status_code == 404
    assert response.json() == {
        "status": "error",
        "code": "404",
        "message": f'There is no session with the id "{elsewhere.public_id}" in this app.',
    }
    assert missing.json()["message"] == 'There is no session with the id "zzzzzz" in this app.'
    async with db.unit_of_work() as uow:
        still = await service.load_session(uow, event=other, public_id=elsewhere.public_id)
        assert still.name == "Elsewhere"


async def test_sessions_need_an_api_key(api: Api) -> None:
    response = await api.client.get("/api/v2/sessions")

    assert response.status_code == 401
    assert response.json()["status"] == "error"


async def test_post_session_dated_9999_12_31_in_chicago_is_refused_and_stores_nothing(
    api: Api,
) -> None:
    response = await api.post("/sessions", json={**FULL_BODY, "date": "9999-12-31"})

    assert response.status_code == 400
    assert response.json() == {
        "status": "error",
        "code": "400",
        "message": 'date: "9999-12-31" is not a date between the years 1900 and 2200',
    }
    assert await _count(api) == 0


async def test_put_session_with_a_date_before_1900_is_refused_and_changes_nothing(
    api: Api,
) -> None:
    session_id = await _create(api, date="2026-06-01")

    response = await api.put(f"/sessions/{session_id}", json={"date": "December 31, 1899"})

    assert (response.status_code, response.json()["message"]) == (
        400,
        'date: "December 31, 1899" is not a date between the years 1900 and 2200',
    )
    assert (await _get(api, session_id))["date"] == "2026-06-01"
