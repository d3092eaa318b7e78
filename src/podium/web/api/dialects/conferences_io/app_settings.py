"""GET and PUT /app: the event's settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict

from podium.events.service import update_event_settings
from podium.events.types import EventChanges
from podium.kit.changes import KEEP, Change
from podium.kit.errors import InvalidInput
from podium.models import Event
from podium.web.api.dialects.conferences_io import formats
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.api.dialects.conferences_io.inputs import change, date_field, text
from podium.web.deps import TransactionalRoute, get_runtime

router = APIRouter(route_class=TransactionalRoute)


class AppSettingsIn(BaseModel):
    """The body of PUT /app. ``url`` is read-only and ignored."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = None
    start_date: str | None = None
    end_date: str | None = None
    timezone: str | int | None = None
    app_password: str | None = None
    moderator_password: str | None = None
    custom_attendee_field_1: str | None = None
    custom_attendee_field_2: str | None = None
    custom_attendee_field_3: str | None = None
    custom_attendee_field_4: str | None = None
    custom_attendee_field_5: str | None = None


def app_settings(event: Event, *, base_url: str) -> dict[str, Any]:
    return {
        "app_password": event.app_password,
        "custom_attendee_field_1": event.custom_attendee_field_1,
        "custom_attendee_field_2": event.custom_attendee_field_2,
        "custom_attendee_field_3": event.custom_attendee_field_3,
        "custom_attendee_field_4": event.custom_attendee_field_4,
        "custom_attendee_field_5": event.custom_attendee_field_5,
        "end_date": formats.day(event.end_date),
        "moderator_password": event.moderator_password,
        "name": event.name,
        "start_date": formats.day(event.start_date),
        "timezone": event.timezone,
        "url": f"{base_url}/e/{event.uri}",
    }


def _timezone(body: AppSettingsIn) -> Change[str | None]:
    if "timezone" not in body.model_fields_set or body.timezone is None:
        return KEEP
    if str(body.timezone).strip() in ("", "-1"):
        return None  # "Pass -1 for no timezone"
    return str(body.timezone).strip()


def _name(body: AppSettingsIn) -> Change[str]:
    name = change(body, "name", text)
    if name is None:
        raise InvalidInput("name: an app's name cannot be unset", field="name")
    return name


def event_changes(body: AppSettingsIn) -> EventChanges:
    return EventChanges(
        name=_name(body),
        start_date=change(body, "start_date", date_field("start_date")),
        end_date=change(body, "end_date", date_field("end_date")),
        timezone=_timezone(body),
        app_password=change(body, "app_password", str),
        moderator_password=change(body, "moderator_password", str),
        custom_attendee_field_1=change(body, "custom_attendee_field_1", text),
        custom_attendee_field_2=change(body, "custom_attendee_field_2", text),
        custom_attendee_field_3=change(body, "custom_attendee_field_3", text),
        custom_attendee_field_4=change(body, "custom_attendee_field_4", text),
        custom_attendee_field_5=change(body, "custom_attendee_field_5", text),
    )


@router.get("/app")
async def get_app(request: Request, event: CurrentEvent) -> Response:
    return ok(app_settings(event, base_url=get_runtime(request).settings.base_url))


@router.put("/app")
async def put_app(body: AppSettingsIn, event: CurrentEvent, uow: Uow) -> Response:
    await update_event_settings(uow, event=event, changes=event_changes(body))
    return ok(None)
