"""The fields_of_study array of POST/PUT /sessions: no change when left out, silently empty when
poorly formatted, replacement that keeps the codewords of a field that stays."""

from __future__ import annotations

from typing import Any

import pytest

from podium.kit.db import Database
from podium.program import service
from tests.conftest import Api

ACCOUNTING = [{"name": "Accounting", "credits": "2.5"}]


async def _create(api: Api, fields_of_study: Any = ACCOUNTING) -> str:
    response = await api.post(
        "/sessions", json={"name": "Talk", "fields_of_study": fields_of_study}
    )
    assert response.status_code == 201, response.text
    session_id: str = response.json()["data"]["id"]
    return session_id


async def _fields(api: Api, session_id: str) -> Any:
    response = await api.get(f"/sessions/{session_id}")
    assert response.status_code == 200, response.text
    return response.json()["data"]["fields_of_study"]


async def test_fields_of_study_take_credits_as_strings_or_numbers(api: Api) -> None:
    session_id = await _create(
        api,
        [
            {"name": "Accounting", "credits": "2.5"},
            {"name": "Ethics", "credits": 1},
            {"name": "Tax", "credits": 0.75},
            {"name": "Audit", "credits": "0"},
        ],
    )

    assert await _fields(api, session_id) == [
        {"name": "Accounting", "credits": "2.5"},
        {"name": "Ethics", "credits": "1"},
        {"name": "Tax", "credits": "0.75"},
        {"name": "Audit", "credits": "0"},
    ]


@pytest.mark.parametrize("sent", [{"name": "Renamed"}, {"fields_of_study": None}])
async def test_fields_of_study_not_passed_are_not_changed(api: Api, sent: dict[str, Any]) -> None:
    session_id = await _create(api)

    response = await api.put(f"/sessions/{session_id}", json=sent)

    assert response.status_code == 200
    assert await _fields(api, session_id) == ACCOUNTING


@pytest.mark.parametrize(
    "poorly_formatted",
    [
        "",
        "Accounting",
        {"name": "Accounting", "credits": "2"},
        ["Accounting"],
        [{"name": "Accounting"}],
        [{"credits": "2"}],
        [{"name": "", "credits": "2"}],
        [{"name": 5, "credits": "2"}],
        [{"name": "Accounting", "credits": "two"}],
        [{"name": "Accounting", "credits": "-1"}],
        [{"name": "Accounting", "credits": True}],
        [{"name": "Accounting", "credits": None}],
        [{"name": "Accounting", "credits": ["2"]}],
        [{"name": "Ethics", "credits": "1"}, {"name": "Accounting", "credits": "x"}],
        [{"name": "Ethics", "credits": "1"}, {"name": "ethics", "credits": "2"}],
    ],
)
async def test_fields_of_study_poorly_formatted_silently_become_empty(
    api: Api, poorly_formatted: Any
) -> None:
    created = await api.post(
        "/sessions", json={"name": "Talk", "fields_of_study": poorly_formatted}
    )
    updated = await _create(api)

    response = await api.put(f"/sessions/{updated}", json={"fields_of_study": poorly_formatted})

    assert created.status_code == 201
    assert response.status_code == 200
    assert await _fields(api, created.json()["data"]["id"]) is None
    assert await _fields(api, updated) is None


async def test_fields_of_study_replacement_keeps_codewords_of_a_field_with_the_same_name(
    api: Api, db: Database
) -> None:
    session_id = await _create(
        api, [{"name": "Accounting", "credits": "2"}, {"name": "Ethics", "credits": "1"}]
    )
    async with db.unit_of_work() as uow:
        session = await service.get_session(uow, event=api.event, public_id=session_id)
        for name, words in (("Accounting", ["ledger", "audit"]), ("Ethics", ["candor"])):
            await service.set_codewords(uow, session=session, field_of_study_name=name, words=words)

    replacement = [{"name": "Tax", "credits": "3"}, {"name": "accounting", "credits": "2.5"}]

    response = await api.put(f"/sessions/{session_id}", json={"fields_of_study": replacement})

    assert response.status_code == 200
    assert await _fields(api, session_id) == [
        {"name": "Tax", "credits": "3"},
        {"name": "accounting", "credits": "2.5"},
    ]
    async with db.unit_of_work() as uow:
        session = await service.load_session(
            uow, event=api.event, public_id=session_id, with_codewords=True
        )
        codewords = {
            field.name: [c.word for c in field.codewords] for field in session.fields_of_study
        }
    assert codewords == {"Tax": [], "accounting": ["ledger", "audit"]}
