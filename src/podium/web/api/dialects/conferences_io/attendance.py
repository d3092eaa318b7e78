"""GET/DELETE /sessions/{id}/attendance, POST …/attendance/remove and …/attendance/preload."""

from __future__ import annotations

from datetime import timedelta, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Body, Response
from pydantic import BaseModel, ConfigDict, StrictInt

from podium.attendance.service import (
    clear_attendance,
    list_attendance,
    preload_attendees,
    remove_checkins,
)
from podium.attendance.types import AttendanceRecord, PreloadAttendee
from podium.program.service import get_session
from podium.web.api.dialects.conferences_io import formats
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.deps import TransactionalRoute

router = APIRouter(route_class=TransactionalRoute)


class RemoveCheckinsIn(BaseModel):
    """The body of POST …/attendance/remove; null or absent filters are not used."""

    model_config = ConfigDict(extra="ignore")

    preview: bool | None = None
    all: bool | None = None
    email: str | None = None
    external_id: str | None = None


class PreloadAttendeeIn(BaseModel):
    """One entry of the body of POST …/attendance/preload (the vendor's PreloadAttendee)."""

    model_config = ConfigDict(extra="ignore")

    # registration systems often hold numeric ids: 1001 is taken as "1001"
    external_id: str | StrictInt | None = None
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    field_1: str | None = None
    field_2: str | None = None
    field_3: str | None = None
    field_4: str | None = None
    field_5: str | None = None

    def to_domain(self) -> PreloadAttendee:
        return PreloadAttendee(
            external_id=str(self.external_id) if self.external_id is not None else None,
            first_name=self.first_name,
            last_name=self.last_name,
            email=self.email,
            field_1=self.field_1,
            field_2=self.field_2,
            field_3=self.field_3,
            field_4=self.field_4,
            field_5=self.field_5,
        )


def duration(value: timedelta | None) -> str | None:
    """``01:15:00``: hours (as many as it takes), minutes, seconds; None stays None."""
    if value is None:
        return None
    seconds = int(value.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def checkin_record(record: AttendanceRecord, zone: tzinfo) -> dict[str, Any]:
    """The vendor's CheckinRecord, every field present."""
    checkin, attendee = record.checkin, record.attendee
    return {
        "user": {
            "first_name": attendee.first_name,
            "last_name": attendee.last_name,
            "email": attendee.email,
            "external_id": attendee.external_id,
            "field_1": attendee.field_1,
            "field_2": attendee.field_2,
            "field_3": attendee.field_3,
            "field_4": attendee.field_4,
            "field_5": attendee.field_5,
        },
        "checkin_time": formats.instant(checkin.checkin_time, zone),
        "checkout_time": formats.instant(checkin.checkout_time, zone),
        "checkin_time_actual": formats.instant(checkin.checkin_time_actual, zone),
        "checkout_time_actual": formats.instant(checkin.checkout_time_actual, zone),
        "delivery_format": checkin.delivery_format,
        "admin_note": checkin.admin_note,
        "attendee_note": checkin.attendee_note,
        "checkin_source": checkin.checkin_source,
        "checkout_source": checkin.checkout_source,
        "evaluation_complete": "1" if record.evaluation_complete else "0",
        "total_time_attended": duration(record.total_time_attended),
        "fields_of_study": [
            {
                "name": field.name,
                "credits": formats.credits_number(field.credits),
                "codewords": {
                    "possible": field.codewords.possible,
                    "valid": len(field.codewords.valid),
                    "missed": len(field.codewords.missed),
                    "valid_list": list(field.codewords.valid),
                    "missed_list": list(field.codewords.missed),
                },
            }
            for field in record.fields_of_study
        ],
        "history": [
            {"action": str(item.action), "timestamp": formats.instant(item.at, zone)}
            for item in record.history
        ],
    }


@router.get("/sessions/{session_id}/attendance")
async def get_attendance(session_id: str, event: CurrentEvent, uow: Uow) -> Response:
    session = await get_session(uow, event=event, public_id=session_id)
    zone = formats.event_zone(event)
    return ok([checkin_record(r, zone) for r in await list_attendance(uow, session=session)])


@router.delete("/sessions/{session_id}/attendance")
async def delete_attendance(session_id: str, event: CurrentEvent, uow: Uow) -> Response:
    session = await get_session(uow, event=event, public_id=session_id)
    return ok({"count": await clear_attendance(uow, session=session)})


@router.post("/sessions/{session_id}/attendance/remove")
async def post_attendance_remove(
    session_id: str,
    event: CurrentEvent,
    uow: Uow,
    body: Annotated[RemoveCheckinsIn | None, Body()] = None,
) -> Response:
    body = body or RemoveCheckinsIn()
    session = await get_session(uow, event=event, public_id=session_id)
    result = await remove_checkins(
        uow,
        session=session,
        all=bool(body.all),
        email=body.email,
        external_id=body.external_id,
        preview=bool(body.preview),
    )
    zone = formats.event_zone(event)
    return ok(
        {
            "preview": result.preview,
            "found": result.found,
            "checkins": [checkin_record(r, zone) for r in result.records],
            "filters": {
                "all": result.filters.all,
                "email": result.filters.email,
                "external_id": result.filters.external_id,
            },
        }
    )


@router.post("/sessions/{session_id}/attendance/preload")
async def post_attendance_preload(
    session_id: str,
    event: CurrentEvent,
    uow: Uow,
    body: Annotated[list[PreloadAttendeeIn], Body()],
) -> Response:
    session = await get_session(uow, event=event, public_id=session_id)
    count = await preload_attendees(
        uow, session=session, attendees=[entry.to_domain() for entry in body]
    )
    return ok({"count": count})
