"""SQLite reads on the event loop's own thread, for the async read engine.

aiosqlite runs every call of a connection on a thread of its own and hands the answer back to
the loop: two thread switches per statement, each waiting for the GIL (up to the 5 ms switch
interval while the group commit's batch thread and the loop are busy). A page read of a dozen
statements then held its pooled connection for a dozen loop turns: in a keynote's rush the read
pool ran dry and page GETs waited 30 s for a connection while the CPU idled.

:class:`InlineConnection` is aiosqlite's connection without the thread: each call runs at once
on the caller's thread. Only for reads of a WAL database (``BEGIN``, never ``BEGIN
IMMEDIATE``): a WAL reader never waits for the writer, so no call blocks the loop for longer
than the statement's own work. Writes keep aiosqlite's thread (they may wait for the lock).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from typing import Any

import aiosqlite


class _RunAtOnce:
    """Stands in for aiosqlite's queue to its thread (SQLAlchemy puts calls on it directly, to
    set the isolation level): runs each call as it is put and settles its future."""

    def put_nowait(self, item: tuple[asyncio.Future[Any] | None, Callable[[], Any]]) -> None:
        future, function = item
        try:
            result = function()
        except BaseException as error:
            if future is not None:
                future.set_exception(error)
            return
        if future is not None:
            future.set_result(result)


class InlineConnection(aiosqlite.Connection):
    """An aiosqlite connection whose calls run on the caller's thread, not a worker thread."""

    def __init__(self, connector: Callable[[], sqlite3.Connection]) -> None:
        super().__init__(connector, iter_chunk_size=64)
        self._tx = _RunAtOnce()  # type: ignore[assignment]

    async def _execute(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if not self._running or self._connection is None:
            raise ValueError("Connection closed")
        return fn(*args, **kwargs)

    async def _connect(self) -> InlineConnection:
        if self._connection is None:
            self._connection = self._connector()
        return self

    def __await__(self) -> Any:  # no thread to start
        return self._connect().__await__()

    def stop(self) -> None:  # nothing queued, no thread to stop
        self._running = False
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    async def close(self) -> None:
        self.stop()


def inline_connector(path: str, *, timeout: float) -> Callable[[], Any]:
    """The ``async_creator`` of an async engine whose connections are :class:`InlineConnection`
    to the database file ``path``."""

    async def connect() -> InlineConnection:
        connection = InlineConnection(
            lambda: sqlite3.connect(path, timeout=timeout, check_same_thread=False)
        )
        return await connection._connect()

    return connect
