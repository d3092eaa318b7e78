"""The vendor's envelopes: ``{"status":"ok","code":"200","data":…}`` and its error twin."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson
from fastapi import Response


def ok(data: Any, *, status: int = 200) -> Response:
    body = {"status": "ok", "code": str(status), "data": data}
    return Response(orjson.dumps(body), status_code=status, media_type="application/json")


def error(message: str, *, status: int, headers: Mapping[str, str] | None = None) -> Response:
    body = {"status": "error", "code": str(status), "message": message}
    return Response(
        orjson.dumps(body), status_code=status, media_type="application/json", headers=headers
    )
