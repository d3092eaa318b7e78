"""Routes of the moderator pages."""

from __future__ import annotations

from podium.web.pages.routing import page_router

router = page_router()
