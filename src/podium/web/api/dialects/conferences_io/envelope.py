"""The vendor's envelopes: ``{"status":"ok","code":"200","data":…}`` and its error twin
``{"status":"error","code":"400","message":…}``, which carries Podium's ``detail`` beside the
vendor's exact words where the document fixes them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import orjson
from fastapi import Response

from podium.web.api.bodies import json_list_body, json_list_of_parts

T = TypeVar("T")

_OK_200 = b'{"status":"ok","code":"200","data":'


def ok(data: Any, *, status: int = 200) -> Response:
    body = {"status": "ok", "code": str(status), "data": data}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


async def ok_list_body(items: Sequence[T], encode: Callable[[T], Any]) -> bytes:
    """The bytes of ``ok(data=[encode(item) for item in items])``, encoded a chunk at a time."""
    return await json_list_body(items, encode, prefix=_OK_200, suffix=b"}")


def ok_list_of_parts(parts: Iterable[bytes]) -> bytes:
    """The bytes of ``ok(data=[…])`` for the items encoded one by one in ``parts``."""
    return json_list_of_parts(parts, prefix=_OK_200, suffix=b"}")


def error(
    message: str,
    *,
    status: int,
    detail: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    body = {"status": "error", "code": str(status), "message": message}
    if detail is not None:
        body["detail"] = detail
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )
