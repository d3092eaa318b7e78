"""``/metrics``: served only with ``PODIUM_METRICS_TOKEN``, to requests that carry it; request
durations by route template, and the realtime hub's gauges."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from podium.config import Settings
from podium.kit.db import Database
from podium.kit.pubsub import InMemoryBroker
from podium.web.app import create_app
from podium.web.metrics import Metrics
from podium.web.realtime.hub import Hub, Role
from tests.conftest import Api
from tests.redis_support import eventually
from tests.web.pages.attendee.conftest import joined, new_event, new_session, page_url
from tests.web.pages.conftest import BrowserFactory, new_browser
from tests.web.realtime.conftest import (  # the real server those tests use, and its fixtures
    LiveServer,
    Scene,
    live_broker,
    live_server,
    scene,
)

__all__ = ["live_broker", "live_server", "new_browser", "scene"]

TOKEN = "metrics-token-of-the-tests"
AUTHORIZED = {"Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """The suite's settings, with the metrics turned on by their token."""
    return settings.model_copy(update={"metrics_token": TOKEN})


def _samples(exposition: str, name: str, *labels: str) -> dict[tuple[str, ...], float]:
    """The values of the samples called ``name``, by the values of ``labels``."""
    return {
        tuple(sample.labels[label] for label in labels): sample.value
        for family in text_string_to_metric_families(exposition)
        for sample in family.samples
        if sample.name == name
    }


async def test_metrics_counts_requests_by_route_template_method_and_status_class(
    api: Api, client: httpx.AsyncClient
) -> None:
    await api.get("/sessions/abcd")
    await api.get("/sessions/efgh")
    await client.get("/healthz")
    await client.get("/no/such/page")

    response = await client.get("/metrics", headers=AUTHORIZED)

    assert response.status_code == 200
    assert response.headers["content-type"].split(";")[0] == "text/plain"
    assert _samples(
        response.text, "podium_http_request_duration_seconds_count", "route", "method", "status"
    ) == {
        ("/api/v2/sessions/{session_id}", "GET", "4xx"): 2.0,
        ("/healthz", "GET", "2xx"): 1.0,
        ("unmatched", "GET", "4xx"): 1.0,
    }


async def test_metrics_name_the_route_of_forms_the_express_lane_answers(
    db: Database, new_browser: BrowserFactory
) -> None:
    event = await new_event(db)
    session = await new_session(db, event)
    browser = await joined(new_browser, event)
    await browser.get(page_url(event, session))
    nonce = browser.nonces()[0]
    await browser.post(f"{page_url(event, session)}/checkin", {"nonce": nonce})

    response = await browser.get("/metrics", headers=AUTHORIZED)

    samples = _samples(
        response.text, "podium_http_request_duration_seconds_count", "route", "method", "status"
    )
    assert samples[("/e/{event_uri}/s/{session_id}/checkin", "POST", "3xx")] == 1.0


async def test_metrics_is_not_served_without_a_token(db: Database, settings: Settings) -> None:
    app = create_app(settings=settings.model_copy(update={"metrics_token": ""}), database=db)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        response = await http.get("/metrics", headers=AUTHORIZED)

    assert response.status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer not-the-token"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": f"Bearer {TOKEN}x"},
    ],
)
async def test_metrics_without_the_token_is_401(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> None:
    response = await client.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer realm="metrics"'
    assert response.text == (
        'The metrics need the token of PODIUM_METRICS_TOKEN: send "Authorization: Bearer <token>".'
    )
    assert "podium_http_request_duration_seconds" not in response.text


async def test_metrics_take_the_bearer_scheme_in_any_case(client: httpx.AsyncClient) -> None:
    response = await client.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})

    assert response.status_code == 200


async def test_metrics_websocket_gauge_follows_sockets_that_open_and_close(
    live_server: LiveServer, scene: Scene
) -> None:
    async with httpx.AsyncClient(base_url=f"http://{live_server.host}") as http:

        async def connections() -> float:
            exposition = (await http.get("/metrics", headers=AUTHORIZED)).text
            return _samples(exposition, "podium_websocket_connections")[()]

        before = await connections()
        async with live_server.socket(scene.event, scene.session.public_id, app_access=True):
            during = await connections()

        await eventually(_equals(connections, 0.0))

    assert (before, during) == (0.0, 1.0)


async def test_metrics_realtime_backlog_counts_messages_not_sent_yet(db: Database) -> None:
    hub = Hub(broker=InMemoryBroker(), database=db)
    metrics = Metrics(hub)
    sent: list[str] = []

    async def send(text: str) -> None:
        sent.append(text)

    async def end() -> None:
        pass

    def backlog() -> float:
        return _samples(metrics.exposition().decode(), "podium_realtime_backlog")[()]

    try:
        async with hub.listen("abcd", role=Role.AUDIENCE, send=send, end=end) as listener:
            listener.offer('{"type": "a"}')
            listener.offer('{"type": "b"}')
            queued = backlog()
            listener.start()

            async def all_sent() -> bool:
                return len(sent) == 2

            await eventually(all_sent)
            drained = backlog()
    finally:
        await hub.close()

    assert (queued, drained) == (2.0, 0.0)


def _equals(read: Callable[[], Awaitable[float]], expected: float) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await read() == expected

    return check
