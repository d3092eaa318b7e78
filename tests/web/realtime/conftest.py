"""A real server for the sessions' WebSockets: uvicorn serving ``create_app`` in the test's own
event loop (so it shares the test database's connections), reached with the ``websockets``
client. Every test runs with the in-memory broker and with Redis."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
import pytest
import uvicorn
from fastapi import FastAPI, Response
from starlette.requests import Request
from websockets.asyncio.client import ClientConnection, connect

from podium.config import Settings
from podium.events.service import create_event
from podium.kit.db import Database
from podium.kit.pubsub import Broker, InMemoryBroker, RedisBroker
from podium.models import Attendee, Event, EventSession
from podium.web.app import create_app
from podium.web.auth import identity
from tests.factories import make_attendee, make_session
from tests.redis_support import REDIS_URL, require_redis, unique_prefix

WAIT_SECONDS = 15
MODERATOR_PASSWORD = "moderate-me"


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the test runner keeps its signal handlers
        yield


@pytest.fixture(params=["memory", "redis"])
async def live_broker(request: pytest.FixtureRequest, db: Database) -> AsyncIterator[Broker]:
    """The broker of the server and of the services the test calls."""
    broker: Broker
    if request.param == "redis":
        await (await require_redis()).aclose()
        broker = RedisBroker(REDIS_URL, prefix=unique_prefix())
    else:
        broker = InMemoryBroker()
    previous, db.broker = db.broker, broker
    try:
        yield broker
    finally:
        db.broker = previous
        await broker.close()


@dataclass
class LiveServer:
    app: FastAPI
    host: str

    def url(self, event: Event, session_id: str) -> str:
        return f"ws://{self.host}/e/{event.uri}/s/{session_id}/live"

    def cookies(self, event: Event, *, app_access: bool = False, moderator: bool = False) -> str:
        """The signed cookies a browser holds after giving the app or moderator password."""
        request = Request({"type": "http", "app": self.app, "headers": [], "method": "GET"})
        response = Response()
        if app_access:
            identity.grant_app_access(request, response, event)
        if moderator:
            identity.grant_moderator(
                request, response, event, scope="event", password=MODERATOR_PASSWORD
            )
        return "; ".join(
            header.split(";", 1)[0] for header in response.headers.getlist("set-cookie")
        )

    @contextlib.asynccontextmanager
    async def socket(
        self,
        event: Event,
        session_id: str,
        *,
        app_access: bool = False,
        moderator: bool = False,
        origin: str | None = "same",
    ) -> AsyncIterator[ClientConnection]:
        headers = {}
        cookies = self.cookies(event, app_access=app_access, moderator=moderator)
        if cookies:
            headers["Cookie"] = cookies
        async with connect(
            self.url(event, session_id),
            additional_headers=headers,
            origin=f"http://{self.host}" if origin == "same" else origin,  # type: ignore[arg-type]
            open_timeout=WAIT_SECONDS,
        ) as websocket:
            yield websocket


@pytest.fixture
async def live_server(
    db: Database, settings: Settings, live_broker: Broker
) -> AsyncIterator[LiveServer]:
    app = create_app(settings=settings, database=db)
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    host = f"127.0.0.1:{listening.getsockname()[1]}"
    server = _Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    serving = asyncio.get_running_loop().create_task(server.serve(sockets=[listening]))
    try:
        while not server.started:
            if serving.done():
                serving.result()
            await asyncio.sleep(0.01)
        yield LiveServer(app=app, host=host)
    finally:
        server.should_exit = True
        await asyncio.wait_for(serving, WAIT_SECONDS)
        listening.close()


async def receive(websocket: ClientConnection) -> dict[str, Any]:
    """The next message that is not a ping."""
    while True:
        raw = await asyncio.wait_for(websocket.recv(), WAIT_SECONDS)
        message: dict[str, Any] = orjson.loads(raw)
        if message.get("type") != "ping":
            return message


@dataclass
class Scene:
    event: Event
    session: EventSession
    attendee: Attendee


@pytest.fixture
async def scene(db: Database) -> Scene:
    """An event with a moderator password, one session and one attendee, committed."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="live", name="Live Event")
        event.moderator_password = MODERATOR_PASSWORD
        session = await make_session(uow, event)
        attendee = await make_attendee(uow, event)
    return Scene(event=event, session=session, attendee=attendee)
