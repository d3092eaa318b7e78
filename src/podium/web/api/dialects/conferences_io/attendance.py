"""GET/DELETE /sessions/{id}/attendance, POST …/attendance/remove and …/attendance/preload."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, tzinfo
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Body, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictInt

from podium.attendance.service import (
    attendance_revisions,
    attendance_version,
    clear_attendance,
    list_attendance,
    preload_attendees,
    remove_checkins,
)
from podium.attendance.types import AttendanceRecord, FieldOfStudyAttendance, PreloadAttendee
from podium.models import EventSession
from podium.program.service import get_session
from podium.web.api.caching import BodyCache, PartsCache, etag_matches, strong_etag
from podium.web.api.dialects.conferences_io import formats, schemas
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok, ok_list_body, ok_list_of_parts
from podium.web.api.routing import DialectRoute
from podium.web.deps import get_runtime

router = APIRouter(route_class=DialectRoute, tags=["Attendance Tracking"])


class RemoveCheckinsIn(BaseModel):
    """The body of POST …/attendance/remove; null or absent filters are not used."""

    model_config = ConfigDict(extra="ignore")

    preview: bool | None = Field(
        default=None,
        description="If true, check-in removal will not be executed. The response will still "
        "include what would have been removed.",
    )
    all: bool | None = Field(
        default=None,
        description="If true, all check-ins for the session will be removed. Cannot be "
        "combined with other filters.",
    )
    email: str | None = Field(
        default=None,
        description="Remove check-ins matching this exact email (case-insensitive). Cannot be "
        "used at the same time as external_id.",
    )
    external_id: str | None = Field(
        default=None,
        description="Remove check-ins matching this exact external_id (case-insensitive). "
        "Cannot be used at the same time as email.",
    )


class PreloadAttendeeIn(BaseModel):
    """One entry of the body of POST …/attendance/preload (the vendor's PreloadAttendee)."""

    model_config = ConfigDict(extra="ignore")

    # registration systems often hold numeric ids: 1001 is taken as "1001"
    external_id: str | StrictInt | None = Field(
        default=None,
        description="The attendee's id in the registration system; a number is taken as its "
        "digits. An entry needs an email or an external_id.",
    )
    first_name: str | None = Field(default=None, description="Filled in when blank.")
    last_name: str | None = Field(default=None, description="Filled in when blank.")
    email: str | None = Field(
        default=None,
        description="Matches the app's attendee with this email when the entry has no "
        "external_id (or none of the app's attendees has it).",
    )
    field_1: str | None = Field(
        default=None, description="The app's custom attendee field 1; filled in when blank."
    )
    field_2: str | None = Field(default=None, description="As field_1, for field 2.")
    field_3: str | None = Field(default=None, description="As field_1, for field 3.")
    field_4: str | None = Field(default=None, description="As field_1, for field 4.")
    field_5: str | None = Field(default=None, description="As field_1, for field 5.")

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


class RecordEncoder:
    """Turns the records of one answer into the vendor's CheckinRecords (every field present),
    reusing what they share: the
    written form of an instant (a record's check-in time is also its first history entry's)
    and the encoded fields of study of records without codewords or credit adjustments."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        self._instants: dict[datetime | None, str] = {}
        self._fields: dict[int, tuple[tuple[FieldOfStudyAttendance, ...], list[Any]]] = {}

    def instant(self, value: datetime | None) -> str | None:
        if value is None:
            return None
        written = self._instants.get(value)
        if written is None:
            written = formats.instant(value, self.zone)
            assert written is not None
            self._instants[value] = written
        return written

    def fields_of_study(self, fields: tuple[FieldOfStudyAttendance, ...]) -> list[Any]:
        cached = self._fields.get(id(fields))
        if cached is not None:
            return cached[1]
        encoded = [
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
            for field in fields
        ]
        self._fields[id(fields)] = (fields, encoded)  # the tuple is kept: its id stays unique
        return encoded

    def __call__(self, record: AttendanceRecord) -> dict[str, Any]:
        checkin, attendee = record.checkin, record.attendee
        written, instant = self._instants, self.instant
        checkin_time, checkout_time = checkin.checkin_time, checkin.checkout_time
        checkin_actual, checkout_actual = checkin.checkin_time_actual, checkin.checkout_time_actual
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
            # instant(None) is None; a time already written is looked up inline (hot path)
            "checkin_time": written.get(checkin_time) or instant(checkin_time),
            "checkout_time": checkout_time
            and (written.get(checkout_time) or instant(checkout_time)),
            "checkin_time_actual": written.get(checkin_actual) or instant(checkin_actual),
            "checkout_time_actual": checkout_actual
            and (written.get(checkout_actual) or instant(checkout_actual)),
            "delivery_format": checkin.delivery_format,
            "admin_note": checkin.admin_note,
            "attendee_note": checkin.attendee_note,
            "checkin_source": checkin.checkin_source,
            "checkout_source": checkin.checkout_source,
            "evaluation_complete": "0" if checkin.evaluation_completed_at is None else "1",
            "total_time_attended": duration(record.total_time_attended),
            "fields_of_study": self.fields_of_study(record.fields_of_study),
            "history": [
                {"action": item.action.value, "timestamp": written.get(item.at) or instant(item.at)}
                for item in record.history
            ],
        }


# A 5,000-record list is about 3 MB; a process keeps the lists of its busiest sessions, and the
# encoded records of as many, so that a list changed in one record encodes only that one.
_lists = BodyCache(max_entries=64, max_bytes=64 * 2**20)
_records = PartsCache(max_entries=64, max_bytes=64 * 2**20)
# records encoded between two turns of the event loop
_ENCODE_CHUNK = 500


@router.get(
    "/sessions/{session_id}/attendance",
    summary="Retrieve All Attendance Tracking Data for a Session",
    description=(
        "The session's check-in records, preloaded attendees included. The answer carries a "
        "strong ETag: send it back in If-None-Match to be answered 304, with no body, while "
        "the list is unchanged."
    ),
    responses=schemas.revalidated(
        schemas.AttendanceResponse, "Attendance data retrieved successfully."
    ),
)
async def get_attendance(
    request: Request,
    session_id: schemas.SessionId,
    event: CurrentEvent,
    uow: Uow,
    if_none_match: schemas.IfNoneMatch = None,
) -> Response:
    """The session's records. The encoded list is kept in this process and answered again,
    for the price of one small query, while the session's attendance version (moved by the
    database with every change to what the list shows) and the event's time zone stay the
    same; its strong ETag lets a client revalidate (If-None-Match → 304, no body). A list
    built again encodes only the records whose revision moved (see ``_list_body``)."""
    session = await get_session(uow, event=event, public_id=session_id)
    version = await attendance_version(uow, session=session)
    zone = formats.event_zone(event)
    database = get_runtime(request).database.url

    if version is None:
        records = await list_attendance(uow, session=session)
        return Response(
            await ok_list_body(records, RecordEncoder(zone)), media_type="application/json"
        )
    key = (database, session.id, event.timezone, version)
    headers = {"ETag": strong_etag(key), "Cache-Control": "private, no-cache"}
    if etag_matches(if_none_match, headers["ETag"]):
        return Response(status_code=304, headers=headers)

    async def build() -> bytes:
        return await _list_body(uow, session, zone, (database, session.id, event.timezone))

    body = await _lists.get_or_build(key, build)
    return Response(body, media_type="application/json", headers=headers)


async def _list_body(
    uow: Uow, session: EventSession, zone: tzinfo, scope: tuple[str, int, str | None]
) -> bytes:
    """The list's bytes from the records kept encoded in ``_records``, encoding again only
    those whose revision moved (or all, when what they share moved): the revisions in list
    order (one query, after the version's), the changed records (a fixed number of queries,
    none when nothing changed), then the kept bytes joined. A record is kept under the
    revision read with it, so it is never older than its revision; the parts kept for the
    session are replaced by this list's."""
    revisions = await attendance_revisions(uow, session=session)
    parts_key = (*scope, revisions.shared)
    kept = _records.get(parts_key)
    changed = [
        record_id
        for record_id, revision in revisions.records
        if (found := kept.get(record_id)) is None or found[0] != revision
    ]
    parts = dict(kept)
    if changed:
        records = await list_attendance(
            uow, session=session, revisions=revisions, record_ids=changed
        )
        encode = RecordEncoder(zone)
        fresh = set()
        for start in range(0, len(records), _ENCODE_CHUNK):
            if start:
                await asyncio.sleep(0)
            for record in records[start : start + _ENCODE_CHUNK]:
                parts[record.checkin.id] = (record.revision, orjson.dumps(encode(record)))
                fresh.add(record.checkin.id)
        for record_id in changed:
            if record_id not in fresh:  # removed since the revisions were read
                parts.pop(record_id, None)
    new = sum(1 for record_id in changed if record_id not in kept)
    if len(kept) > len(revisions.records) - new:  # kept records no longer listed
        listed = {record_id for record_id, _revision in revisions.records}
        parts = {record_id: part for record_id, part in parts.items() if record_id in listed}
    _records.put(parts_key, parts)
    return ok_list_of_parts(
        parts[record_id][1] for record_id, _revision in revisions.records if record_id in parts
    )


@router.delete(
    "/sessions/{session_id}/attendance",
    summary="Clear All Check-Ins for a Session",
    description=(
        "Removes all check-ins and attendance data for the session; use the "
        "/attendance/remove endpoint to remove individual check-ins."
    ),
    responses=schemas.answers(schemas.CountResponse, "All check-ins cleared successfully."),
)
async def delete_attendance(
    session_id: schemas.SessionId, event: CurrentEvent, uow: Uow
) -> Response:
    session = await get_session(uow, event=event, public_id=session_id)
    return ok({"count": await clear_attendance(uow, session=session)})


@router.post(
    "/sessions/{session_id}/attendance/remove",
    summary="Remove Check-Ins for a Session",
    description=(
        "Removes individual check-ins using one filter: all, email or external_id (exact and "
        'case-insensitive). More than one filter is a 400 "Too many possible filters"; none '
        'is a 400 "No valid filters were passed". With preview: true nothing is removed and '
        "the answer says what would be."
    ),
    responses=schemas.answers(schemas.RemovalResponse, "Check-in removal executed (or previewed)."),
)
async def post_attendance_remove(
    session_id: schemas.SessionId,
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
    encode = RecordEncoder(formats.event_zone(event))
    return ok(
        {
            "preview": result.preview,
            "found": result.found,
            "checkins": [encode(r) for r in result.records],
            "filters": {
                "all": result.filters.all,
                "email": result.filters.email,
                "external_id": result.filters.external_id,
            },
        }
    )


@router.post(
    "/sessions/{session_id}/attendance/preload",
    summary="Preload Attendees to a Session",
    description=(
        "Pre-loads attendees for check-in (Kiosk Mode). No pre-existing pre-loaded attendee "
        "is removed; to re-synchronize, clear the session's attendance first."
    ),
    responses=schemas.answers(schemas.CountResponse, "Attendees preloaded successfully."),
)
async def post_attendance_preload(
    session_id: schemas.SessionId,
    event: CurrentEvent,
    uow: Uow,
    body: Annotated[list[PreloadAttendeeIn], Body()],
) -> Response:
    session = await get_session(uow, event=event, public_id=session_id)
    count = await preload_attendees(
        uow, session=session, attendees=[entry.to_domain() for entry in body]
    )
    return ok({"count": count})
