"""The rules of domain events, checked on the source: one module lists them, each a frozen,
slotted dataclass of plain values; nothing but the realtime relay publishes on the broker; no
writer calls the credit recompute (its reaction does)."""

from __future__ import annotations

import ast
import dataclasses
import inspect
import typing
from datetime import datetime
from pathlib import Path

import pytest

from podium import domain_events
from podium.domain_events import SessionFact
from podium.enums import AttendanceSource, QuestionState

SRC = Path(__file__).resolve().parents[1] / "src" / "podium"
# what an event may carry: plain values, never ORM objects
PLAIN = {int, str, bool, datetime, AttendanceSource, QuestionState, SessionFact, type(None)}
RECOMPUTE = {"refresh_credits", "refresh_attendee_credits", "recompute_credits"}
WRITERS = ("attendance", "program", "events", "evaluations", "live")


def _events() -> list[type]:
    return [
        kind
        for _name, kind in inspect.getmembers(domain_events, inspect.isclass)
        if dataclasses.is_dataclass(kind) and kind.__module__ == domain_events.__name__
    ]


def _plain(annotation: object) -> bool:
    origin = typing.get_origin(annotation)
    if origin is None:
        return annotation in PLAIN or annotation is domain_events.Departure
    return all(_plain(argument) for argument in typing.get_args(annotation) if argument is not ...)


@pytest.mark.parametrize("kind", _events(), ids=lambda kind: kind.__name__)
def test_a_domain_event_is_a_frozen_slotted_dataclass_of_plain_values(kind: type) -> None:
    params = kind.__dataclass_params__  # type: ignore[attr-defined]
    hints = typing.get_type_hints(kind)

    assert (params.frozen, "__slots__" in vars(kind)) == (True, True)
    assert [name for name, hint in hints.items() if not _plain(hint)] == []


def _sources() -> list[tuple[str, ast.Module]]:
    return [
        (str(path.relative_to(SRC)), ast.parse(path.read_text()))
        for path in sorted(SRC.rglob("*.py"))
    ]


def test_only_the_realtime_relay_publishes_on_the_broker() -> None:
    publishing = sorted(
        {
            module
            for module, tree in _sources()
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "publish"
        }
    )

    # the brokers themselves, and the relay that turns committed events into messages
    assert publishing == ["kit/pubsub.py", "web/realtime/messages.py"]


def test_writers_do_not_call_the_credit_recompute() -> None:
    calling = sorted(
        f"{module}: {name}"
        for module, tree in _sources()
        if module.split("/", 1)[0] in WRITERS
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for name in (alias.name for alias in node.names)
        if name in RECOMPUTE or (node.module or "").startswith("podium.credits.ledger")
    )

    assert calling == []
