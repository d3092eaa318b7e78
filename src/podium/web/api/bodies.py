"""Long JSON lists encoded a chunk at a time, so that one big answer does not hold the event
loop; the dialect gives what comes before and after the list (its envelope)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import orjson

T = TypeVar("T")
# items encoded per orjson call: big enough to amortise the call, small enough that a long list
# does not hold the event loop for long between chunks
CHUNK = 500


async def json_list_body(
    items: Sequence[T],
    encode: Callable[[T], Any],
    *,
    prefix: bytes,
    suffix: bytes,
    chunk: int = CHUNK,
) -> bytes:
    """``prefix + orjson.dumps([encode(item) for item in items]) + suffix``, encoded ``chunk``
    items at a time, letting other requests run between chunks."""
    parts = [prefix, b"["]
    for start in range(0, len(items), chunk):
        if start:
            await asyncio.sleep(0)
        encoded = orjson.dumps(_encoded(items[start : start + chunk], encode))
        parts.append((b"," + encoded[1:-1]) if start else encoded[1:-1])
    parts += [b"]", suffix]
    return b"".join(parts)


def _encoded(items: Iterable[T], encode: Callable[[T], Any]) -> list[Any]:
    return [encode(item) for item in items]


def json_list_of_parts(parts: Iterable[bytes], *, prefix: bytes, suffix: bytes) -> bytes:
    """``prefix`` + the JSON list of the items encoded in ``parts`` + ``suffix``: the same bytes
    as :func:`json_list_body` gives for the items."""
    items = list(parts)
    if not items:
        return prefix + b"[]" + suffix
    # one copy of a long body, not two: the envelope goes onto the first and last items
    items[0] = prefix + b"[" + items[0]
    items[-1] = items[-1] + b"]" + suffix
    return b",".join(items)
