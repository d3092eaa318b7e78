"""Rendering pages and fragments: one Jinja2 environment, autoescaping everything.

Every template receives ``request``, ``csrf_token`` (for forms and htmx headers), ``new_nonce()``
(a fresh idempotency key per rendered form) and the URL helpers of :mod:`podium.web.urls`.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from podium.web import urls
from podium.web.auth.csrf import csrf_token


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def is_htmx(request: Request) -> bool:
    """The request came from htmx (it wants a fragment, not a whole page)."""
    return request.headers.get("HX-Request") == "true"


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("podium.web", "templates"),
        autoescape=select_autoescape(["html"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        # templates are part of the installed package: no stat of each file on every render
        auto_reload=False,
    )
    env.globals.update(
        new_nonce=new_nonce,
        event_url=urls.event_url,
        session_url=urls.session_url,
        moderate_url=urls.moderate_url,
        screen_url=urls.screen_url,
        live_url=urls.live_url,
        kiosk_url=urls.kiosk_url,
        static_url=urls.static_url,
    )
    env.filters["hhmm"] = _hhmm
    env.filters["day"] = day_label
    return env


def day_label(day: date) -> str:
    """The day as people read it: "Monday, June 1, 2026"."""
    return f"{day:%A}, {day:%B} {day.day}, {day.year}"


def _hhmm(value: Any) -> str:
    if value is None:
        return ""
    text: str = value.strftime("%H:%M")
    return text


ENVIRONMENT = _environment()


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """``template`` rendered with ``context`` (and the globals above) as an HTML response."""
    body = ENVIRONMENT.get_template(template).render(
        {
            "request": request,
            "csrf_token": csrf_token(request),
            "now": datetime.now,
            **(context or {}),
        }
    )
    return HTMLResponse(body, status_code=status, headers=dict(headers or {}))
