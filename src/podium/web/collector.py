"""Garbage collection without long pauses in a serving process.

CPython's full collection walks every object the collector tracks, and it runs whenever the
objects that survived the younger collections have grown by a quarter since the last one. A
process holding 3,000 sockets tracks about 300,000 objects (a hundred a socket: its tasks,
queues, headers, timers), and each full collection took 200 to 250 ms of the event loop. In a
keynote's rush the requests in flight grew the heap by a quarter every 10 to 20 seconds: four
full collections fell inside the rush, and they were its p99 (votes at 300 to 400 ms at the
99th percentile against 13 ms at the median; measured with ``gc.callbacks`` in ``bench
keynote``).

:class:`Collector` freezes (``gc.freeze``) what survives each full collection: it survived a
walk of everything, and most of it lives as long as its socket. The full collections after it
walk only what came since (25 to 30 ms in the same rush). What was frozen and has since become
cyclic garbage (a closed socket's reference cycles) is never walked while frozen: every
``thaw_seconds`` a full collection's end unfreezes everything (``gc.unfreeze``), so that the
next one walks all the objects once more and frees it. One long pause each ten minutes,
instead of one for every quarter of growth.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable
from contextlib import suppress
from typing import Any

THAW_SECONDS = 600.0
_OLDEST = 2  # CPython's oldest generation: its collections are the full ones


class Collector:
    """Freezes what survives a full collection; thaws everything every ``thaw_seconds``."""

    def __init__(
        self, *, thaw_seconds: float = THAW_SECONDS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._thaw_seconds = thaw_seconds
        self._clock = clock
        self._thawed_at = clock()
        self.freezes = 0
        self.thaws = 0

    def install(self) -> None:
        """Act after every collection from now on (once, however often installed)."""
        if self._after_collection not in gc.callbacks:
            gc.callbacks.append(self._after_collection)

    def uninstall(self) -> None:
        with suppress(ValueError):
            gc.callbacks.remove(self._after_collection)

    @property
    def installed(self) -> bool:
        return self._after_collection in gc.callbacks

    def _after_collection(self, phase: str, info: dict[str, Any]) -> None:
        if phase != "stop" or info.get("generation") != _OLDEST:
            return
        now = self._clock()
        if now - self._thawed_at >= self._thaw_seconds:
            self._thawed_at = now
            gc.unfreeze()
            self.thaws += 1
        else:
            gc.freeze()
            self.freezes += 1


# the one of a served process (``podium.web.served``)
SERVED = Collector()
