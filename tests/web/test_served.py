"""The application ``podium serve`` runs: start-up objects out of the collector's walks."""

from __future__ import annotations

import gc

from podium.config import Settings
from podium.kit.db import Database
from podium.web import collector
from podium.web.served import create_served_app


def test_served_app_freezes_the_objects_made_at_start_up(db: Database, settings: Settings) -> None:
    gc.unfreeze()
    try:
        app = create_served_app(settings, db)
        frozen = gc.get_freeze_count()
        collecting = collector.SERVED.installed
    finally:
        collector.SERVED.uninstall()
        gc.unfreeze()

    assert app.state.runtime.database is db
    assert frozen > 10_000
    assert collecting
