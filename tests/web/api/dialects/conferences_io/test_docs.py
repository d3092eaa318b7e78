"""/api/v2/docs works with no network (every asset served by Podium) and /api/v2/openapi.json
is usable by generators: the API-Key scheme, typed bodies, every status, no 422."""

from __future__ import annotations

import re
from typing import Any

import httpx

from tests.conftest import Api

_ASSET = re.compile(r'(?:src|href)="([^"]+)"')


async def _openapi(api: Api) -> dict[str, Any]:
    response = await api.client.get("/api/v2/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.json()
    return document


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{method.upper()} {path}": operation
        for path, item in document["paths"].items()
        for method, operation in item.items()
    }


async def test_docs_page_names_no_other_host_and_every_asset_is_served(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/api/v2/docs")
    assets = _ASSET.findall(page.text)
    served = [(asset, (await client.get(asset)).status_code) for asset in assets]

    assert page.status_code == 200
    assert re.findall(r"https?://", page.text) == []
    assert served == [
        ("/static/vendor/swagger-ui-5.35.0/favicon-32x32.png", 200),
        ("/static/vendor/swagger-ui-5.35.0/swagger-ui.css", 200),
        ("/static/vendor/swagger-ui-5.35.0/swagger-ui-bundle.js", 200),
        ("/static/js/api-docs.js", 200),
    ]
    assert 'data-openapi-url="/api/v2/openapi.json"' in page.text


async def test_docs_page_has_no_inline_script_or_style(client: httpx.AsyncClient) -> None:
    page = (await client.get("/api/v2/docs")).text

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son\w+=", page) == []


async def test_openapi_declares_the_api_key_header_scheme_on_every_operation(api: Api) -> None:
    document = await _openapi(api)

    assert document["components"]["securitySchemes"]["ApiKeyHeader"] == {
        "type": "apiKey",
        "in": "header",
        "name": "API-Key",
        "description": (
            "The app's API key, made with `podium apikey create --event URI`; it selects the "
            "app (Podium's event) the request works in."
        ),
    }
    securities = {name: op.get("security") for name, op in _operations(document).items()}
    assert set(map(str, securities.values())) == {str([{"ApiKeyHeader": []}])}
    assert len(securities) == 13


async def test_openapi_lists_the_statuses_each_operation_answers(api: Api) -> None:
    document = await _openapi(api)

    statuses = {name: sorted(op["responses"]) for name, op in _operations(document).items()}

    common = ["400", "401", "403"]
    assert statuses == {
        "GET /app": ["200", *common, "500"],
        "PUT /app": ["200", *common, "413", "500"],
        "GET /sessions": ["200", "304", *common, "500"],
        "POST /sessions": ["201", *common, "413", "500"],
        "GET /sessions/{session_id}": ["200", *common, "404", "500"],
        "PUT /sessions/{session_id}": ["200", *common, "404", "413", "500"],
        "DELETE /sessions/{session_id}": ["204", *common, "404", "500"],
        "GET /sessions/{session_id}/attendance": ["200", "304", *common, "404", "500"],
        "DELETE /sessions/{session_id}/attendance": ["200", *common, "404", "500"],
        "POST /sessions/{session_id}/attendance/remove": ["200", *common, "404", "413", "500"],
        "POST /sessions/{session_id}/attendance/preload": ["200", *common, "404", "413", "500"],
        "GET /sessions/{session_id}/data": ["200", *common, "404", "500"],
        "GET /evaluations/responses": ["200", *common, "500"],
    }


async def test_openapi_types_every_body_with_its_envelope(api: Api) -> None:
    document = await _openapi(api)
    operations = _operations(document)

    requests = {
        name: op["requestBody"]["content"]["application/json"]["schema"]
        for name, op in operations.items()
        if "requestBody" in op
    }
    successes = {
        name: content["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
        for name, op in operations.items()
        for status, response in op["responses"].items()
        if status in ("200", "201") and (content := response.get("content"))
    }
    errors = {
        op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
        for op in operations.values()
        for status in op["responses"]
        if status >= "400"
    }

    assert requests == {
        "PUT /app": {"$ref": "#/components/schemas/AppSettingsIn"},
        "POST /sessions": {"$ref": "#/components/schemas/NewSessionIn"},
        "PUT /sessions/{session_id}": {"$ref": "#/components/schemas/SessionIn"},
        "POST /sessions/{session_id}/attendance/remove": {
            "anyOf": [{"$ref": "#/components/schemas/RemoveCheckinsIn"}, {"type": "null"}],
            "title": "Body",
        },
        "POST /sessions/{session_id}/attendance/preload": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/PreloadAttendeeIn"},
            "title": "Body",
        },
    }
    assert successes == {
        "GET /app": "AppSettingsResponse",
        "PUT /app": "SuccessResponse",
        "GET /sessions": "SessionListResponse",
        "POST /sessions": "SessionCreatedResponse",
        "GET /sessions/{session_id}": "SessionResponse",
        "PUT /sessions/{session_id}": "SuccessResponse",
        "GET /sessions/{session_id}/attendance": "AttendanceResponse",
        "DELETE /sessions/{session_id}/attendance": "CountResponse",
        "POST /sessions/{session_id}/attendance/remove": "RemovalResponse",
        "POST /sessions/{session_id}/attendance/preload": "CountResponse",
        "GET /sessions/{session_id}/data": "SessionQAResponse",
        "GET /evaluations/responses": "EvaluationResponsesResponse",
    }
    assert errors == {"#/components/schemas/ErrorResponse"}
    assert "HTTPValidationError" not in document["components"]["schemas"]


async def test_openapi_describes_the_fields_in_the_vendors_words(api: Api) -> None:
    schemas = (await _openapi(api))["components"]["schemas"]

    assert schemas["SessionIn"]["properties"]["checkin_code"]["description"] == (
        "Code required to successfully check in to a session."
    )
    assert schemas["Session"]["properties"]["url"]["description"] == (
        "A publicly accessible URL for this session, usable for embedding in an event app."
    )
    undescribed = [
        f"{name}.{field}"
        for name in (
            "SessionIn",
            "NewSessionIn",
            "AppSettingsIn",
            "RemoveCheckinsIn",
            "PreloadAttendeeIn",
            "Session",
            "AppSettings",
        )
        for field, schema in schemas[name]["properties"].items()
        if not schema.get("description")
    ]
    assert undescribed == []
