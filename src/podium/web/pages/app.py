"""The pages application, mounted at ``/e``: attendee, moderator, screen and kiosk pages and the
sessions' WebSockets."""

from __future__ import annotations

from fastapi import FastAPI

from podium.web.auth.csrf import CsrfCookie
from podium.web.pages import attendee, certificates, kiosk, moderator, screen
from podium.web.pages.errors import install_error_handlers
from podium.web.realtime import router as realtime
from podium.web.runtime import Runtime


def create_pages_app(runtime: Runtime) -> FastAPI:
    app = FastAPI(title="Podium pages", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    for module in (kiosk, moderator, screen, attendee):
        app.include_router(module.router)
    app.include_router(certificates.downloads)
    app.include_router(realtime.router)
    install_error_handlers(app)
    app.add_middleware(
        CsrfCookie, secret_key=runtime.secret_key, secure=runtime.settings.secure_cookies
    )
    return app


def create_certificates_app(runtime: Runtime) -> FastAPI:
    """The public verification pages of certificates, mounted at ``/certificates``: pages like
    the others (errors as pages, the CSRF cookie the templates expect), outside any event."""
    app = FastAPI(title="Podium certificates", docs_url=None, redoc_url=None, openapi_url=None)
    app.state.runtime = runtime
    app.include_router(certificates.verification)
    install_error_handlers(app)
    app.add_middleware(
        CsrfCookie, secret_key=runtime.secret_key, secure=runtime.settings.secure_cookies
    )
    return app
