"""The edges every page shares: the CSRF check, signed identity cookies, the secret key file and
HTML errors. Tested on a small app made of the same parts, so no page's behaviour is assumed."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import Depends, FastAPI, Request, Response

from podium.config import Settings
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Event
from podium.web.auth import identity
from podium.web.auth.csrf import CsrfCookie
from podium.web.pages.deps import page_event, safe_next
from podium.web.pages.errors import install_error_handlers
from podium.web.pages.routing import page_router
from podium.web.pages.templates import render
from podium.web.runtime import Runtime
from podium.web.secrets import load_secret_key

SECRET = "foundation-secret"


def _app(db: Database, settings: Settings) -> FastAPI:
    router = page_router()

    @router.get("/{event_uri}/form")
    async def form(request: Request, event: Event = Depends(page_event)) -> Response:
        return render(request, "_alert.html", {"message": "form", "level": "ok"})

    @router.post("/{event_uri}/form")
    async def submit(request: Request, event: Event = Depends(page_event)) -> Response:
        return Response("accepted")

    @router.post("/{event_uri}/join-as/{attendee_id}")
    async def join(
        request: Request, attendee_id: int, event: Event = Depends(page_event)
    ) -> Response:
        response = Response("joined")
        identity.remember_attendee(request, response, event, attendee_id)
        return response

    @router.get("/{event_uri}/whoami")
    async def whoami(request: Request, event: Event = Depends(page_event)) -> Response:
        return Response(str(identity.attendee_id(request, event)))

    @router.post("/{event_uri}/moderate-as")
    async def moderate(request: Request, event: Event = Depends(page_event)) -> Response:
        response = Response("granted")
        identity.grant_moderator(
            request, response, event, scope="event", password=event.moderator_password or ""
        )
        return response

    @router.get("/{event_uri}/moderator")
    async def moderator(request: Request, event: Event = Depends(page_event)) -> Response:
        return Response(str(identity.moderator_access(request, event).for_event(request, event)))

    @router.get("/{event_uri}/invalid")
    async def invalid(event: Event = Depends(page_event)) -> Response:
        raise InvalidInput("name: give a name")

    @router.get("/{event_uri}/crash")
    async def crash(event: Event = Depends(page_event)) -> Response:
        raise RuntimeError("boom")

    @router.get("/{event_uri}/vendor-words")
    async def vendor_words(event: Event = Depends(page_event)) -> Response:
        raise InvalidInput("Too many possible filters", detail="pass only one of them.")

    pages = FastAPI()
    pages.state.runtime = Runtime(settings=settings, database=db, secret_key=SECRET)
    pages.include_router(router)
    install_error_handlers(pages)
    pages.add_middleware(CsrfCookie, secret_key=SECRET, secure=False)
    app = FastAPI()
    app.mount("/e", pages)  # as in create_app: the cookies' paths start with /e/<uri>
    return app


@pytest.fixture
async def http(
    db: Database, settings: Settings, uow: UnitOfWork, event: Event
) -> AsyncIterator[httpx.AsyncClient]:
    await uow.commit()  # the app's requests run in transactions of their own
    transport = httpx.ASGITransport(app=_app(db, settings), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as client:
        yield client


def _token(response: httpx.Response) -> str:
    found = re.search(r'"X-CSRF-Token": "([^"]+)"', response.text) or re.search(
        r'name="csrf_token" value="([^"]+)"', response.text
    )
    if found:
        return found.group(1)
    # _alert.html has no form: take it from a page that has one
    raise AssertionError("no token on the page")


async def _page_token(http: httpx.AsyncClient, event: Event) -> str:
    response = await http.get(f"/e/{event.uri}/invalid")  # the error page is a whole page
    return _token(response)


async def test_csrf_post_without_token_is_refused_with_403(
    http: httpx.AsyncClient, event: Event
) -> None:
    await http.get(f"/e/{event.uri}/form")
    response = await http.post(f"/e/{event.uri}/form", data={})
    assert response.status_code == 403
    assert "This form has expired or came from another site" in response.text


async def test_csrf_post_with_the_page_token_is_accepted(
    http: httpx.AsyncClient, event: Event
) -> None:
    token = await _page_token(http, event)
    assert (await http.post(f"/e/{event.uri}/form", data={"csrf_token": token})).text == "accepted"
    headers = {"X-CSRF-Token": token}
    assert (await http.post(f"/e/{event.uri}/form", headers=headers)).text == "accepted"


async def test_csrf_token_of_another_browser_is_refused(
    db: Database, settings: Settings, http: httpx.AsyncClient, event: Event
) -> None:
    token = await _page_token(http, event)
    transport = httpx.ASGITransport(app=_app(db, settings))
    async with httpx.AsyncClient(transport=transport, base_url="https://testserver") as other:
        await other.get(f"/e/{event.uri}/form")
        response = await other.post(f"/e/{event.uri}/form", data={"csrf_token": token})
    assert response.status_code == 403


async def test_csrf_forged_token_is_refused(http: httpx.AsyncClient, event: Event) -> None:
    await http.get(f"/e/{event.uri}/form")
    cookie = http.cookies["podium_csrf"]
    response = await http.post(f"/e/{event.uri}/form", data={"csrf_token": f"{cookie}.forged"})
    assert response.status_code == 403


async def test_csrf_token_with_characters_no_token_has_is_refused_not_an_error(
    http: httpx.AsyncClient, event: Event
) -> None:
    token = await _page_token(http, event)
    for given in (f"{token}é", "é" * 10, token[:-1]):
        response = await http.post(f"/e/{event.uri}/form", data={"csrf_token": given})
        assert response.status_code == 403, given
    assert (await http.post(f"/e/{event.uri}/form", data={"csrf_token": token})).text == "accepted"


async def test_csrf_first_visit_sets_an_httponly_lax_cookie(
    http: httpx.AsyncClient, event: Event
) -> None:
    response = await http.get(f"/e/{event.uri}/form")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("podium_csrf=")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    second = await http.get(f"/e/{event.uri}/form")
    assert "set-cookie" not in second.headers


async def test_identity_attendee_cookie_is_signed_and_scoped_to_the_event(
    http: httpx.AsyncClient, event: Event
) -> None:
    token = await _page_token(http, event)
    response = await http.post(f"/e/{event.uri}/join-as/42", data={"csrf_token": token})
    assert f"Path=/e/{event.uri}" in response.headers["set-cookie"]
    assert (await http.get(f"/e/{event.uri}/whoami")).text == "42"
    value = http.cookies["podium_attendee"]
    http.cookies.clear()
    http.cookies.set("podium_attendee", value)
    assert (await http.get(f"/e/{event.uri}/whoami")).text == "42"
    http.cookies.clear()
    http.cookies.set("podium_attendee", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert (await http.get(f"/e/{event.uri}/whoami")).text == "None"


async def test_identity_cookie_of_one_event_does_not_open_another(
    http: httpx.AsyncClient, event: Event, uow: UnitOfWork
) -> None:
    other = await create_event(uow, uri="other-event", name="Other")
    await uow.commit()
    token = await _page_token(http, event)
    response = await http.post(f"/e/{event.uri}/join-as/7", data={"csrf_token": token})
    value = response.cookies["podium_attendee"]
    # the browser would not even send it to another event's path; a forged path gains nothing
    http.cookies.set("podium_attendee", value, path=f"/e/{other.uri}")
    assert (await http.get(f"/e/{other.uri}/whoami")).text == "None"


async def test_identity_moderator_grant_ends_when_the_password_changes(
    http: httpx.AsyncClient, event: Event, uow: UnitOfWork
) -> None:
    event.moderator_password = "first-password"
    await uow.session.merge(event)
    await uow.commit()
    token = await _page_token(http, event)
    response = await http.post(f"/e/{event.uri}/moderate-as", data={"csrf_token": token})
    assert "first-password" not in response.headers["set-cookie"]
    assert (await http.get(f"/e/{event.uri}/moderator")).text == "True"
    event.moderator_password = "second-password"
    await uow.session.merge(event)
    await uow.commit()
    assert (await http.get(f"/e/{event.uri}/moderator")).text == "False"


async def test_errors_domain_error_is_a_page_with_its_message_and_status(
    http: httpx.AsyncClient, event: Event
) -> None:
    response = await http.get(f"/e/{event.uri}/invalid")
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert "name: give a name" in response.text


async def test_errors_htmx_request_gets_an_alert_retargeted_to_alerts(
    http: httpx.AsyncClient, event: Event
) -> None:
    response = await http.get(f"/e/{event.uri}/invalid", headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert response.headers["HX-Retarget"] == "#alerts"
    assert response.text.strip().startswith('<p class="alert alert-error"')


async def test_errors_unknown_event_is_a_404_page(http: httpx.AsyncClient) -> None:
    response = await http.get("/e/no-such-event/form")
    assert response.status_code == 404
    assert "There is no event with the URI &#34;no-such-event&#34;." in response.text


async def test_errors_unexpected_error_is_a_500_page_without_a_stack_trace(
    http: httpx.AsyncClient, event: Event, caplog: pytest.LogCaptureFixture
) -> None:
    response = await http.get(f"/e/{event.uri}/crash")
    assert response.status_code == 500
    assert "Something went wrong on our side; nothing was changed." in response.text
    assert "Traceback" not in response.text
    assert "boom" not in response.text


def test_safe_next_keeps_only_pages_of_the_event() -> None:
    event = Event(uri="demo", name="Demo")
    assert safe_next(event, "/e/demo/s/abcd") == "/e/demo/s/abcd"
    assert safe_next(event, "https://evil.example/") == "/e/demo"
    assert safe_next(event, "//evil.example/e/demo/") == "/e/demo"
    assert safe_next(event, "/e/demo//evil.example") == "/e/demo"
    assert safe_next(event, "/e/demo2/s/abcd") == "/e/demo"
    assert safe_next(event, None) == "/e/demo"


def test_secret_key_is_made_once_and_kept_beside_the_database(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/podium.sqlite3")
    first = load_secret_key(settings)
    assert len(first) >= 48
    assert load_secret_key(settings) == first
    assert (tmp_path / "secret_key").read_text() == first
    assert load_secret_key(Settings(database_url=settings.database_url, secret_key="given")) == (
        "given"
    )


async def test_errors_a_domain_errors_detail_follows_its_message(
    http: httpx.AsyncClient, event: Event
) -> None:
    response = await http.get(f"/e/{event.uri}/vendor-words")

    assert response.status_code == 400
    assert "Too many possible filters: pass only one of them." in response.text


async def test_errors_405_page_allows_every_method_of_the_path(
    http: httpx.AsyncClient, event: Event
) -> None:
    response = await http.delete(f"/e/{event.uri}/form")

    assert (response.status_code, response.headers["allow"]) == (405, "GET, POST")
    assert "This page cannot be used that way" in response.text


@pytest.mark.parametrize(
    ("path", "form", "field"),
    [
        ("/form?next=%00", None, "next"),
        ("/form", {"comment": "a\x00b"}, "comment"),
    ],
)
async def test_text_that_cannot_be_stored_is_a_400_page_naming_the_field(
    http: httpx.AsyncClient, event: Event, path: str, form: dict[str, str] | None, field: str
) -> None:
    token = await _page_token(http, event)
    if form is None:
        response = await http.get(f"/e/{event.uri}{path}")
    else:
        response = await http.post(f"/e/{event.uri}{path}", data={"csrf_token": token, **form})

    assert response.status_code == 400
    assert (
        f"{field}: contains a character that cannot be stored (a NUL character); remove it."
        in response.text
    )


async def test_text_that_cannot_be_stored_in_the_path_is_a_400_page(
    http: httpx.AsyncClient,
) -> None:
    response = await http.get("/e/ex%00ample/form")

    assert response.status_code == 400
    assert "event_uri: contains a character that cannot be stored" in response.text
