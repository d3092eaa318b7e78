"""The route class of every dialect: text checked at the edge, then one transaction.

Before a handler runs (and before its transaction opens), every text the request brings — its
path and query parameters and its JSON body — is checked for characters that cannot be stored
(:mod:`podium.kit.text`); one is a 400 naming the field, in the dialect's error envelope.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response

from podium.kit.text import check_storable, json_may_be_unstorable
from podium.web.deps import TransactionalRoute


class DialectRoute(TransactionalRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        reads_body = self.body_field is not None

        async def checked_handler(request: Request) -> Response:
            check_storable(request.path_params)
            for name, value in request.query_params.multi_items():
                check_storable(value, field=name)
            if reads_body:
                await _check_json_body(request)
            return await handler(request)

        return checked_handler


async def _check_json_body(request: Request) -> None:
    body = await request.body()
    if not body or not json_may_be_unstorable(body):
        return
    try:
        # the parsed body is kept on the request, so FastAPI does not parse it again
        document = await request.json()
    except ValueError:
        return  # not JSON: the handler's validation answers that
    check_storable(document)
