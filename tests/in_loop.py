"""uvicorn serving an application inside the test's own event loop, on a free port of
127.0.0.1: a real HTTP server (keep-alive connections, its error handling) that shares the
test's database and monkeypatches, unlike ``tests.processes.serve``'s subprocess."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

STOP_SECONDS = 15


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:  # the test runner keeps its signal handlers
        yield


@contextlib.asynccontextmanager
async def serving(app: ASGIApp) -> AsyncIterator[tuple[str, int]]:
    """``(host, port)`` of uvicorn serving ``app`` (lifespan on) until the block ends."""
    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    host, port = listening.getsockname()
    server = _Server(uvicorn.Config(app, log_level="critical", lifespan="on"))
    running = asyncio.get_running_loop().create_task(server.serve(sockets=[listening]))
    try:
        while not server.started:
            if running.done():
                running.result()
            await asyncio.sleep(0.01)
        yield host, port
    finally:
        server.should_exit = True
        await asyncio.wait_for(running, STOP_SECONDS)
        listening.close()
