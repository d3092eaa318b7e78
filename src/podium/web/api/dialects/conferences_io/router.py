"""The /api/v2 application: the dialect's resources on the floor every dialect shares
(web/api/dialect.py), in the vendor's envelope and words."""

from __future__ import annotations

from fastapi import FastAPI

from podium import __version__
from podium.web.api.dialect import Dialect, create_dialect_app
from podium.web.api.dialects.conferences_io import (
    app_settings,
    attendance,
    evaluation_responses,
    session_data,
    sessions,
)
from podium.web.api.dialects.conferences_io.envelope import error
from podium.web.api.dialects.conferences_io.errors import WORDS
from podium.web.api.dialects.conferences_io.schemas import ErrorResponse
from podium.web.runtime import Runtime

CONFERENCES_IO = Dialect(
    title="Podium — Conferences i/o-compatible API v2",
    version=f"2 (Podium {__version__})",
    description=(
        "The Conferences i/o App REST API v2, served by Podium: an integration written for "
        "`https://example.cnf.io/api/v2` works against `https://your-podium/api/v2`. Every "
        "request needs an `API-Key` header. Where Podium answers differently from the vendor's "
        "document (4xx for client mistakes where the vendor says 500, conditional GETs, …), "
        "docs/dialects/conferences-io.md says so."
    ),
    routers=[
        module.router
        for module in (app_settings, sessions, attendance, session_data, evaluation_responses)
    ],
    error=error,
    error_schema=ErrorResponse,
    words=WORDS,
)


def create_conferences_io_app(runtime: Runtime) -> FastAPI:
    return create_dialect_app(runtime, CONFERENCES_IO)
