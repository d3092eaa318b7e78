"""The moderator pages."""

from podium.web.pages.moderator.routes import router

__all__ = ["router"]
