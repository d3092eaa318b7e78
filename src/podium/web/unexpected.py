"""The last answer to an error nothing else handled: a 500 that ends the exchange cleanly.

Starlette's ServerErrorMiddleware answers 500 and then raises the error again, for servers to
log; uvicorn, seeing an error after the response was sent, closes the connection without having
said ``Connection: close``, so a client's next request on that keep-alive connection fails.
:class:`AnswerUnexpectedErrors` sits inside it, logs the error, answers, and raises nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger(__name__)


class AnswerUnexpectedErrors:
    """ASGI middleware: an exception escaping ``app`` is logged and, when no response has
    started, answered with ``respond(request)`` (a 500 in the application's own words). Only a
    response broken off half-way still raises: closing the connection is then the only way to
    tell the client it is incomplete."""

    def __init__(self, app: ASGIApp, *, respond: Callable[[Request], Response]) -> None:
        self.app = app
        self.respond = respond

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = finished = False

        async def noting_send(message: Message) -> None:
            nonlocal started, finished
            if message["type"] == "http.response.start":
                started = True
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        try:
            await self.app(scope, receive, noting_send)
        except Exception as exc:
            log.exception(
                "unexpected error in %s %s", scope.get("method"), scope.get("path"), exc_info=exc
            )
            if started and not finished:
                raise
            if not started:
                response = self.respond(Request(scope, receive))
                await response(scope, receive, send)
