"""GET /sessions carries a strong ETag; If-None-Match answers 304 until the schedule changes."""

from __future__ import annotations

from typing import Any

import httpx

from podium.kit.db import Database
from tests.conftest import Api


async def _create(api: Api, **body: Any) -> str:
    response = await api.post("/sessions", json={"name": "Example Session", **body})
    assert response.status_code == 201, response.text
    session_id: str = response.json()["data"]["id"]
    return session_id


async def _etag(api: Api) -> str:
    response = await api.get("/sessions")
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


async def _revalidate(api: Api, etag: str) -> httpx.Response:
    return await api.client.get("/api/v2/sessions", headers={**api.headers, "If-None-Match": etag})


async def test_get_sessions_sends_a_strong_etag_and_no_cache(api: Api) -> None:
    await _create(api)

    response = await api.get("/sessions")

    assert response.headers["ETag"].startswith('"')
    assert response.headers["Cache-Control"] == "private, no-cache"


async def test_get_sessions_answers_304_when_the_etag_matches(api: Api) -> None:
    await _create(api)
    etag = await _etag(api)

    response = await _revalidate(api, etag)

    assert (response.status_code, response.content) == (304, b"")
    assert response.headers["ETag"] == etag


async def test_get_sessions_answers_304_for_a_weak_or_listed_match(api: Api) -> None:
    etag = await _etag(api)

    listed = await _revalidate(api, f'"other", W/{etag}')
    other = await _revalidate(api, '"other"')

    assert (listed.status_code, other.status_code) == (304, 200)


async def test_get_sessions_cached_body_equals_the_first(api: Api) -> None:
    await _create(api, presenters=[{"name": "Jordan"}], fields_of_study=[])

    first = await api.get("/sessions")
    second = await api.get("/sessions")

    assert second.content == first.content


async def test_get_sessions_etag_changes_after_post_put_and_delete(api: Api) -> None:
    tags = [await _etag(api)]
    session_id = await _create(api)
    tags.append(await _etag(api))
    await api.put(f"/sessions/{session_id}", json={"name": "Renamed"})
    tags.append(await _etag(api))
    await api.put(f"/sessions/{session_id}", json={"location": "Hall B"})
    tags.append(await _etag(api))
    await api.delete(f"/sessions/{session_id}")
    tags.append(await _etag(api))

    # the last delete leaves the event with no sessions, as at the start
    assert (len(set(tags[:4])), tags[4]) == (4, tags[0])
    assert (await _revalidate(api, tags[1])).status_code == 200


async def test_get_sessions_etag_changes_when_only_presenters_or_fields_change(api: Api) -> None:
    session_id = await _create(api)
    tags = [await _etag(api)]
    edits: list[dict[str, Any]] = [
        {"presenters": [{"name": "Jordan"}]},
        {"presenters": [{"name": "Jordan"}, {"name": "Sam"}]},
        {"presenters": [{"name": "Sam"}, {"name": "Jordan"}]},
        {"fields_of_study": [{"name": "Ethics", "credits": "1"}]},
        {"fields_of_study": [{"name": "Ethics", "credits": "2"}]},
        {"fields_of_study": [{"name": "ETHICS", "credits": "2"}]},
        {"fields_of_study": []},
    ]
    for edit in edits:
        response = await api.put(f"/sessions/{session_id}", json={"name": "Talk", **edit})
        assert response.status_code == 200, response.text
        tags.append(await _etag(api))

    assert len(set(tags)) == len(edits) + 1


async def test_get_sessions_etag_changes_when_a_shared_presenter_is_renamed(api: Api) -> None:
    first = await _create(api, presenters=[{"name": "Jordan"}])
    await _create(api, presenters=[{"name": "Jordan"}])
    before = await api.get("/sessions")
    presenter_id = before.json()["data"]["data"][0]["presenters"][0]["id"]

    # renaming the presenter through the first session changes what the second shows too
    await api.put(f"/sessions/{first}", json={"presenters": [{"id": presenter_id, "name": "Jo"}]})
    after = await api.get("/sessions")

    names = [[p["name"] for p in s["presenters"]] for s in after.json()["data"]["data"]]
    assert names == [["Jo"], ["Jo"]]
    assert after.headers["ETag"] != before.headers["ETag"]


async def test_get_sessions_etag_is_per_event(db: Database, api: Api, client: Any) -> None:
    from tests.conftest import make_event_with_key

    _other_event, other_key = await make_event_with_key(db, uri="other")
    etag = await _etag(api)

    response = await client.get(
        "/api/v2/sessions", headers={"API-Key": other_key, "If-None-Match": etag}
    )

    assert response.status_code == 200


async def test_get_sessions_revalidation_runs_as_many_queries_for_50_sessions_as_for_1(
    api: Api, count_queries: Any
) -> None:
    await _create(api)
    etag = await _etag(api)
    with count_queries() as one:
        assert (await _revalidate(api, etag)).status_code == 304
    for number in range(49):
        await _create(api, name=f"Talk {number}", presenters=[{"name": f"P {number}"}])
    etag = await _etag(api)
    with count_queries() as fifty:
        assert (await _revalidate(api, etag)).status_code == 304
    with count_queries() as cached:
        assert (await api.get("/sessions")).status_code == 200

    assert fifty.count == one.count
    assert cached.count == one.count
