"""The vendor's partial-update rules, applied to one field at a time.

In a PUT, an absent or ``null`` field means no change (KEEP) and ``""`` unsets it (None).
Parsers raise InvalidInput naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, WithJsonSchema

from podium.kit.changes import KEEP, Change
from podium.kit.errors import InvalidInput
from podium.kit.timeparse import parse_date, parse_time

T = TypeVar("T")

# How the OpenAPI document shows a date or a time field: the preferred form first (so that
# generators try it), then any text, since other forms are read too ("January 23, 2023", "8pm").
_ISO_DATE_IN_RANGE = r"^(19[0-9]{2}|2[01][0-9]{2})-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$"
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$"
DateText = Annotated[
    str | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "pattern": _ISO_DATE_IN_RANGE},
                {"type": "string"},
                {"type": "null"},
            ]
        }
    ),
]
TimeText = Annotated[
    str | None,
    WithJsonSchema(
        {"anyOf": [{"type": "string", "pattern": _CLOCK}, {"type": "string"}, {"type": "null"}]}
    ),
]


def change(body: BaseModel, name: str, parse: Callable[[Any], T]) -> Change[T | None]:
    """KEEP when ``name`` is absent or null, None when it is "", else ``parse(value)``."""
    if name not in body.model_fields_set:
        return KEEP
    value = getattr(body, name)
    if value is None:
        return KEEP
    if isinstance(value, str) and value.strip() == "":
        return None
    return parse(value)


def text(value: Any) -> str:
    return str(value).strip()


def date_field(name: str) -> Callable[[Any], date]:
    def _parse(value: Any) -> date:
        try:
            return parse_date(str(value))
        except ValueError as exc:
            raise InvalidInput(f"{name}: {exc}", field=name) from exc

    return _parse


def time_field(name: str) -> Callable[[Any], time]:
    def _parse(value: Any) -> time:
        try:
            return parse_time(str(value))
        except ValueError as exc:
            raise InvalidInput(f"{name}: {exc}", field=name) from exc

    return _parse
