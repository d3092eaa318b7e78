"""Every failure of a dialect's request becomes that dialect's error envelope, in its words;
never a stack trace.

The floor decides the status (a domain error's kind, a validation problem, a framework's 404,
405 or 413, an unexpected error) and the dialect says it: its envelope and its words.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Protocol

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException

from podium.kit.errors import PodiumError
from podium.web.api.validation import InvalidRequest, invalid_request
from podium.web.methods import allowed_methods
from podium.web.statuses import STATUS_BY_KIND
from podium.web.unexpected import AnswerUnexpectedErrors


class ErrorEnvelope(Protocol):
    """A dialect's error answer: ``message`` is its sentence (or the vendor's exact words),
    ``detail`` Podium's further explanation when there is one."""

    def __call__(
        self,
        message: str,
        *,
        status: int,
        detail: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Response: ...


@dataclass(frozen=True)
class ErrorWords:
    """What a dialect says for the failures the floor answers."""

    unknown_path: str  # 404 from routing: no such endpoint
    wrong_method: str  # 405
    unreadable_body: str  # 400: a body that could not be read at all
    unexpected: str  # 500: Podium's own failure
    invalid_request: Callable[[InvalidRequest], str]  # 400: a body or parameter of the wrong shape


def install_error_handlers(app: FastAPI, *, envelope: ErrorEnvelope, words: ErrorWords) -> None:
    async def podium_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, PodiumError)
        return envelope(exc.message, status=STATUS_BY_KIND[exc.kind], detail=exc.detail)

    async def validation_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        return envelope(words.invalid_request(invalid_request(exc)), status=400)

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        message = str(exc.detail)
        headers = dict(exc.headers or {})
        if exc.status_code == 404 and message == "Not Found":
            message = words.unknown_path
        elif exc.status_code == 405:
            message = words.wrong_method
            headers["Allow"] = allowed_methods(request)
        elif exc.status_code == 400 and message == "There was an error parsing the body":
            message = words.unreadable_body
        return envelope(message, status=exc.status_code, headers=headers or None)

    def unexpected_error(_request: Request) -> Response:
        return envelope(words.unexpected, status=500)

    app.add_exception_handler(PodiumError, podium_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_middleware(AnswerUnexpectedErrors, respond=unexpected_error)
