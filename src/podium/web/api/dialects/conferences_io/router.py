"""The /api/v2 application: its routes, one transaction per request, its error envelope."""

from __future__ import annotations

from fastapi import FastAPI

from podium.web.api.dialects.conferences_io import (
    app_settings,
    attendance,
    evaluation_responses,
    session_data,
    sessions,
)
from podium.web.api.dialects.conferences_io.errors import install_error_handlers
from podium.web.runtime import Runtime


def create_conferences_io_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(
        title="Podium — Conferences i/o-compatible API v2",
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    app.state.runtime = runtime
    # each module's router uses TransactionalRoute: one unit of work per request
    for module in (app_settings, sessions, attendance, session_data, evaluation_responses):
        app.include_router(module.router)
    install_error_handlers(app)
    return app
