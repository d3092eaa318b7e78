"""The ``Allow`` header of a 405: every method the path answers, not only those of the first
route that matched it (Starlette's), which lists one method where a path has several."""

from __future__ import annotations

from starlette.requests import Request
from starlette.routing import Match

_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def allowed_methods(request: Request) -> str:
    """The methods some route of the request's application answers at the request's path, in
    the usual order (``GET, HEAD, PUT``): each is tried against the routes as routing would."""
    routes = request.app.router.routes
    allowed = [
        method
        for method in _METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL for route in routes
        )
    ]
    return ", ".join(allowed)
