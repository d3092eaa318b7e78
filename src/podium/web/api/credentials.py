"""Who is calling a dialect, and for which event: the credential dependencies.

Each returns the event the credential selects and declares its security scheme, so the
dialect's OpenAPI document tells generators (and Swagger UI's "Authorize") how to send it.
Today: an API key in a header, with the key's allowed networks. A dialect picks the header's
name; dialects with other credentials (a JWT, an api-secret header, an apiToken in the body)
get a dependency of their own here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from podium.integrations.service import authenticate_api_key
from podium.kit.db import UnitOfWork
from podium.models import Event
from podium.web.deps import client_ip, get_uow


def api_key_in_header(
    header: str, *, scheme_name: str, description: str
) -> Callable[..., Awaitable[Event]]:
    """A dependency: the event of the API key sent in ``header``. Missing or unknown: 401; a
    disabled key, or one used from outside its allowed networks: 403 (see
    :func:`podium.integrations.service.authenticate_api_key`)."""
    scheme = APIKeyHeader(
        name=header, scheme_name=scheme_name, description=description, auto_error=False
    )

    async def event_of_api_key(
        request: Request,
        uow: UnitOfWork = Depends(get_uow),
        key: str | None = Security(scheme),
    ) -> Event:
        return await authenticate_api_key(uow, key=key, client_ip=client_ip(request), header=header)

    return event_of_api_key
