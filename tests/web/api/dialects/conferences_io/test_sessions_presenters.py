"""The presenters array of POST/PUT /sessions: the vendor's PresenterRef rules, through HTTP."""

from __future__ import annotations

from typing import Any

from podium.kit.db import Database
from podium.program import service
from podium.program.types import PresenterRef, SessionDraft
from tests.conftest import Api, make_event_with_key


async def _create(api: Api, presenters: Any) -> str:
    response = await api.post("/sessions", json={"name": "Talk", "presenters": presenters})
    assert response.status_code == 201, response.text
    session_id: str = response.json()["data"]["id"]
    return session_id


async def _presenters(api: Api, session_id: str) -> list[dict[str, Any]] | None:
    response = await api.get(f"/sessions/{session_id}")
    assert response.status_code == 200, response.text
    presenters: list[dict[str, Any]] | None = response.json()["data"]["presenters"]
    return presenters


def _names(presenters: list[dict[str, Any]] | None) -> list[tuple[str, str | None]]:
    return [(p["name"], p["external_id"]) for p in presenters or []]


async def test_presenters_without_external_id_are_deduplicated_by_name(api: Api) -> None:
    first = await _presenters(api, await _create(api, [{"name": "Jordan Example"}]))

    second = await _presenters(
        api, await _create(api, [{"name": " jordan example "}, {"name": "JORDAN EXAMPLE"}])
    )

    assert first is not None and second is not None
    assert [p["id"] for p in second] == [first[0]["id"]]
    assert second == [{"id": first[0]["id"], "external_id": None, "name": "Jordan Example"}]


async def test_presenters_with_external_id_are_found_by_it(api: Api) -> None:
    first = await _presenters(
        api, await _create(api, [{"name": "Ann Lee", "external_id": "PRESENTER-001"}])
    )

    second = await _presenters(
        api, await _create(api, [{"name": "Ann", "external_id": "PRESENTER-001"}])
    )

    assert first == second


async def test_presenters_with_an_unknown_external_id_are_created(api: Api) -> None:
    plain = await _presenters(api, await _create(api, [{"name": "Ann Lee"}]))

    with_id = await _presenters(
        api, await _create(api, [{"name": "Ann Lee", "external_id": "PRESENTER-002"}])
    )

    assert plain is not None and with_id is not None
    assert plain[0]["id"] != with_id[0]["id"]
    assert _names(with_id) == [("Ann Lee", "PRESENTER-002")]


async def test_presenters_given_by_id_get_name_and_external_id_updated(api: Api) -> None:
    session_id = await _create(api, [{"name": "Ann", "external_id": "P-1"}])
    presenters = await _presenters(api, session_id)
    assert presenters is not None
    presenter_id = presenters[0]["id"]
    other_session = await _create(api, [{"id": presenter_id}])

    response = await api.put(
        f"/sessions/{session_id}",
        json={"presenters": [{"id": presenter_id, "name": "Dr. Ann Lee", "external_id": "P-7"}]},
    )

    assert response.status_code == 200
    expected = [{"id": presenter_id, "external_id": "P-7", "name": "Dr. Ann Lee"}]
    assert await _presenters(api, session_id) == expected
    assert await _presenters(api, other_session) == expected


async def test_presenters_given_by_id_can_unset_the_external_id(api: Api) -> None:
    session_id = await _create(api, [{"name": "Ann", "external_id": "P-1"}])
    presenters = await _presenters(api, session_id)
    assert presenters is not None
    presenter_id = presenters[0]["id"]

    await api.put(f"/sessions/{session_id}", json={"presenters": [{"id": presenter_id}]})
    kept = await _presenters(api, session_id)
    await api.put(
        f"/sessions/{session_id}", json={"presenters": [{"id": presenter_id, "external_id": ""}]}
    )

    assert _names(kept) == [("Ann", "P-1")]
    assert _names(await _presenters(api, session_id)) == [("Ann", None)]


async def test_presenters_of_another_event_cannot_be_given_by_id(api: Api, db: Database) -> None:
    other, _key = await make_event_with_key(db, "other")
    async with db.unit_of_work() as uow:
        elsewhere = await service.create_session(
            uow, event=other, draft=SessionDraft(name="X", presenters=[PresenterRef(name="Ann")])
        )
        public_id = await service.load_session(uow, event=other, public_id=elsewhere.public_id)
        presenter_id = public_id.presenter_links[0].presenter.public_id

    response = await api.post(
        "/sessions", json={"name": "Talk", "presenters": [{"id": presenter_id}]}
    )

    assert response.status_code == 400
    assert response.json()["message"] == (
        f'presenters[0].id: there is no presenter with the id "{presenter_id}" in this app'
    )


async def test_presenters_keep_their_order_and_appear_once(api: Api) -> None:
    session_id = await _create(
        api, [{"name": "Cy"}, {"name": "Ann", "external_id": "A-1"}, {"name": "cy"}, {"name": "Bo"}]
    )

    assert _names(await _presenters(api, session_id)) == [
        ("Cy", None),
        ("Ann", "A-1"),
        ("Bo", None),
    ]


async def test_presenters_external_id_sent_as_a_number_is_text(api: Api) -> None:
    session_id = await _create(api, [{"name": "Ann", "external_id": 1001}])

    assert _names(await _presenters(api, session_id)) == [("Ann", "1001")]


async def test_presenters_null_keeps_them_and_empty_removes_them(api: Api) -> None:
    session_id = await _create(api, [{"name": "Ann"}])

    await api.put(f"/sessions/{session_id}", json={"presenters": None})
    after_null = await _presenters(api, session_id)
    await api.put(f"/sessions/{session_id}", json={"name": "Renamed"})
    after_absent = await _presenters(api, session_id)
    await api.put(f"/sessions/{session_id}", json={"presenters": ""})
    after_blank = await _presenters(api, session_id)
    await api.put(f"/sessions/{session_id}", json={"presenters": [{"name": "Bo"}]})
    await api.put(f"/sessions/{session_id}", json={"presenters": []})

    assert _names(after_null) == [("Ann", None)]
    assert _names(after_absent) == [("Ann", None)]
    assert after_blank is None
    assert await _presenters(api, session_id) is None
