"""Partial updates: each field of a change set is a new value, ``None`` (unset it), or KEEP."""

from __future__ import annotations

import enum
from typing import Final, TypeAlias, TypeVar, Union

T = TypeVar("T")


class Keep(enum.Enum):
    KEEP = "keep"

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep.KEEP

# A field of a change set: ``Change[str | None]`` is a new string, None to unset, or KEEP.
Change: TypeAlias = Union[T, Keep]  # noqa: UP007 (a generic alias needs Union on 3.11)
