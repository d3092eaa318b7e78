"""A fanout client process: opens its share of idle sockets, reports ready, then records when
each socket receives the poll's tally (wall-clock time, comparable across processes)."""

from __future__ import annotations

import asyncio
import time
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Event
from typing import Any

import orjson
import uvloop
from websockets.asyncio.client import ClientConnection, connect

from bench.servers import raise_open_files_limit


async def _connect(url: str, count: int) -> tuple[list[ClientConnection], dict[str, Any]]:
    """``count`` sockets to ``url`` (64 opening at a time); those that opened, and the report
    of it (connected, failed, seconds)."""
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
    report = {"connected": len(sockets), "failed": failed, "seconds": time.perf_counter() - started}
    return sockets, report


def votes_in_tally(raw: str | bytes, poll: str) -> int | None:
    """The votes counted by the tally of ``poll`` in one frame (alone, or in a batch of
    messages the server combined for the audience); None when it holds none."""
    message = orjson.loads(raw)
    found = None
    for one in message.get("messages", []) if message.get("type") == "batch" else [message]:
        if one.get("type") == "poll.tally" and one.get("poll") == poll:
            found = int(one["votes"])
    return found


def run(url: str, poll: str, count: int, go: Event, results: Queue[Any], settle: float) -> None:
    raise_open_files_limit()
    # the clients' own loop as cheap as the server's: on a 2-core machine they share its CPU
    uvloop.run(_clients(url, poll, count, go, results, settle))


async def _clients(
    url: str, poll: str, count: int, go: Event, results: Queue[Any], settle: float
) -> None:
    sockets, opened = await _connect(url, count)
    results.put(opened)
    await asyncio.to_thread(go.wait, 300)

    async def first_tally(socket: ClientConnection) -> float | None:
        async for raw in socket:
            if votes_in_tally(raw, poll) is not None:
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


def watch(url: str, poll: str, count: int, stop: Event, results: Queue[Any]) -> None:
    """A keynote's watchers: ``count`` sockets that keep, each, the last tally of ``poll`` they
    received and when (wall clock), until ``stop``; then report them."""
    raise_open_files_limit()
    uvloop.run(_watchers(url, poll, count, stop, results))


async def _watchers(url: str, poll: str, count: int, stop: Event, results: Queue[Any]) -> None:
    sockets, opened = await _connect(url, count)
    last: list[tuple[float, int] | None] = [None] * len(sockets)
    closed = 0

    async def follow(n: int, socket: ClientConnection) -> None:
        nonlocal closed
        try:
            async for raw in socket:
                votes = votes_in_tally(raw, poll)
                if votes is not None:
                    last[n] = (time.time(), votes)
        except Exception:
            pass
        closed += 1  # the server closed it (or it broke) before the end

    tasks = [asyncio.create_task(follow(n, s)) for n, s in enumerate(sockets)]
    results.put(opened)
    await asyncio.to_thread(stop.wait, 3600)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    results.put({"last": last, "closed_early": closed})
    for socket in sockets:
        socket.transport.abort()
