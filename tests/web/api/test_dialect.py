"""The floor every dialect stands on, through a dialect made here with one resource: its
envelope and words for every failure, the route class it must use, its OpenAPI document."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

import httpx
import orjson
import pytest
from fastapi import APIRouter, FastAPI, Response
from pydantic import BaseModel

from podium.config import Settings
from podium.kit.db import Database
from podium.kit.errors import InvalidInput
from podium.web.api.dialect import Dialect, create_dialect_app
from podium.web.api.failures import ErrorWords
from podium.web.api.routing import DialectRoute
from podium.web.api.validation import InvalidRequest
from podium.web.runtime import Runtime

example = APIRouter(route_class=DialectRoute)


class Greeting(BaseModel):
    name: str


class Failure(BaseModel):
    error: str


@example.get("/hello/{name}")
async def hello(name: str) -> Response:
    if name == "nobody":
        raise InvalidInput("Nobody is no name", field="name", detail="Say who to greet.")
    return Response(orjson.dumps({"hello": name}), media_type="application/json")


@example.put("/hello/{name}")
async def rename(name: str, body: Greeting) -> Response:
    return Response(orjson.dumps({"hello": body.name}), media_type="application/json")


@example.get("/broken")
async def broken() -> Response:
    raise RuntimeError("secret internal detail")


def _error(
    message: str,
    *,
    status: int,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"error": message, **({"why": detail} if detail else {})}
    return Response(orjson.dumps(body), status_code=status, headers=headers)


def _invalid(problem: InvalidRequest) -> str:
    return f"bad {problem.field or 'body'}" if problem.not_json is None else "not JSON"


EXAMPLE = Dialect(
    title="Example",
    version="1",
    description="A dialect of the tests.",
    routers=[example],
    error=_error,
    error_schema=Failure,
    words=ErrorWords(
        unknown_path="no such path",
        wrong_method="no such method",
        unreadable_body="unreadable",
        unexpected="it broke",
        invalid_request=_invalid,
    ),
)


@pytest.fixture
async def http(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    app = create_dialect_app(Runtime(settings=settings, database=db), EXAMPLE)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        yield client


async def _answer(response: httpx.Response) -> tuple[int, Any]:
    return response.status_code, response.json()


async def test_dialect_answers_in_its_own_envelope_and_words(http: httpx.AsyncClient) -> None:
    answers = [
        await _answer(await http.get("/hello/ada")),
        await _answer(await http.get("/hello/nobody")),
        await _answer(await http.get("/nowhere")),
        await _answer(await http.post("/hello/ada")),
        await _answer(await http.put("/hello/ada", json={"name": 3})),
        await _answer(await http.put("/hello/ada", content=b"{", headers=_JSON)),
        await _answer(await http.get("/broken")),
    ]

    assert answers == [
        (200, {"hello": "ada"}),
        (400, {"error": "Nobody is no name", "why": "Say who to greet."}),
        (404, {"error": "no such path"}),
        (405, {"error": "no such method"}),
        (400, {"error": "bad name"}),
        (400, {"error": "not JSON"}),
        (500, {"error": "it broke"}),
    ]


_JSON = {"Content-Type": "application/json"}


async def test_dialect_405_allows_every_method_of_the_path(http: httpx.AsyncClient) -> None:
    response = await http.delete("/hello/ada")

    assert (response.status_code, response.headers["allow"]) == (405, "GET, PUT")


async def test_dialect_answers_say_nosniff_whatever_the_status(http: httpx.AsyncClient) -> None:
    statuses_and_headers = [
        (response.status_code, response.headers["x-content-type-options"])
        for response in (
            await http.get("/hello/ada"),
            await http.get("/nowhere"),
            await http.get("/broken"),
        )
    ]

    assert statuses_and_headers == [(200, "nosniff"), (404, "nosniff"), (500, "nosniff")]


@pytest.mark.parametrize(
    ("request_args", "field"),
    [
        ({"method": "GET", "url": "/hello/a%00b"}, "name"),
        ({"method": "GET", "url": "/hello/ada?greeting=hi%00"}, "greeting"),
        ({"method": "PUT", "url": "/hello/ada", "content": b'{"name": "\\ud800"}'}, "name"),
        ({"method": "PUT", "url": "/hello/ada", "content": b'{"name": "\\u0000"}'}, "name"),
        # the UTF-8 bytes of a lone surrogate, which Python's JSON decoder lets through
        ({"method": "PUT", "url": "/hello/ada", "content": b'{"name": "\xed\xa0\x80"}'}, "name"),
    ],
)
async def test_dialect_refuses_unstorable_text_in_paths_queries_and_bodies(
    http: httpx.AsyncClient, request_args: dict[str, Any], field: str
) -> None:
    response = await http.request(**request_args, headers=_JSON)

    assert response.status_code == 400
    assert response.json()["error"].startswith(f"{field}: contains a character that cannot")


def test_dialect_refuses_a_route_that_is_not_a_dialect_route(
    db: Database, settings: Settings
) -> None:
    plain = APIRouter()

    @plain.get("/plain")
    async def _plain() -> None:
        pass

    dialect = Dialect(
        title="Plain",
        version="1",
        description="",
        routers=[plain],
        error=_error,
        error_schema=Failure,
        words=EXAMPLE.words,
    )

    with pytest.raises(TypeError) as raised:
        create_dialect_app(Runtime(settings=settings, database=db), dialect)

    assert str(raised.value) == "Plain: the route /plain is not a DialectRoute"


def test_dialect_openapi_documents_the_floors_failures_and_no_422(
    db: Database, settings: Settings
) -> None:
    app: FastAPI = create_dialect_app(Runtime(settings=settings, database=db), EXAMPLE)

    document = app.openapi()

    statuses = {
        (path, method): sorted(operation["responses"])
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }
    assert statuses == {
        ("/hello/{name}", "get"): ["200", "400", "404", "500"],
        ("/hello/{name}", "put"): ["200", "400", "404", "413", "500"],
        ("/broken", "get"): ["200", "400", "500"],
    }
    put = document["paths"]["/hello/{name}"]["put"]["responses"]
    assert put["413"]["content"] == {
        "application/json": {"schema": {"$ref": "#/components/schemas/Failure"}}
    }
    assert sorted(document["components"]["schemas"]) == ["Failure", "Greeting"]
