"""Tests in a real browser: Debian's Chromium driven by Playwright, against ``podium serve``
running as a real process on the test database.

Chromium comes from the system (``apt-get install chromium``; ``make test`` installs it), never a
browser downloaded by Playwright. Screenshots of each page, at phone and desktop width, go to
``docs/screenshots/`` from the SQLite run, so the docs always show the pages as they are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, ConsoleMessage, Page, async_playwright

from podium.kit.db import Database
from tests.mail_support import SmtpServer
from tests.processes import ServerProcess, serve

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
PROJECTOR = {"width": 1920, "height": 1080}
# how long a page may take to show what another page did (the issue asks for under a second;
# the margin is for a loaded CI machine — this is a behaviour test, not a benchmark)
LIVE_TIMEOUT_MS = 5_000


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium "
            "(`make test` installs it; or run `apt-get install chromium` as root)"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
async def browser(chromium: Path) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        chromium_browser = await playwright.chromium.launch(
            executable_path=str(chromium), args=CHROMIUM_ARGS
        )
        yield chromium_browser
        await chromium_browser.close()


@pytest.fixture
def server(db: Database, tmp_path: Path, smtp_server: SmtpServer) -> Iterator[ServerProcess]:
    """``podium serve`` on the test's database (emptied before each test, like every test's),
    sending its mail at once to the test's SMTP server (``smtp_server``)."""
    env = {
        "PODIUM_DATABASE_URL": db.url,
        "PODIUM_SECRET_KEY": "browser-test-secret",
        "PODIUM_SMTP_URL": smtp_server.url,
        "PODIUM_MAIL_CHECK_SECONDS": "0.1",
    }
    with serve(env, tmp_path / "serve.log") as process:
        yield process


# every Content-Security-Policy violation a page reports, written to its console (where
# Chromium also writes its own "Refused to …" line): the init script runs before the page's own
_REPORT_VIOLATIONS = """document.addEventListener("securitypolicyviolation", (e) => {
  console.error(`CSP violation: ${e.effectiveDirective} blocked ${e.blockedURI || "inline"}`
    + ` at ${e.sourceFile || e.documentURI}:${e.lineNumber}`);
});"""


def is_csp_violation(text: str) -> bool:
    return text.startswith("CSP violation:") or "Content Security Policy" in text


@dataclass
class People:
    """Browser contexts, one per person (each with its own cookies). Every page of theirs
    reports the Content-Security-Policy violations it meets into ``violations``."""

    browser: Browser
    base_url: str
    contexts: list[BrowserContext]
    violations: list[str] = field(default_factory=list)

    async def phone(self) -> Page:
        return await self._page(PHONE, is_mobile=True)

    async def desktop(self) -> Page:
        return await self._page(DESKTOP)

    async def projector(self) -> Page:
        return await self._page(PROJECTOR)

    async def _page(self, viewport: dict[str, int], *, is_mobile: bool = False) -> Page:
        context = await self.browser.new_context(
            base_url=self.base_url,
            viewport=viewport,  # type: ignore[arg-type]
            is_mobile=is_mobile,
            has_touch=is_mobile,
            device_scale_factor=2 if is_mobile else 1,
        )
        context.set_default_timeout(LIVE_TIMEOUT_MS)
        await context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._console)
        self.contexts.append(context)
        return await context.new_page()

    def _console(self, message: ConsoleMessage) -> None:
        if is_csp_violation(message.text):
            self.violations.append(f"{message.page.url if message.page else '?'}: {message.text}")


@pytest.fixture
async def people(browser: Browser, server: ServerProcess) -> AsyncIterator[People]:
    crowd = People(browser=browser, base_url=server.base_url, contexts=[])
    yield crowd
    for context in crowd.contexts:
        await context.close()
    # the pages' own scripts and styles pass their Content-Security-Policy, in every test
    assert crowd.violations == [], "\n".join(crowd.violations)


# caret "initial": Playwright hides the caret with a style="" on every input otherwise, which an
# htmx swap then copies onto the new inputs, and the pages' CSP refuses (a violation of the
# test's own making)
_SHOT: dict[str, Any] = {"full_page": True, "caret": "initial"}


@dataclass
class Screenshots:
    """Saves a page at phone and desktop width into docs/screenshots (on the SQLite run)."""

    enabled: bool

    async def both(self, page: Page, name: str) -> None:
        """``<name>-phone.png`` and ``<name>-desktop.png`` of what ``page`` shows now."""
        if not self.enabled:
            return
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        original = page.viewport_size
        for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
            await page.set_viewport_size(size)  # type: ignore[arg-type]
            await page.screenshot(path=SCREENSHOTS / f"{name}-{label}.png", **_SHOT)
        if original is not None:
            await page.set_viewport_size(original)

    async def one(self, page: Page, name: str) -> None:
        if self.enabled:
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            await page.screenshot(path=SCREENSHOTS / f"{name}.png", **_SHOT)


@pytest.fixture
def screenshots(db: Database) -> Screenshots:
    return Screenshots(enabled=db.is_sqlite)


_UNNAMED = """() => {
  const visible = (el) => el.offsetParent !== null || el.getClientRects().length > 0;
  const controls = [...document.querySelectorAll("input, textarea, select")].filter(
    (el) => el.type !== "hidden" && visible(el)
  );
  const unlabelled = controls.filter(
    (el) => el.labels.length === 0 && !el.getAttribute("aria-label")
  );
  const actions = [...document.querySelectorAll("button, a[href]")].filter(visible);
  const unnamed = actions.filter(
    (el) => !(el.innerText || el.getAttribute("aria-label") || "").trim()
  );
  return [...unlabelled, ...unnamed].map((el) => el.outerHTML.slice(0, 120));
}"""


async def assert_labelled(page: Page) -> None:
    """Every input has a visible label and every action a text name (the issue's rule)."""
    assert await page.evaluate(_UNNAMED) == []


async def prove_email(page: Page, smtp_server: SmtpServer, email: str, *, count: int = 1) -> None:
    """On the page that asks for the code: read the ``count``-th mail to ``email`` from the SMTP
    server and type its code, as the attendee would."""
    mail = await smtp_server.wait_for(email, count=count)
    await page.get_by_label("6-digit code").fill(mail.code)
    await page.get_by_role("button", name="Continue").click()
