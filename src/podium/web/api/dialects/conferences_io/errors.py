"""Every failure becomes the vendor's error envelope; never a stack trace.

Podium answers client mistakes with 4xx where the vendor documents 500 (see
docs/dialects/conferences-io.md).
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from podium.kit.errors import PodiumError
from podium.web.api.dialects.conferences_io.envelope import error
from podium.web.statuses import STATUS_BY_KIND

log = logging.getLogger(__name__)


def _field_name(loc: tuple[Any, ...]) -> str:
    parts = [str(part) for part in loc if part != "body"]
    name = ""
    for part in parts:
        if part.isdigit():
            name += f"[{part}]"
        else:
            name += f".{part}" if name else part
    return name


def validation_message(exc: RequestValidationError) -> str:
    first = exc.errors()[0]
    if first.get("type") == "json_invalid":
        detail = first.get("ctx", {}).get("error", "")
        return f"The request body is not valid JSON ({detail}); send a JSON document."
    field = _field_name(tuple(first.get("loc", ())))
    message = str(first.get("msg", "is not valid"))
    if not field:
        return f"The request body is not of the expected shape: {message}."
    return f"{field}: {message}."


async def _podium_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PodiumError)
    return error(exc.message, status=STATUS_BY_KIND[exc.kind])


async def _validation_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    return error(validation_message(exc), status=400)


async def _http_error(_request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    message = exc.detail
    if exc.status_code == 404 and message == "Not Found":
        message = "There is no such endpoint in the API v2; check the method and path."
    elif exc.status_code == 405:
        message = "This endpoint does not support that HTTP method."
    elif exc.status_code == 400 and message == "There was an error parsing the body":
        message = "The request body could not be read; send a JSON document."
    return error(str(message), status=exc.status_code, headers=exc.headers)


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error in %s %s", request.method, request.url.path, exc_info=exc)
    return error("An unexpected error occurred; nothing was changed. Try again.", status=500)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PodiumError, _podium_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
