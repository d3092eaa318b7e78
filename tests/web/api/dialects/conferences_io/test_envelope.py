"""What every /api/v2 request shares: the API key, the error envelope, the body limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter

from podium.config import Settings
from podium.integrations.service import create_api_key, disable_api_key
from podium.kit.db import Database
from podium.web.app import create_app
from tests.conftest import CLIENT_IP, Api


async def test_a_request_without_an_api_key_is_401_in_the_envelope(api: Api) -> None:
    response = await api.client.get("/api/v2/app")

    assert response.status_code == 401
    assert response.json() == {
        "status": "error",
        "code": "401",
        "message": "This request needs an API key in the API-Key header.",
    }


@pytest.mark.parametrize("key", ["not-a-key", "pk_abcdefgh_forged-secret"])
async def test_an_unknown_api_key_is_401(api: Api, key: str) -> None:
    response = await api.client.get("/api/v2/app", headers={"API-Key": key})

    assert response.status_code == 401
    assert response.json()["message"] == "The API key is not valid; check the API-Key header."


async def test_a_forged_secret_with_a_real_prefix_is_401(api: Api) -> None:
    prefix = api.key.split("_")[1]

    response = await api.client.get("/api/v2/app", headers={"API-Key": f"pk_{prefix}_forged"})

    assert response.status_code == 401


async def test_a_disabled_api_key_is_403(db: Database, api: Api) -> None:
    async with db.unit_of_work() as uow:
        await disable_api_key(uow, prefix=api.key.split("_")[1])

    response = await api.get("/app")

    assert response.status_code == 403
    assert response.json()["code"] == "403"


@pytest.mark.parametrize(
    ("networks", "status"), [(["203.0.113.0/24"], 200), (["198.51.100.0/24", "::1/128"], 403)]
)
async def test_an_ip_allow_list_admits_only_its_networks(
    db: Database, api: Api, networks: list[str], status: int
) -> None:
    async with db.unit_of_work() as uow:
        key = (await create_api_key(uow, event=api.event, allowed_networks=networks)).key

    response = await api.client.get("/api/v2/app", headers={"API-Key": key})

    assert response.status_code == status
    if status == 403:
        assert CLIENT_IP in response.json()["message"]


async def test_an_unknown_path_is_404_in_the_envelope(api: Api) -> None:
    response = await api.get("/speakers")

    assert response.status_code == 404
    assert response.json()["status"] == "error"
    assert response.json()["code"] == "404"


async def test_an_unsupported_method_is_405_in_the_envelope(api: Api) -> None:
    response = await api.delete("/app")

    assert response.status_code == 405
    assert response.json() == {
        "status": "error",
        "code": "405",
        "message": "This endpoint does not support that HTTP method.",
    }
    assert response.headers["allow"] == "GET, PUT"


async def test_every_api_answer_says_nosniff(api: Api) -> None:
    answers = [
        await api.get("/app"),
        await api.get("/speakers"),
        await api.client.get("/api/v2/app"),
    ]

    assert [(r.status_code, r.headers["x-content-type-options"]) for r in answers] == [
        (200, "nosniff"),
        (404, "nosniff"),
        (401, "nosniff"),
    ]


async def test_a_body_over_the_limit_is_413_and_writes_nothing(db: Database, api: Api) -> None:
    app = create_app(
        settings=Settings(database_url=db.url, base_url="https://podium.test", max_body_bytes=1000),
        database=db,
    )
    transport = httpx.ASGITransport(app=app, client=(CLIENT_IP, 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        declared = await client.put("/api/v2/app", headers=api.headers, json={"name": "x" * 2000})

        async def chunks() -> AsyncIterator[bytes]:
            yield b'{"name": "'
            for _ in range(20):
                yield b"y" * 100
            yield b'"}'

        streamed = await client.put("/api/v2/app", headers=api.headers, content=chunks())

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json() == {
            "status": "error",
            "code": "413",
            "message": "The request body is larger than the limit of 1000 bytes.",
        }
    assert (await api.get("/app")).json()["data"]["name"] == "Example Event"


async def test_an_unexpected_failure_is_500_in_the_envelope_without_a_trace(
    db: Database, settings: Settings, api: Api
) -> None:
    app = create_app(settings=settings, database=db)
    dialect = next(route.app for route in app.routes if getattr(route, "path", "") == "/api/v2")
    broken = APIRouter()

    @broken.get("/broken")
    async def _broken() -> None:
        raise RuntimeError("secret internal detail")

    dialect.include_router(broken)  # type: ignore[attr-defined]
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/api/v2/broken", headers=api.headers)

    assert response.status_code == 500
    assert response.json() == {
        "status": "error",
        "code": "500",
        "message": "An unexpected error occurred; nothing was changed. Try again.",
    }


async def test_a_path_with_a_newline_is_answered_by_the_dialect(api: Api) -> None:
    response = await api.get("/sessions/ab%0Acd/attendance")

    assert (response.status_code, response.json()) == (
        404,
        {
            "status": "error",
            "code": "404",
            "message": 'There is no session with the id "ab\ncd" in this app.',
        },
    )
