"""A fanout client process: opens its share of idle sockets, reports ready, then records when
each socket receives the poll's tally (wall-clock time, comparable across processes)."""

from __future__ import annotations

import asyncio
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import raise_open_files_limit


def run(url: str, poll: str, count: int, go: Event, results: Queue[Any], settle: float) -> None:
    raise_open_files_limit()
    asyncio.run(_clients(url, poll, count, go, results, settle))


async def _clients(
    url: str, poll: str, count: int, go: Event, results: Queue[Any], settle: float
) -> None:
    limit = asyncio.Semaphore(64)
    failed = 0
    started = time.perf_counter()

    async def open_one() -> ClientConnection | None:
        nonlocal failed
        async with limit:
            try:
                return await connect(url, open_timeout=60, ping_interval=None, max_queue=None)
            except (OSError, TimeoutError, Exception):
                failed += 1
                return None

    sockets = [s for s in await asyncio.gather(*(open_one() for _ in range(count))) if s]
    results.put(
        {"connected": len(sockets), "failed": failed, "seconds": time.perf_counter() - started}
    )
    await asyncio.to_thread(go.wait, 300)

    async def first_tally(socket: ClientConnection) -> float | None:
        async for raw in socket:
            message = orjson.loads(raw)
            if message.get("type") == "poll.tally" and message.get("poll") == poll:
                return time.time()
        return None

    waiting = [asyncio.create_task(first_tally(s)) for s in sockets]
    done, pending = await asyncio.wait(waiting, timeout=settle + 10)
    for task in pending:
        task.cancel()
    times = [t for task in done if not task.cancelled() and (t := task.result()) is not None]
    results.put({"times": times})
    for socket in sockets:
        socket.transport.abort()
