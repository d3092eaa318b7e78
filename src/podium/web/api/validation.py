"""What was wrong with a request that FastAPI could not read into a handler's parameters: the
field at fault as a path (``presenters[0].name``) and the reason. The dialect words it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from fastapi.exceptions import RequestValidationError

_LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


@dataclass(frozen=True)
class InvalidRequest:
    field: str  # "" when the body as a whole is at fault
    reason: str  # pydantic's sentence: "Input should be a valid string"
    # the JSON parser's complaint when the body is not JSON at all, else None
    not_json: str | None = None


def field_path(loc: Sequence[Any]) -> str:
    """``("body", "presenters", 0, "name")`` → ``presenters[0].name``; ``(0, "email")`` →
    ``[0].email``."""
    parts = list(loc)
    if parts and parts[0] in _LOCATIONS:
        parts = parts[1:]
    path = ""
    for part in parts:
        if isinstance(part, int) or str(part).isdigit():
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path


def invalid_request(exc: RequestValidationError) -> InvalidRequest:
    """The first problem of ``exc``."""
    first = exc.errors()[0]
    if first.get("type") == "json_invalid":
        return InvalidRequest(
            field="", reason="", not_json=str(first.get("ctx", {}).get("error", ""))
        )
    return InvalidRequest(
        field=field_path(tuple(first.get("loc", ()))), reason=str(first.get("msg", "is not valid"))
    )
