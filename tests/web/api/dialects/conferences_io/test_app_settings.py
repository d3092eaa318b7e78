from __future__ import annotations

from tests.conftest import Api


async def test_get_app_returns_every_documented_field(api: Api) -> None:
    response = await api.get("/app")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "code": "200",
        "data": {
            "app_password": None,
            "custom_attendee_field_1": None,
            "custom_attendee_field_2": None,
            "custom_attendee_field_3": None,
            "custom_attendee_field_4": None,
            "custom_attendee_field_5": None,
            "end_date": None,
            "moderator_password": None,
            "name": "Example Event",
            "start_date": None,
            "timezone": "America/Chicago",
            "url": "https://podium.test/e/example",
        },
    }


async def test_put_app_changes_sent_fields_and_answers_data_null(api: Api) -> None:
    response = await api.put(
        "/app",
        json={
            "name": "Example 2026",
            "start_date": "2026-01-24",
            "end_date": "January 29, 2026",
            "custom_attendee_field_1": "Registration ID",
            "moderator_password": "mod-secret",
        },
    )

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "code": "200", "data": None}
    data = (await api.get("/app")).json()["data"]
    assert (data["name"], data["start_date"], data["end_date"]) == (
        "Example 2026",
        "2026-01-24",
        "2026-01-29",
    )
    assert data["custom_attendee_field_1"] == "Registration ID"
    assert data["moderator_password"] == "mod-secret"


async def test_put_app_ignores_null_and_unsets_on_empty_string(api: Api) -> None:
    await api.put("/app", json={"app_password": "join-me", "custom_attendee_field_2": "Region"})

    await api.put("/app", json={"app_password": None, "custom_attendee_field_2": "", "name": None})

    data = (await api.get("/app")).json()["data"]
    assert data["app_password"] == "join-me"
    assert data["custom_attendee_field_2"] is None
    assert data["name"] == "Example Event"


async def test_put_app_timezone_minus_one_means_no_timezone(api: Api) -> None:
    response = await api.put("/app", json={"timezone": -1})

    assert response.status_code == 200
    assert (await api.get("/app")).json()["data"]["timezone"] is None


async def test_put_app_rejects_an_unknown_timezone_and_changes_nothing(api: Api) -> None:
    response = await api.put("/app", json={"name": "Renamed", "timezone": "Mars/Olympus_Mons"})

    assert response.status_code == 400
    body = response.json()
    assert body["status"] == "error" and body["code"] == "400"
    assert body["message"].startswith("timezone:")
    assert (await api.get("/app")).json()["data"]["name"] == "Example Event"


async def test_put_app_rejects_an_unparseable_date_naming_the_field(api: Api) -> None:
    response = await api.put("/app", json={"start_date": "someday"})

    assert response.status_code == 400
    assert response.json()["message"].startswith("start_date:")


async def test_put_app_rejects_an_end_before_the_start(api: Api) -> None:
    response = await api.put("/app", json={"start_date": "2026-02-02", "end_date": "2026-02-01"})

    assert response.status_code == 400
    assert response.json()["message"].startswith("end_date:")


async def test_put_app_rejects_a_wrong_type_naming_the_field(api: Api) -> None:
    response = await api.put("/app", json={"name": ["not", "a", "string"]})

    assert response.status_code == 400
    assert response.json()["message"].startswith("name:")


async def test_put_app_rejects_unsetting_the_name(api: Api) -> None:
    response = await api.put("/app", json={"name": ""})

    assert response.status_code == 400
    assert response.json()["message"].startswith("name:")


async def test_put_app_refuses_a_date_outside_1900_to_2200_and_changes_nothing(api: Api) -> None:
    response = await api.put("/app", json={"name": "Renamed", "start_date": "9999-12-31"})

    assert (response.status_code, response.json()["message"]) == (
        400,
        'start_date: "9999-12-31" is not a date between the years 1900 and 2200',
    )
    data = (await api.get("/app")).json()["data"]
    assert (data["name"], data["start_date"]) == ("Example Event", None)
