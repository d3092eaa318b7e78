"""The API-Key header selects the event every request works in."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from podium.integrations.service import authenticate_api_key
from podium.kit.db import UnitOfWork
from podium.models import Event
from podium.web.deps import client_ip, get_uow


async def current_event(request: Request, uow: Annotated[UnitOfWork, Depends(get_uow)]) -> Event:
    return await authenticate_api_key(
        uow, key=request.headers.get("API-Key"), client_ip=client_ip(request)
    )


CurrentEvent = Annotated[Event, Depends(current_event)]
Uow = Annotated[UnitOfWork, Depends(get_uow)]
