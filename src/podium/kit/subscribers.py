"""Who hears what a write emitted: reactions inside its transaction, subscribers after its commit.

A write — a unit of work (:class:`~podium.kit.db.UnitOfWork`) or a group-commit job
(:class:`~podium.kit.writer.Work`) — emits events: plain objects whose types the domain defines
(``podium.domain_events``); kit knows nothing of them but their type. Two kinds of listener:

- **reactions**, listed by event type: plain functions of ``(work, event)`` run the moment the
  event is emitted, inside the emitting transaction and on its connection. What they write
  commits or rolls back with the write; what they raise fails it.
- **after-commit subscribers**: coroutines called once per committed transaction (or
  group-commit batch) with :class:`Committed` — every event it emitted, in order, and the
  broker of the write. One that fails is logged; the commit stands and the others still run.

A rollback, or a group-commit job that fails, drops the events it emitted: nobody hears them.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from podium.kit.pubsub import Broker

if TYPE_CHECKING:
    from podium.kit.writer import Work

log = logging.getLogger(__name__)

Reaction = Callable[["Work", Any], None]
# event type -> the reactions run, in order, for each event of exactly that type
Reactions = Mapping[type, Sequence[Reaction]]


@dataclass(frozen=True, slots=True)
class Committed:
    """What one transaction (or group-commit batch) emitted, once it has committed."""

    events: tuple[object, ...]
    broker: Broker | None


AfterCommit = Callable[[Committed], Awaitable[None]]


class Subscribers:
    """The reactions and after-commit subscribers of one database (see the module's docstring)."""

    def __init__(self, reactions: Reactions) -> None:
        self.reactions: dict[type, tuple[Reaction, ...]] = {
            kind: tuple(listed) for kind, listed in reactions.items() if listed
        }
        self.after_commit: list[AfterCommit] = []

    def listen_after_commit(self, subscriber: AfterCommit) -> None:
        """Call ``subscriber`` after every commit from now on; once, however often it is
        given (several applications may share one database)."""
        if subscriber not in self.after_commit:
            self.after_commit.append(subscriber)

    async def deliver(self, events: Sequence[object], broker: Broker | None) -> None:
        """Hand the committed ``events`` to every after-commit subscriber, in order."""
        if not events or not self.after_commit:
            return
        committed = Committed(tuple(events), broker)
        for subscriber in tuple(self.after_commit):
            try:
                await subscriber(committed)
            except Exception:
                log.exception("an after-commit subscriber failed; the commit stands")


NO_REACTIONS: Reactions = {}
