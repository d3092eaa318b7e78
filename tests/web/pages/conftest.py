"""A browser-like HTTP client for the pages: cookies kept per browser, forms sent with the CSRF
token of the last page it loaded. (The real-browser tests live in tests/browser/.)"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from podium.config import Settings
from podium.kit.db import Database
from podium.web.app import create_app
from tests.conftest import CLIENT_IP

_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_NONCE = re.compile(r'name="nonce" value="([^"]+)"')


@dataclass
class Browser:
    """One person's browser: its own cookies; ``post`` adds the CSRF token of the last page."""

    http: httpx.AsyncClient
    csrf: str | None = None
    last: httpx.Response | None = field(default=None, repr=False)

    def _remember(self, response: httpx.Response) -> httpx.Response:
        self.last = response
        found = (
            _CSRF.search(response.text)
            if "html" in response.headers.get("content-type", "")
            else None
        )
        if found:
            self.csrf = found.group(1)
        return response

    async def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self._remember(await self.http.get(path, **kwargs))

    async def post(
        self, path: str, data: dict[str, Any] | None = None, *, htmx: bool = False, **kwargs: Any
    ) -> httpx.Response:
        """POST a form as the page would: with the CSRF token (and ``HX-Request`` when htmx)."""
        if self.csrf is None:
            await self.get(path.split("?")[0].rsplit("/", 1)[0] or "/e/")
        form = {"csrf_token": self.csrf, **(data or {})}
        headers = {"HX-Request": "true"} if htmx else {}
        return self._remember(await self.http.post(path, data=form, headers=headers, **kwargs))

    def nonces(self) -> list[str]:
        """The nonces of the forms on the last page, in order."""
        return _NONCE.findall(self.last.text) if self.last is not None else []


BrowserFactory = Callable[..., Awaitable[Browser]]


@pytest.fixture
async def new_browser(db: Database, settings: Settings) -> AsyncIterator[BrowserFactory]:
    """``await new_browser()`` opens another browser (own cookies) on one app instance;
    ``new_browser(ip="198.51.100.9")`` comes from another address."""
    app = create_app(settings=settings, database=db)
    clients: list[httpx.AsyncClient] = []

    async def _open(*, ip: str = CLIENT_IP) -> Browser:
        transport = httpx.ASGITransport(app=app, client=(ip, 50000))
        http = httpx.AsyncClient(transport=transport, base_url="https://testserver")
        clients.append(http)
        return Browser(http)

    yield _open
    for http in clients:
        await http.aclose()
