"""The sub-application a dialect is served by: its routes on the floor every dialect shares.

A dialect gives a :class:`Dialect`: its title, its routers (whose routes are
:class:`~podium.web.api.routing.DialectRoute`), its error envelope and words, and its error
envelope's schema. :func:`create_dialect_app` gives it the rest: one transaction per request
and text checked at the edge (the route class), the error handlers (validation, domain errors,
404/405/413, unexpected errors that end cleanly), ``X-Content-Type-Options: nosniff`` on every
answer, an OpenAPI document at ``/openapi.json`` that documents every status, and its
interactive documentation at ``/docs`` with no asset from another host.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.web.api.docs import docs_page
from podium.web.api.failures import ErrorEnvelope, ErrorWords, install_error_handlers
from podium.web.api.openapi import with_failures
from podium.web.api.routing import DialectRoute
from podium.web.runtime import Runtime

OPENAPI_PATH = "/openapi.json"
DOCS_PATH = "/docs"


@dataclass(frozen=True)
class Dialect:
    title: str
    version: str
    description: str
    routers: Sequence[APIRouter]
    error: ErrorEnvelope
    error_schema: type[BaseModel]  # the error envelope, as the OpenAPI document shows it
    words: ErrorWords


def create_dialect_app(runtime: Runtime, dialect: Dialect) -> FastAPI:
    app = FastAPI(
        title=dialect.title,
        version=dialect.version,
        description=dialect.description,
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_PATH,
        # operationIds a generator turns into method names: the handlers' (get_sessions)
        generate_unique_id_function=lambda route: route.name,
    )
    app.state.runtime = runtime
    for router in dialect.routers:
        for route in router.routes:
            if not isinstance(route, DialectRoute):
                path = getattr(route, "path", route)
                raise TypeError(f"{dialect.title}: the route {path} is not a DialectRoute")
        app.include_router(router)
    install_error_handlers(app, envelope=dialect.error, words=dialect.words)
    app.add_middleware(NoSniff)

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = with_failures(document, error=dialect.error_schema)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]

    @app.get(DOCS_PATH, include_in_schema=False)
    async def docs(request: Request) -> HTMLResponse:
        return docs_page(request, title=dialect.title, openapi_path=OPENAPI_PATH)

    return app


class NoSniff:
    """ASGI middleware: every answer says ``X-Content-Type-Options: nosniff``, so that no
    browser takes a JSON body for something it would run."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_nosniff(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)["X-Content-Type-Options"] = "nosniff"
            await send(message)

        await self.app(scope, receive, send_nosniff)
