"""A column among a set of values given at once, as each database takes it best.

PostgreSQL gets an array (``= ANY(:ids)``): one statement text whatever the number of values, so
that the driver prepares it once. SQLite gets an ``IN (…)`` list, which SQLAlchemy expands
from the one compiled statement at each execution (in process, that costs next to nothing).
Used by the jobs that read or write a crowd's rows at once (``kit.writer.Together``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Integer, any_, bindparam
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import QueryableAttribute


def among(
    column: ColumnElement[Any] | QueryableAttribute[Any], name: str
) -> dict[str, ColumnElement[bool]]:
    """By dialect, ``column`` is one of the integers bound as ``name`` (a list)."""
    return {
        "postgresql": column == any_(bindparam(name, type_=ARRAY(Integer))),
        "sqlite": column.in_(bindparam(name, expanding=True)),
    }
