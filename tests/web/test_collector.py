"""The serving process's collector: survivors of a full collection frozen, everything thawed
every ``thaw_seconds`` so that frozen garbage is freed after all."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from podium.web.collector import Collector


class Clock:
    def __init__(self) -> None:
        self.now = 1_000.0

    def __call__(self) -> float:
        return self.now


class Node:
    """An object in a reference cycle with itself: only the collector frees it."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def collector(clock: Clock) -> Iterator[Collector]:
    gc.unfreeze()
    made = Collector(thaw_seconds=600, clock=clock)
    made.install()
    try:
        yield made
    finally:
        made.uninstall()
        gc.unfreeze()


def test_what_survives_a_full_collection_is_frozen_and_a_young_one_freezes_nothing(
    collector: Collector,
) -> None:
    gc.collect(0)
    after_a_young_one = gc.get_freeze_count()

    gc.collect()

    assert after_a_young_one == 0
    assert gc.get_freeze_count() > 0
    assert (collector.freezes, collector.thaws) == (1, 0)


def test_frozen_cyclic_garbage_is_freed_after_the_thaw(collector: Collector, clock: Clock) -> None:
    node = Node()
    alive = weakref.ref(node)
    gc.collect()  # frozen
    del node

    gc.collect()
    kept_while_frozen = alive() is not None
    clock.now += 600
    gc.collect()  # its end thaws everything
    gc.collect()

    assert kept_while_frozen
    assert alive() is None
    assert collector.thaws == 1
    assert gc.get_freeze_count() > 0  # frozen again by the collection after the thaw


def test_installing_twice_acts_once(collector: Collector) -> None:
    collector.install()

    gc.collect()

    assert collector.freezes == 1  # twice were it installed twice
