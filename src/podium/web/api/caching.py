"""Encoded answers kept between requests in this process, and the ETags that name them."""

from __future__ import annotations

import asyncio
import hashlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable


class BodyCache:
    """Encoded bodies by key; the least recently used go first once there are more than
    ``max_entries`` or they take more than ``max_bytes`` together (a body bigger than that is
    not kept). A key carries the version of what its body shows, so an entry is never stale:
    a change makes a new key, and the old entry ages out."""

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._bodies: OrderedDict[Hashable, bytes] = OrderedDict()
        # key -> requests building or waiting for it (see get_or_build)
        self._builds: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    def get(self, key: Hashable) -> bytes | None:
        body = self._bodies.get(key)
        if body is not None:
            self._bodies.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        if len(body) > self._max_bytes:
            return
        old = self._bodies.pop(key, None)
        self._bytes += len(body) - (len(old) if old is not None else 0)
        self._bodies[key] = body
        while len(self._bodies) > self._max_entries or self._bytes > self._max_bytes:
            _key, dropped = self._bodies.popitem(last=False)
            self._bytes -= len(dropped)

    async def get_or_build(self, key: Hashable, build: Callable[[], Awaitable[bytes]]) -> bytes:
        """The body kept for ``key``, else ``build()``'s, kept. Requests that miss the same key
        together build it once: the others wait for the first (if its build fails, the next
        builds)."""
        body = self.get(key)
        if body is not None:
            return body
        lock, waiting = self._builds.get(key, (asyncio.Lock(), 0))
        self._builds[key] = (lock, waiting + 1)
        try:
            async with lock:
                body = self.get(key)
                if body is None:
                    body = await build()
                    self.put(key, body)
                return body
        finally:
            lock, waiting = self._builds[key]
            if waiting == 1:
                del self._builds[key]
            else:
                self._builds[key] = (lock, waiting - 1)


def strong_etag(key: Hashable) -> str:
    """A strong ETag for the body of ``key`` (a key of a :class:`BodyCache`)."""
    return '"' + hashlib.blake2b(repr(key).encode(), digest_size=16).hexdigest() + '"'


def etag_matches(if_none_match: str | None, etag: str) -> bool:
    """RFC 9110's weak comparison, which If-None-Match uses: ``*``, or any listed tag."""
    if if_none_match is None:
        return False
    if if_none_match.strip() == "*":
        return True
    tags = (tag.strip() for tag in if_none_match.split(","))
    return any(tag.removeprefix("W/") == etag for tag in tags)


class PartsCache:
    """The encoded parts of lists (one per item, by item id, each with the revision of the
    item it encodes) by key; whole sets of parts go least recently used first once there are
    more than ``max_entries`` or they take more than ``max_bytes`` together (a set bigger than
    that is not kept). A set is replaced whole (:meth:`put`), so it holds only the items of
    the list it was last put for."""

    # what an item costs beyond its bytes: its entry, tuple, and the objects' headers
    ITEM_OVERHEAD = 160

    def __init__(self, *, max_entries: int, max_bytes: int) -> None:
        self._max_entries = max_entries
        self._max_bytes = max_bytes
        self._bytes = 0
        self._sets: OrderedDict[Hashable, tuple[dict[int, tuple[int, bytes]], int]] = OrderedDict()

    def get(self, key: Hashable) -> dict[int, tuple[int, bytes]]:
        """item id -> (revision, encoded item) kept for ``key`` (empty when none): not to be
        changed, :meth:`put` a new one."""
        found = self._sets.get(key)
        if found is None:
            return {}
        self._sets.move_to_end(key)
        return found[0]

    def put(self, key: Hashable, parts: dict[int, tuple[int, bytes]]) -> None:
        size = sum(len(part) for _revision, part in parts.values())
        size += self.ITEM_OVERHEAD * len(parts)
        old = self._sets.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        if size > self._max_bytes:
            return
        self._sets[key] = (parts, size)
        self._bytes += size
        while len(self._sets) > self._max_entries or self._bytes > self._max_bytes:
            _key, (_parts, dropped) = self._sets.popitem(last=False)
            self._bytes -= dropped

    @property
    def size(self) -> int:
        """What the kept parts take, by the reckoning the bound uses (bytes)."""
        return self._bytes
