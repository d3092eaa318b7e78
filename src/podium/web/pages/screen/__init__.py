"""The screen pages."""

from podium.web.pages.screen.routes import router

__all__ = ["router"]
