"""The vendor's envelopes: ``{"status":"ok","code":"200","data":…}`` and its error twin."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import orjson
from fastapi import Response
from fastapi.responses import StreamingResponse

T = TypeVar("T")
# items encoded per orjson call by ok_list: big enough to amortise the call, small enough that
# a long list does not hold the event loop for long between chunks
CHUNK = 500


def ok(data: Any, *, status: int = 200) -> Response:
    body = {"status": "ok", "code": str(status), "data": data}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def ok_list(items: Sequence[T], encode: Callable[[T], Any], *, chunk: int = CHUNK) -> Response:
    """``ok(data=[encode(item) for item in items])``, the same bytes, streamed: the items are
    turned into JSON ``chunk`` at a time while the body is sent. ``items`` must be read
    already (the request's transaction is over when the body is sent) and ``encode`` must
    not touch the database."""

    async def body() -> AsyncIterator[bytes]:
        yield b'{"status":"ok","code":"200","data":['
        for start in range(0, len(items), chunk):
            encoded = orjson.dumps(_encoded(items[start : start + chunk], encode))
            yield (b"," + encoded[1:-1]) if start else encoded[1:-1]
        yield b"]}"

    return StreamingResponse(body(), media_type="application/json")


def _encoded(items: Iterable[T], encode: Callable[[T], Any]) -> list[Any]:
    return [encode(item) for item in items]


def error(message: str, *, status: int, headers: Mapping[str, str] | None = None) -> Response:
    body = {"status": "error", "code": str(status), "message": message}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )
