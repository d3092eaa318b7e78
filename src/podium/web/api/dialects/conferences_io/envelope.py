"""The vendor's envelopes: ``{"status":"ok","code":"200","data":…}`` and its error twin."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import orjson
from fastapi import Response

T = TypeVar("T")
# items encoded per orjson call by ok_list_body: big enough to amortise the call, small enough that
# a long list does not hold the event loop for long between chunks
CHUNK = 500


def ok(data: Any, *, status: int = 200) -> Response:
    body = {"status": "ok", "code": str(status), "data": data}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


async def ok_list_body(
    items: Sequence[T], encode: Callable[[T], Any], *, chunk: int = CHUNK
) -> bytes:
    """The bytes of ``ok(data=[encode(item) for item in items])``, encoded ``chunk`` items at
    a time, letting other requests run between chunks."""
    parts = [b'{"status":"ok","code":"200","data":[']
    for start in range(0, len(items), chunk):
        if start:
            await asyncio.sleep(0)
        encoded = orjson.dumps(_encoded(items[start : start + chunk], encode))
        parts.append((b"," + encoded[1:-1]) if start else encoded[1:-1])
    parts.append(b"]}")
    return b"".join(parts)


def _encoded(items: Iterable[T], encode: Callable[[T], Any]) -> list[Any]:
    return [encode(item) for item in items]


def error(message: str, *, status: int, headers: Mapping[str, str] | None = None) -> Response:
    body = {"status": "error", "code": str(status), "message": message}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )
