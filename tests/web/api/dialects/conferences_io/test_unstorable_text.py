"""Text no database can store (a lone surrogate, NUL) is refused with 400 at the edge, in every
JSON write and in paths and queries, naming the field; nothing is written and every read of
the event keeps working (the fuzzer found a surrogate stored with 200, then every GET /sessions
answering 500)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Api

SURROGATE = "\\ud800"  # as JSON writes it: the body is sent as raw bytes
NUL = "\\u0000"


def _message(field: str, reason: str) -> str:
    return f"{field}: contains a character that cannot be stored ({reason}); remove it."


async def _send(api: Api, method: str, path: str, body: str) -> Any:
    response = await api.client.request(
        method,
        f"/api/v2{path}",
        content=body.encode(),
        headers={**api.headers, "Content-Type": "application/json"},
    )
    return response.status_code, response.json()


async def _session(api: Api) -> str:
    response = await api.post("/sessions", json={"name": "Keynote", "learning_objectives": ["a"]})
    session_id: str = response.json()["data"]["id"]
    return session_id


async def test_a_lone_surrogate_in_learning_objectives_is_refused_and_the_schedule_still_reads(
    api: Api,
) -> None:
    answer = await _send(
        api, "POST", "/sessions", f'{{"name": "Keynote", "learning_objectives": ["{SURROGATE}"]}}'
    )
    schedule = await api.get("/sessions")

    assert answer == (
        400,
        {
            "status": "error",
            "code": "400",
            "message": _message("learning_objectives[0]", "a lone surrogate"),
        },
    )
    assert (schedule.status_code, schedule.json()["data"]["count"]) == (200, 0)


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("PUT", "/app", f'{{"name": "A{NUL}"}}', "name"),
        ("PUT", "/app", f'{{"custom_attendee_field_2": "{SURROGATE}"}}', "custom_attendee_field_2"),
        ("POST", "/sessions", f'{{"name": "S", "description": "x{NUL}y"}}', "description"),
        (
            "POST",
            "/sessions",
            f'{{"name": "S", "presenters": [{{"name": "P{SURROGATE}"}}]}}',
            "presenters[0].name",
        ),
        (
            "PUT",
            "/sessions/{id}",
            f'{{"fields_of_study": [{{"name": "Ethics{NUL}", "credits": 1}}]}}',
            "fields_of_study[0].name",
        ),
        (
            "PUT",
            "/sessions/{id}",
            f'{{"learning_objectives": ["{SURROGATE}"]}}',
            "learning_objectives[0]",
        ),
        (
            "POST",
            "/sessions/{id}/attendance/remove",
            f'{{"preview": true, "email": "a{NUL}@x.org"}}',
            "email",
        ),
        (
            "POST",
            "/sessions/{id}/attendance/preload",
            f'[{{"email": "a@x.org"}}, {{"email": "b@x.org", "field_3": "{SURROGATE}"}}]',
            "[1].field_3",
        ),
    ],
)
async def test_every_json_write_refuses_unstorable_text_naming_the_field_and_writes_nothing(
    api: Api, method: str, path: str, body: str, field: str
) -> None:
    session_id = await _session(api)
    before = ((await api.get("/app")).json(), (await api.get("/sessions")).json())
    attendance = (await api.get(f"/sessions/{session_id}/attendance")).json()
    reason = "a NUL character" if NUL in body else "a lone surrogate"

    answer = await _send(api, method, path.format(id=session_id), body)

    assert answer == (400, {"status": "error", "code": "400", "message": _message(field, reason)})
    after = ((await api.get("/app")).json(), (await api.get("/sessions")).json())
    assert after == before
    assert (await api.get(f"/sessions/{session_id}/attendance")).json() == attendance


async def test_a_nul_in_a_path_or_a_query_is_refused_naming_the_parameter(api: Api) -> None:
    in_path = await api.get("/sessions/ab%00cd")
    in_query = await api.get("/sessions?since=%00")

    assert [(r.status_code, r.json()["message"]) for r in (in_path, in_query)] == [
        (400, _message("session_id", "a NUL character")),
        (400, _message("since", "a NUL character")),
    ]


async def test_a_paired_surrogate_escape_is_an_ordinary_character(api: Api) -> None:
    answer = await _send(api, "POST", "/sessions", '{"name": "Keynote \\ud83c\\udfa4"}')

    assert answer[0] == 201
    session = await api.get(f"/sessions/{answer[1]['data']['id']}")
    assert session.json()["data"]["name"] == "Keynote \U0001f3a4"
