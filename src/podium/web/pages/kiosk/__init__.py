"""The kiosk pages."""

from podium.web.pages.kiosk.routes import router

__all__ = ["router"]
