"""What the domain does, inside the writing transaction, when something happens — and the one
way Podium opens its database, with those reactions wired.

Writers emit typed events (:mod:`podium.domain_events`) and never call what reacts to them:

- the credit recompute (``credits.subscriber``) hears the events that change credit;
- (from issue 10 on, the webhook outbox will be written here too, in the same transaction).

After-commit subscribers (the realtime relay) belong to the edge that serves them and are
added by it (``web.realtime.messages.install``).
"""

from __future__ import annotations

from podium.credits.subscriber import CREDIT_EVENTS, recompute_credits
from podium.kit.db import Database, create_database
from podium.kit.subscribers import Reactions

# event type -> what runs, in order, inside the transaction that emitted it
REACTIONS: Reactions = {kind: (recompute_credits,) for kind in CREDIT_EVENTS}


def open_database(
    url: str, *, pool_size: int = 10, busy_timeout_ms: int = 30_000, pgbouncer: bool = False
) -> Database:
    """The engines for ``url`` (``kit.db.create_database``) with the domain's reactions: how
    the web application, the commands, the worker, the benchmarks and the tests open one."""
    return create_database(
        url,
        reactions=REACTIONS,
        pool_size=pool_size,
        busy_timeout_ms=busy_timeout_ms,
        pgbouncer=pgbouncer,
    )
