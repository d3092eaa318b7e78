"""Prometheus metrics of one process, served at ``GET /metrics`` when ``PODIUM_METRICS_TOKEN``
is set, to requests that carry it as ``Authorization: Bearer <token>`` (others get 401).

- ``podium_http_request_duration_seconds`` (histogram; labels ``route``, ``method``,
  ``status``): the time from a request's arrival to the end of its response. ``route`` is the
  path template of the route that answered (``/api/v2/sessions/{session_id}``), never the
  path itself, so that ids do not make a new series each; ``unmatched`` when no route did.
  ``status`` is the class of the response: ``2xx`` … ``5xx``.
- ``podium_websocket_connections`` (gauge): the session pages' sockets open in this process.
- ``podium_realtime_backlog`` (gauge): live messages queued for this process's sockets and not
  sent yet; it stays near 0 unless clients read too slowly.
- the client library's ``process_*`` and ``python_*`` metrics (memory, CPU, open files, GC).

Every process has a registry of its own: with ``--workers N`` each worker answers for itself,
so a scrape through one address sees one worker at a time (see docs/deployment.md).
"""

from __future__ import annotations

import secrets
import time

from fastapi import APIRouter, Request, Response
from fastapi.responses import PlainTextResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.routing import Mount
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from podium.web.realtime.hub import Hub

UNMATCHED = "unmatched"
# an answer made before the routers (the express lane) names its route template here
ROUTE_TEMPLATE_KEY = "podium.route_template"
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
_STATUS_CLASSES = ("1xx", "2xx", "3xx", "4xx", "5xx")


class Metrics:
    """The registry of this process and what Podium measures into it."""

    def __init__(self, hub: Hub) -> None:
        self.registry = CollectorRegistry()
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
        self.request_duration = Histogram(
            "podium_http_request_duration_seconds",
            "Time from a request's arrival to the end of its response, by route template.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        Gauge(
            "podium_websocket_connections",
            "Session pages' WebSockets open in this process.",
            registry=self.registry,
        ).set_function(lambda: hub.socket_count)
        Gauge(
            "podium_realtime_backlog",
            "Live messages queued for this process's WebSockets and not sent yet.",
            registry=self.registry,
        ).set_function(lambda: hub.backlog)

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def create_metrics_router(metrics: Metrics, *, token: str) -> APIRouter:
    """``GET /metrics`` for requests whose ``Authorization`` is ``Bearer <token>``."""
    router = APIRouter()
    expected = token.encode()

    # async, so that the gauges read the hub on the event loop's thread, never beside it
    @router.get("/metrics", include_in_schema=False)
    async def exposition(request: Request) -> Response:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        # compared in constant time, so that the answer's timing tells nothing of the token
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode("latin-1"), expected
        ):
            return PlainTextResponse(
                "The metrics need the token of PODIUM_METRICS_TOKEN: send "
                '"Authorization: Bearer <token>".',
                status_code=401,
                headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
            )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    return router


class RequestMetrics:
    """ASGI middleware: observes each HTTP request's duration (WebSockets pass through)."""

    def __init__(self, app: ASGIApp, *, metrics: Metrics) -> None:
        self.app = app
        self.histogram = metrics.request_duration

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        root_path: str = scope.get("root_path", "")
        status = 500  # unless a response starts: the error handler outside answers 500

        async def send_noting_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        finally:
            method = scope["method"]
            self.histogram.labels(
                route_template(scope, root_path=root_path),
                method if method in _METHODS else "other",
                _STATUS_CLASSES[status // 100 - 1] if 100 <= status < 600 else "other",
            ).observe(time.perf_counter() - started)


def route_template(scope: Scope, *, root_path: str = "") -> str:
    """The path template of the route that answered the request in ``scope`` (routing has
    recorded it there), under the mounts it went through; :data:`UNMATCHED` when none did.
    ``root_path`` is the request's root path before routing."""
    answered_early: str | None = scope.get(ROUTE_TEMPLATE_KEY)
    if answered_early is not None:
        return answered_early
    # each mount a request passes through adds its path to the root path
    mounts: str = scope.get("root_path", "")[len(root_path) :]
    route = scope.get("route")
    if route is not None and not isinstance(route, Mount):
        path = getattr(route, "path_format", None)
        return mounts + path if isinstance(path, str) else UNMATCHED
    # no route inside a mount answered: a mounted application without routes of its own
    # (static files) serves the rest of the path; one with routes matched none of them
    mounted = route.app if isinstance(route, Mount) else scope.get("endpoint")
    if mounts and mounted is not None and not hasattr(mounted, "routes"):
        return mounts + "/{path}"
    return UNMATCHED
