"""The one login flow with a login of its own, as the organizers' console will bring: its words
on the shared page, its own check and way of remembering, the shared throttle and safe next."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi import FastAPI, Request, Response
from starlette.datastructures import FormData

from podium.config import Settings
from podium.kit.db import Database
from podium.web.auth import logins
from podium.web.auth.csrf import CsrfCookie
from podium.web.pages.errors import install_error_handlers
from podium.web.pages.routing import page_router
from podium.web.runtime import Runtime

SECRET = "logins-secret"
ACCOUNTS = {"ada": "analytical-engine"}
WORDS = logins.LoginWords(
    heading="Organizer console",
    subtitle="Podium",
    explanation="Sign in with your account's password.",
    wrong="That password does not open this console. Check it and try again.",
    unconfigured="No account can sign in yet.",
    label="Account password",
)


@dataclass(frozen=True)
class ConsoleLogin:
    """A third user of the flow: account passwords (here a dict), a cookie of its own."""

    words: logins.LoginWords = WORDS
    action: str = "/console/login"
    throttle_kind: str = "console-password"
    throttle_scope: str = "console"

    def configured(self) -> bool:
        return bool(ACCOUNTS)

    def signed_in(self, request: Request) -> bool:
        return request.cookies.get("console") == "ada"

    def destination(self, next_url: str | None) -> str:
        return logins.safe_next("/console", next_url or "/console/home")

    async def check(self, request: Request, form: FormData) -> logins.Remember | None:
        if form.get("password") != ACCOUNTS["ada"]:
            return None

        def remember(response: Response) -> None:
            response.set_cookie("console", "ada", path="/console")

        return remember


def _app(db: Database, settings: Settings) -> FastAPI:
    router = page_router()

    @router.get("/login")
    async def login_page(request: Request, next: str | None = None) -> Response:
        return await logins.show_login(request, ConsoleLogin(), next)

    @router.post("/login")
    async def login(request: Request) -> Response:
        return await logins.submit_login(request, ConsoleLogin())

    console = FastAPI()
    console.state.runtime = Runtime(settings=settings, database=db, secret_key=SECRET)
    console.include_router(router)
    install_error_handlers(console)
    console.add_middleware(CsrfCookie, secret_key=SECRET, secure=False)
    app = FastAPI()
    app.mount("/console", console)
    return app


@pytest.fixture
async def http(db: Database, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app(db, settings), client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


async def _token(http: httpx.AsyncClient) -> str:
    page = await http.get("/console/login")
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


async def test_another_login_shows_its_words_on_the_shared_page(http: httpx.AsyncClient) -> None:
    page = await http.get("/console/login?next=/console/events")

    assert page.status_code == 200
    assert '<h1 id="login-title">Organizer console</h1>' in page.text
    assert '<label for="password">Account password</label>' in page.text
    assert 'action="/console/login"' in page.text
    assert 'name="next" value="/console/events"' in page.text


async def test_another_login_remembers_the_browser_its_own_way_and_goes_on(
    http: httpx.AsyncClient,
) -> None:
    token = await _token(http)

    response = await http.post(
        "/console/login",
        data={"csrf_token": token, "password": ACCOUNTS["ada"], "next": "/console/events"},
    )
    again = await http.get("/console/login")

    assert (response.status_code, response.headers["location"]) == (303, "/console/events")
    assert http.cookies.get("console") == "ada"
    assert (again.status_code, again.headers["location"]) == (303, "/console/home")


async def test_another_login_refuses_a_wrong_password_and_an_outside_next(
    http: httpx.AsyncClient, settings: Settings
) -> None:
    token = await _token(http)
    wrong = [
        (await http.post("/console/login", data={"csrf_token": token, "password": "x"}))
        for _ in range(settings.attempt_limit)
    ]
    refused = await http.post(
        "/console/login", data={"csrf_token": token, "password": ACCOUNTS["ada"]}
    )

    assert [r.status_code for r in wrong] == [401] * settings.attempt_limit
    assert WORDS.wrong in wrong[0].text
    assert refused.status_code == 429
    assert logins.safe_next("/console", "https://evil.example/console/x") == "/console"
    assert logins.safe_next("/console", "/console//evil.example") == "/console"
