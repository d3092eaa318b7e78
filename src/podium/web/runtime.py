"""What every request handler reaches through ``request.app.state.runtime``."""

from __future__ import annotations

from dataclasses import dataclass

from podium.config import Settings
from podium.kit.db import Database


@dataclass
class Runtime:
    settings: Settings
    database: Database
