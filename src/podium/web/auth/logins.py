"""The one password login of the pages: a page that asks for a password, a POST that checks it
(throttled), remembers the browser and goes on to where it was going (never off the site).

Each place behind a password describes itself as a :class:`Login`: what its page says, where
its form posts, whether this browser is already in, and how a password is checked and the
browser remembered. The moderator pages and the kiosk are :class:`SharedPasswordLogin`\\ s (the
event's moderator password, or a session's own); the organizers' console will bring a login of
its own (account passwords) and use the same two handlers, template and throttle.

    GET  …/login   :func:`show_login`    the form, or straight on when already signed in
    POST …/login   :func:`submit_login`  303 to ``next`` (within the place's site), 401 for a
                                         wrong password, 409 when no password is set, 429
                                         past the attempt limit
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from fastapi import Request, Response
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData

from podium.models import Event
from podium.web import urls
from podium.web.auth import identity, throttle
from podium.web.pages.templates import render

TEMPLATE = "auth/login.html"
NO_MODERATOR_PASSWORD = (
    "This event has no moderator password yet; the organizer sets one with the API's "
    "moderator_password setting."
)

# how a login that accepted a password remembers the browser in the response
Remember = Callable[[Response], None]


@dataclass(frozen=True)
class LoginWords:
    """What a login page says."""

    heading: str
    subtitle: str
    explanation: str
    wrong: str  # the answer to a wrong password
    unconfigured: str  # shown instead of the form when no password opens the place
    label: str = "Password"


class Login(Protocol):
    """One place behind a password, as :func:`show_login` and :func:`submit_login` need it."""

    @property
    def words(self) -> LoginWords: ...

    @property
    def action(self) -> str:
        """Where the form posts."""
        ...

    @property
    def throttle_kind(self) -> str: ...

    @property
    def throttle_scope(self) -> str:
        """Whose wrong attempts count together (:func:`throttle.event_scope` for an event)."""
        ...

    def configured(self) -> bool:
        """Whether any password opens the place yet."""
        ...

    def signed_in(self, request: Request) -> bool: ...

    def destination(self, next_url: str | None) -> str:
        """Where to go after signing in: ``next_url`` when it is safe, else the place itself."""
        ...

    async def check(self, request: Request, form: FormData) -> Remember | None:
        """How to remember the browser when the form's password opens the place, else None."""
        ...


def safe_next(home: str, next_url: str | None) -> str:
    """``next_url`` when it is a page under ``home`` (a path such as ``/e/expo``), else
    ``home``: no open redirects, no other site's address, no ``//`` or ``\\`` tricks."""
    if (
        next_url
        and next_url.startswith(home + "/")
        and "//" not in next_url
        and "\\" not in next_url
    ):
        return next_url
    return home


async def show_login(request: Request, login: Login, next_url: str | None) -> Response:
    """The login form; straight on to the destination when this browser is already in."""
    target = login.destination(next_url)
    if login.signed_in(request):
        return RedirectResponse(target, status_code=303)
    return _page(request, login, next_url=target, error=None, status=200)


async def submit_login(request: Request, login: Login) -> Response:
    """Check the form's password: on success remember the browser and go on (303)."""
    form = await request.form()
    given_next = form.get("next")
    target = login.destination(given_next if isinstance(given_next, str) else None)
    if not login.configured():
        return _page(request, login, next_url=target, error=None, status=409)
    await throttle.ensure_allowed(request, login.throttle_kind, scope=login.throttle_scope)
    remember = await login.check(request, form)
    if remember is None:
        await throttle.record_failure(request, login.throttle_kind, scope=login.throttle_scope)
        return _page(request, login, next_url=target, error=login.words.wrong, status=401)
    response = RedirectResponse(target, status_code=303)
    remember(response)
    return response


def _page(
    request: Request, login: Login, *, next_url: str, error: str | None, status: int
) -> Response:
    return render(
        request,
        TEMPLATE,
        {
            "words": login.words,
            "configured": login.configured(),
            "action": login.action,
            "next": next_url,
            "error": error,
        },
        status=status,
    )


# --- the event's shared passwords: moderators and the kiosk --------------------------------


@dataclass(frozen=True)
class SharedPasswordLogin:
    """A place of ``event`` opened by its shared moderator passwords: ``passwords`` pairs a
    grant's scope (``identity.EVENT_SCOPE`` or a session's public id) with the password that
    grants it (None: not set); the first that matches is granted, in the moderator cookie.
    Wrong passwords of every such place of the event count together."""

    event: Event
    words: LoginWords
    action: str
    home: str  # where to go when no (safe) next is given
    passwords: tuple[tuple[str, str | None], ...]
    throttle_kind: str = "moderator-password"

    @property
    def throttle_scope(self) -> str:
        return throttle.event_scope(self.event.id)

    def configured(self) -> bool:
        return any(password for _scope, password in self.passwords)

    def signed_in(self, request: Request) -> bool:
        access = identity.moderator_access(request, self.event)
        return any(
            access.holds(request, scope, password) for scope, password in self.passwords if password
        )

    def destination(self, next_url: str | None) -> str:
        return safe_next(urls.event_url(self.event.uri), next_url or self.home)

    async def check(self, request: Request, form: FormData) -> Remember | None:
        given = form.get("password")
        text = given if isinstance(given, str) else ""
        for scope, password in self.passwords:
            if password and identity.passwords_match(text, password):
                return self._remember(request, scope, password)
        return None

    def _remember(self, request: Request, scope: str, password: str) -> Remember:
        def remember(response: Response) -> None:
            identity.grant_moderator(request, response, self.event, scope=scope, password=password)

        return remember
