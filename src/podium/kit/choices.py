"""Reading one of a fixed set of values (an enum) from what a person or an integration sent."""

from __future__ import annotations

import enum
from typing import TypeVar

from podium.kit.errors import InvalidInput

E = TypeVar("E", bound=enum.StrEnum)


def parse_choice(kind: type[E], value: object, *, field: str, noun: str) -> E:
    """``value`` as a member of ``kind``, matched trimmed and case-insensitively.

    InvalidInput naming ``field`` and listing the choices otherwise, e.g.
    ``delivery_format: "online" is not a delivery format; use one of "in-person", …``.
    """
    if isinstance(value, kind):
        return value
    cleaned = str(value).strip().casefold()
    for member in kind:
        if member.value.casefold() == cleaned:
            return member
    names = ", ".join(f'"{member.value}"' for member in kind)
    raise InvalidInput(f'{field}: "{value}" is not {noun}; use one of {names}', field=field)
