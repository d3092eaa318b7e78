"""What every request handler reaches through ``request.app.state.runtime``."""

from __future__ import annotations

from dataclasses import dataclass, field

from podium.config import Settings
from podium.kit.db import Database
from podium.kit.ratelimit import AttemptLimiter, MemoryAttemptLimiter
from podium.web.realtime.hub import Hub


@dataclass
class Runtime:
    settings: Settings
    database: Database
    secret_key: str = field(default="", repr=False)
    limiter: AttemptLimiter = field(
        default_factory=lambda: MemoryAttemptLimiter(limit=5, window_seconds=300)
    )
    # the realtime hub of this process, made by create_app
    hub: Hub | None = None
