"""Two ``podium serve`` processes on one database and one Redis behave as one server.

A browser (one cookie jar, as behind one address) joins on process A and watches the session's
WebSocket on process B; a poll opened by a third party (this test, publishing through Redis) and
a vote cast over HTTP on A reach the socket on B. Wrong app passwords sent to both processes are
counted together. On PostgreSQL when ``PODIUM_TEST_DATABASE_URL`` is set, and on one SQLite
file, like every database test.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect

from podium.enums import PollType
from podium.events.service import create_event
from podium.kit.db import Database
from podium.kit.pubsub import RedisBroker
from podium.live.service import create_poll, open_poll, set_poll_results_visible
from podium.models import EventSession, Poll
from tests.factories import make_session
from tests.processes import free_port, serve
from tests.redis_support import REDIS_URL, forget, require_redis, unique_prefix

WAIT_SECONDS = 15
APP_PASSWORD = "letmein"
SECRET_KEY = "two-processes-secret"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Cluster:
    a: str
    b: str
    prefix: str


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    client = await require_redis()
    prefix = unique_prefix()
    try:
        yield prefix
    finally:
        await forget(client, prefix)
        await client.aclose()


@pytest.fixture
def cluster(db: Database, redis_prefix: str, tmp_path: Path) -> Iterator[Cluster]:
    """Processes A and B behind "one address": the same base URL, secret key, database, Redis."""
    port_a = free_port()
    env = {
        "PODIUM_DATABASE_URL": db.url,
        "PODIUM_BASE_URL": f"http://127.0.0.1:{port_a}",
        "PODIUM_SECRET_KEY": SECRET_KEY,
        "PODIUM_REDIS_URL": REDIS_URL,
        "PODIUM_REDIS_PREFIX": redis_prefix,
    }
    # one after the other: the second finds the schema the first migrated
    with (
        serve(env, tmp_path / "serve-a.log", port=port_a) as a,
        serve(env, tmp_path / "serve-b.log") as b,
    ):
        yield Cluster(a=a.base_url, b=b.base_url, prefix=redis_prefix)


@dataclass
class Setup:
    session: EventSession
    poll: Poll


async def _event_with_a_poll(db: Database) -> Setup:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="duo", name="Two Processes")
        event.app_password = APP_PASSWORD
        session = await make_session(uow, event)
        poll = await create_poll(
            uow, session=session, name="Pick", type=PollType.MULTIPLE_CHOICE, choices=["A", "B"]
        )
    return Setup(session=session, poll=poll)


def _csrf(response: httpx.Response) -> str:
    found = _CSRF.search(response.text)
    assert found is not None, response.text
    return found.group(1)


def _cookie_header(http: httpx.AsyncClient) -> str:
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in http.cookies.jar)


async def _receive(websocket: ClientConnection, kind: str) -> dict[str, Any]:
    while True:
        message: dict[str, Any] = orjson.loads(
            await asyncio.wait_for(websocket.recv(), WAIT_SECONDS)
        )
        if message["type"] == kind:
            return message


async def test_a_vote_on_one_process_reaches_a_socket_on_the_other(
    db: Database, cluster: Cluster
) -> None:
    setup = await _event_with_a_poll(db)
    session_path = f"/e/duo/s/{setup.session.public_id}"
    async with httpx.AsyncClient(timeout=WAIT_SECONDS) as browser:
        token = _csrf(await browser.get(f"{cluster.a}/e/duo"))
        password = await browser.post(
            f"{cluster.a}/e/duo/password", data={"csrf_token": token, "password": APP_PASSWORD}
        )
        joined = await browser.post(
            f"{cluster.a}/e/duo/join",
            data={
                "csrf_token": token,
                "first_name": "Ada",
                "last_name": "Lovelace",
                "email": "ada@example.com",
            },
        )
        async with connect(
            f"ws://{cluster.b.removeprefix('http://')}{session_path}/live",
            additional_headers={"Cookie": _cookie_header(browser)},
            origin=cluster.b,  # type: ignore[arg-type]
            open_timeout=WAIT_SECONDS,
        ) as websocket:
            # a moderator elsewhere (a third process: this test) opens the poll
            moderator = RedisBroker(REDIS_URL, prefix=cluster.prefix)
            try:
                async with db.unit_of_work() as uow:
                    uow.broker = moderator
                    poll = await uow.session.merge(setup.poll)
                    await open_poll(uow, poll=poll)
                    await set_poll_results_visible(uow, poll=poll, visible=True)
            finally:
                await moderator.close()
            opened = await _receive(websocket, "poll.opened")

            voted = await browser.post(
                f"{cluster.a}{session_path}/polls/{setup.poll.public_id}/vote",
                data={"csrf_token": token, "choice": "1", "nonce": "vote-1"},
            )
            tally = await _receive(websocket, "poll.tally")

    assert [password.status_code, joined.status_code, voted.status_code] == [303, 303, 303]
    assert opened == {"type": "poll.opened", "poll": setup.poll.public_id}
    assert tally == {
        "type": "poll.tally",
        "poll": setup.poll.public_id,
        "votes": 1,
        "counts": [0, 1],
        "visible": True,
    }


async def test_wrong_attempts_on_both_processes_are_counted_together(
    db: Database, cluster: Cluster
) -> None:
    await _event_with_a_poll(db)
    async with httpx.AsyncClient(timeout=WAIT_SECONDS) as browser:
        token = _csrf(await browser.get(f"{cluster.a}/e/duo"))

        async def wrong(base: str) -> httpx.Response:
            return await browser.post(
                f"{base}/e/duo/password", data={"csrf_token": token, "password": "guess"}
            )

        first_five = [
            (await wrong(base)).status_code
            for base in (cluster.a, cluster.b, cluster.a, cluster.b, cluster.a)
        ]
        on_b, on_a = await wrong(cluster.b), await wrong(cluster.a)

    assert first_five == [400] * 5
    assert (on_b.status_code, on_a.status_code) == (429, 429)
    assert 0 < int(on_b.headers["Retry-After"]) <= 300
