"""GET and PUT /app: the event's settings."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from podium.events.service import update_event_settings
from podium.events.types import EventChanges
from podium.kit.changes import KEEP, Change
from podium.kit.errors import InvalidInput
from podium.models import Event
from podium.web.api.dialects.conferences_io import formats, schemas
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.api.dialects.conferences_io.inputs import DateText, change, date_field, text
from podium.web.api.routing import DialectRoute
from podium.web.deps import get_runtime

router = APIRouter(route_class=DialectRoute, tags=["App"])


class AppSettingsIn(BaseModel):
    """The body of PUT /app: only the fields to change. A null field is ignored (no change);
    "" unsets it. ``url`` is read-only and ignored."""

    model_config = ConfigDict(extra="ignore")

    name: str | None = Field(
        default=None,
        description="A label associated with the app/instance, typically the name of the event.",
    )
    start_date: DateText = Field(
        default=None,
        description='Event start date, YYYY-MM-DD ("2019-01-24"); English dates such as '
        '"January 23, 2023" are also parsed. Years 1900 to 2200.',
        examples=["2019-01-24"],
    )
    end_date: DateText = Field(
        default=None,
        description="Event end date, in the same formats; not before start_date.",
        examples=["2019-01-26"],
    )
    timezone: str | int | None = Field(
        default=None,
        description='Accepts values from the tz database, like "America/Chicago". Pass -1 '
        '(or "") for no timezone.',
        examples=["America/Chicago"],
    )
    app_password: str | None = Field(
        default=None,
        description="A shared secret used to password-protect an app before anyone can join. "
        'Pass "" to unset.',
    )
    moderator_password: str | None = Field(
        default=None,
        description='A shared secret used for session moderators. Pass "" to unset.',
    )
    custom_attendee_field_1: str | None = Field(
        default=None,
        description="Flexible label for identifying information associated with attendees.",
    )
    custom_attendee_field_2: str | None = Field(
        default=None, description="As custom_attendee_field_1."
    )
    custom_attendee_field_3: str | None = Field(
        default=None, description="As custom_attendee_field_1."
    )
    custom_attendee_field_4: str | None = Field(
        default=None, description="As custom_attendee_field_1."
    )
    custom_attendee_field_5: str | None = Field(
        default=None, description="As custom_attendee_field_1."
    )


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


@router.get(
    "/app",
    summary="Retrieve App Settings",
    description=(
        "Retrieves the current settings for the app (Podium's event), which the API key selects."
    ),
    responses=schemas.answers(schemas.AppSettingsResponse, "App settings retrieved successfully."),
)
async def get_app(request: Request, event: CurrentEvent) -> Response:
    return ok(app_settings(event, base_url=get_runtime(request).settings.base_url))


@router.put(
    "/app",
    summary="Update App Settings",
    description=(
        "Updates app settings. Only send fields you want to update: a null value for any "
        "field means that field is ignored (no change); to unset a field, pass an empty "
        'string ("").'
    ),
    responses=schemas.answers(schemas.SuccessResponse, "App settings updated successfully."),
)
async def put_app(body: AppSettingsIn, event: CurrentEvent, uow: Uow) -> Response:
    await update_event_settings(uow, event=event, changes=event_changes(body))
    return ok(None)
