"""create_app(): the ASGI application — the API dialects mounted on one root."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.responses import PlainTextResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from podium.config import Settings, get_settings
from podium.kit.db import Database
from podium.kit.pubsub import create_broker
from podium.kit.ratelimit import AttemptLimiter, MemoryAttemptLimiter, RedisAttemptLimiter
from podium.reactions import open_database
from podium.web import health
from podium.web.api.dialects.conferences_io.router import create_conferences_io_app
from podium.web.limits import BodySizeLimit
from podium.web.metrics import Metrics, RequestMetrics, create_metrics_router
from podium.web.mounts import mount_whole
from podium.web.pages.app import create_certificates_app, create_pages_app
from podium.web.pages.attendee.express import ExpressLane
from podium.web.realtime import messages
from podium.web.realtime.hub import Hub
from podium.web.realtime.router import LiveSocketsFirst
from podium.web.runtime import Runtime
from podium.web.secrets import load_secret_key
from podium.web.security import SecurityHeaders
from podium.web.unexpected import AnswerUnexpectedErrors
from podium.web.urls import CERTIFICATES_PREFIX, PAGES_PREFIX
from podium.worker.runner import Worker

STATIC_DIRECTORY = Path(__file__).parent / "static"
STATIC_PREFIX = "/static"

# every API dialect: where it is mounted, and the factory of its application (docs/dialects/)
DIALECTS: tuple[tuple[str, Callable[[Runtime], FastAPI]], ...] = (
    ("/api/v2", create_conferences_io_app),
)


def create_app(settings: Settings | None = None, database: Database | None = None) -> FastAPI:
    """The application. Given a ``database`` it uses it (and leaves it open); otherwise it
    opens one from the settings when it starts and closes it when it stops."""
    settings = settings or get_settings()
    owns_database = database is None
    database = database or open_database(
        settings.database_url,
        pool_size=settings.database_pool_size,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
        pgbouncer=settings.database_pgbouncer,
    )
    # A database given by the caller may come with its broker (tests share one); else the
    # broker is made here: Redis when configured, so that every process hears every message.
    owns_broker = database.broker is None
    broker = database.broker or create_broker(settings.redis_url, prefix=settings.redis_prefix)
    database.broker = broker
    messages.install(database)  # what commits reaches the sessions' sockets
    hub = Hub(broker=broker, database=database)
    runtime = Runtime(
        settings=settings,
        database=database,
        secret_key=load_secret_key(settings),
        limiter=_limiter(settings),
        hub=hub,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        worker = Worker(database, settings)  # the background duties of this process
        worker.start()
        try:
            yield
        finally:
            await worker.stop()
            await hub.close()
            await runtime.limiter.close()
            if owns_broker:
                await broker.close()
            if owns_database:
                await database.dispose()

    app = FastAPI(title="Podium", lifespan=lifespan, docs_url=None, redoc_url=None)
    app.state.runtime = runtime
    for prefix, create_dialect_app in DIALECTS:
        mount_whole(app, prefix, create_dialect_app(runtime))
    mount_whole(app, PAGES_PREFIX, create_pages_app(runtime))
    mount_whole(app, CERTIFICATES_PREFIX, create_certificates_app(runtime))
    app.mount(STATIC_PREFIX, StaticFiles(directory=STATIC_DIRECTORY), name="static")
    app.include_router(health.router)
    # inside the body limit and the metrics: the common check-ins and votes, before routing
    app.add_middleware(ExpressLane, runtime=runtime)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    # around the lane and the body limit too: every answer of a page carries the headers
    app.add_middleware(SecurityHeaders, prefixes=(PAGES_PREFIX, CERTIFICATES_PREFIX, STATIC_PREFIX))
    if settings.metrics_token:
        metrics = Metrics(hub)
        app.include_router(create_metrics_router(metrics, token=settings.metrics_token))
        app.add_middleware(RequestMetrics, metrics=metrics)
    # what escapes the middlewares above (each mounted application answers its own errors) is
    # answered 500 without dropping the connection
    app.add_middleware(AnswerUnexpectedErrors, respond=_unexpected)
    app.add_middleware(LiveSocketsFirst)  # added last: the outermost of ours

    @app.get("/", include_in_schema=False)
    async def home() -> RedirectResponse:
        return RedirectResponse(PAGES_PREFIX + "/", status_code=307)

    return app


def _unexpected(_request: Request) -> Response:
    return PlainTextResponse(
        "Something went wrong on our side; nothing was changed. Try again.", status_code=500
    )


def _limiter(settings: Settings) -> AttemptLimiter:
    """Counts of wrong attempts: in Redis when configured, so that every process shares them."""
    if settings.redis_url:
        return RedisAttemptLimiter(
            settings.redis_url,
            limit=settings.attempt_limit,
            window_seconds=settings.attempt_window_seconds,
            prefix=f"{settings.redis_prefix}attempts:",
        )
    return MemoryAttemptLimiter(
        limit=settings.attempt_limit, window_seconds=settings.attempt_window_seconds
    )
