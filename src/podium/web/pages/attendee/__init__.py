"""The attendee pages."""

from podium.web.pages.attendee.routes import router

__all__ = ["router"]
