"""The API-Key header selects the event every request works in (the vendor's ApiKeyHeader)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from podium.kit.db import UnitOfWork
from podium.models import Event
from podium.web.api.credentials import api_key_in_header
from podium.web.deps import get_uow

current_event = api_key_in_header(
    "API-Key",
    scheme_name="ApiKeyHeader",
    description=(
        "The app's API key, made with `podium apikey create --event URI`; it selects the app "
        "(Podium's event) the request works in."
    ),
)

CurrentEvent = Annotated[Event, Depends(current_event)]
Uow = Annotated[UnitOfWork, Depends(get_uow)]
