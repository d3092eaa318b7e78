"""GET/POST /sessions and GET/PUT/DELETE /sessions/{session_id}: the program's sessions."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Any

import orjson
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, field_validator

from podium.enums import DeliveryFormat
from podium.kit.changes import KEEP, Change
from podium.kit.choices import parse_choice
from podium.kit.errors import InvalidInput
from podium.models import Event, EventSession
from podium.program import service
from podium.program.service import ScheduledSession, as_scheduled
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionChanges, SessionDraft
from podium.web.api.dialects.conferences_io import formats
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.caching import BodyCache, etag_matches, strong_etag
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.api.dialects.conferences_io.inputs import change, date_field, text, time_field
from podium.web.deps import TransactionalRoute, get_runtime

router = APIRouter(route_class=TransactionalRoute)


def _number_as_text(value: Any) -> Any:
    """Integrations often send ids and codes as JSON numbers; take them as their digits."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _blank_as_empty_list(value: Any) -> Any:
    """``""`` unsets a list field: it means the same as ``[]``."""
    if isinstance(value, str) and not value.strip():
        return []
    return value


_TEXT_OR_NUMBER = (
    "external_id",
    "access_code",
    "moderator_password",
    "checkin_code",
    "checkout_code",
)


class PresenterIn(BaseModel):
    """A PresenterRef of the vendor: ``id`` (the presenter's public id), ``name``,
    ``external_id``."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = None
    name: str | None = None
    external_id: str | None = None

    _external_id_number = field_validator("external_id", mode="before")(_number_as_text)


class SessionIn(BaseModel):
    """The body of POST /sessions and PUT /sessions/{id}. ``id`` and ``url`` are read-only and
    ignored, like any field the vendor does not document.

    ``fields_of_study`` is taken as it comes: the vendor turns a poorly formatted list into no
    fields of study instead of answering an error.
    """

    model_config = ConfigDict(extra="ignore")

    external_id: str | None = None
    name: str | None = None
    location: str | None = None
    description: str | None = None
    date: str | None = None
    start_time: str | None = None
    end_time: str | None = None
    access_code: str | None = None
    moderator_password: str | None = None
    presenters: list[PresenterIn] | None = None
    fields_of_study: Any = None
    learning_objectives: list[str] | None = None
    checkin_required: bool | None = None
    checkout_required: bool | None = None
    checkin_code: str | None = None
    checkout_code: str | None = None
    delivery_format: str | None = None

    _numbers = field_validator(*_TEXT_OR_NUMBER, mode="before")(_number_as_text)
    _lists = field_validator("presenters", "learning_objectives", mode="before")(
        _blank_as_empty_list
    )

    @field_validator("checkin_required", "checkout_required", mode="before")
    @classmethod
    def _blank_is_false(cls, value: Any) -> Any:
        # "" unsets a flag, and an unset flag is false
        if isinstance(value, str) and not value.strip():
            return False
        return value


# --- reading the body ----------------------------------------------------------------------


def _delivery_format(value: Any) -> DeliveryFormat:
    return parse_choice(DeliveryFormat, value, field="delivery_format", noun="a delivery format")


def _flag(body: SessionIn, name: str) -> Change[bool]:
    value = getattr(body, name)
    return KEEP if name not in body.model_fields_set or value is None else bool(value)


def _objectives(body: SessionIn) -> Change[list[str] | None]:
    if "learning_objectives" not in body.model_fields_set or body.learning_objectives is None:
        return KEEP
    return body.learning_objectives or None


def _presenters(body: SessionIn) -> Change[list[PresenterRef]]:
    if "presenters" not in body.model_fields_set or body.presenters is None:
        return KEEP
    return [
        PresenterRef(
            public_id=presenter.id,
            name=presenter.name,
            external_id=change(presenter, "external_id", text),
        )
        for presenter in body.presenters
    ]


def _fields_of_study(body: SessionIn) -> Change[list[FieldOfStudyDraft]]:
    """The vendor's rule: absent or null, no change; poorly formatted, silently none."""
    raw = body.fields_of_study
    if "fields_of_study" not in body.model_fields_set or raw is None:
        return KEEP
    if not isinstance(raw, list):
        return []
    drafts: list[FieldOfStudyDraft] = []
    for entry in raw:
        if not isinstance(entry, dict):
            return []
        name, credits = entry.get("name"), entry.get("credits")
        if not isinstance(name, str) or not name.strip():
            return []
        if isinstance(credits, bool) or not isinstance(credits, str | int | float):
            return []
        try:
            amount = Decimal(str(credits).strip())
        except InvalidOperation:
            return []
        drafts.append(FieldOfStudyDraft(name=name, credits=amount))
    try:
        service.validate_fields_of_study(drafts)
    except InvalidInput:
        return []
    return drafts


def _changes(body: SessionIn, *, name: Change[str]) -> SessionChanges:
    return SessionChanges(
        name=name,
        external_id=change(body, "external_id", text),
        location=change(body, "location", text),
        description=change(body, "description", str),
        date=change(body, "date", date_field("date")),
        start_time=change(body, "start_time", time_field("start_time")),
        end_time=change(body, "end_time", time_field("end_time")),
        access_code=change(body, "access_code", text),
        moderator_password=change(body, "moderator_password", str),
        checkin_required=_flag(body, "checkin_required"),
        checkout_required=_flag(body, "checkout_required"),
        checkin_code=change(body, "checkin_code", text),
        checkout_code=change(body, "checkout_code", text),
        delivery_format=change(body, "delivery_format", _delivery_format),
        learning_objectives=_objectives(body),
        presenters=_presenters(body),
        fields_of_study=_fields_of_study(body),
    )


def session_draft(body: SessionIn) -> SessionDraft:
    """A new session from a POST body: null and "" both leave a field unset."""
    name = change(body, "name", text)
    if not isinstance(name, str) or not name:
        raise InvalidInput("name: a session needs a name", field="name")
    changes = _changes(body, name=name)
    values = {field.name: getattr(changes, field.name) for field in dataclasses.fields(changes)}
    given = {key: value for key, value in values.items() if value is not KEEP and value is not None}
    return SessionDraft(**given)


def session_changes(body: SessionIn) -> SessionChanges:
    """A partial update from a PUT body: null leaves a field as it is, "" unsets it."""
    name = change(body, "name", text)
    if name is None:
        raise InvalidInput("name: a session's name cannot be unset", field="name")
    return _changes(body, name=name)


# --- writing the response ------------------------------------------------------------------


def session_url(base_url: str, event: Event, public_id: str) -> str:
    """The page of the session attendees open."""
    return f"{base_url}/e/{event.uri}/s/{public_id}"


def session_out(session: EventSession, *, event: Event, base_url: str) -> dict[str, Any]:
    """The vendor's Session; needs the room, presenters and fields of study loaded."""
    return scheduled_out(as_scheduled(session), event=event, base_url=base_url)


def scheduled_out(session: ScheduledSession, *, event: Event, base_url: str) -> dict[str, Any]:
    """The vendor's Session, from the schedule's read model of it."""
    return {
        "id": session.public_id,
        "external_id": session.external_id,
        "name": session.name,
        "location": session.location,
        "description": session.description,
        "date": formats.day(session.date),
        "start_time": formats.clock(session.start_time),
        "end_time": formats.clock(session.end_time),
        "access_code": session.access_code,
        "moderator_password": session.moderator_password,
        "checkin_code": session.checkin_code,
        "checkin_required": session.checkin_required,
        "checkout_code": session.checkout_code,
        "checkout_required": session.checkout_required,
        "delivery_format": session.delivery_format,
        "url": session_url(base_url, event, session.public_id),
        "presenters": [
            {"id": p.public_id, "external_id": p.external_id, "name": p.name}
            for p in session.presenters
        ]
        or None,
        "fields_of_study": [
            {"name": f.name, "credits": formats.credits_text(f.credits)}
            for f in session.fields_of_study
        ]
        or None,
        "learning_objectives": session.learning_objectives or None,
    }


_schedule_bodies = BodyCache(max_entries=16, max_bytes=64 * 2**20)


# --- endpoints -----------------------------------------------------------------------------


@router.get("/sessions")
async def get_sessions(request: Request, event: CurrentEvent, uow: Uow) -> Response:
    """The whole schedule, revalidated with a strong ETag: a client that sends the ETag it
    holds gets a 304 for the price of one small query, and a body built once is kept for the
    next client that asks (see BodyCache)."""
    runtime = get_runtime(request)
    base_url = runtime.settings.base_url
    version = await service.schedule_version(uow, event=event)
    key = (runtime.database.url, event.id, event.uri, base_url, version)
    etag = strong_etag(key)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag_matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    body = _schedule_bodies.get(key)
    if body is None:
        sessions = await service.load_schedule(uow, event=event)
        body = orjson.dumps(
            {
                "status": "ok",
                "code": "200",
                "data": {
                    "count": len(sessions),
                    "data": [scheduled_out(s, event=event, base_url=base_url) for s in sessions],
                },
            }
        )
        _schedule_bodies.put(key, body)
    return Response(body, media_type="application/json", headers=headers)


@router.post("/sessions")
async def post_session(
    request: Request, body: SessionIn, event: CurrentEvent, uow: Uow
) -> Response:
    session = await service.create_session(uow, event=event, draft=session_draft(body))
    url = session_url(get_runtime(request).settings.base_url, event, session.public_id)
    return ok({"object": "session", "id": session.public_id, "url": url}, status=201)


@router.get("/sessions/{session_id}")
async def get_session(request: Request, session_id: str, event: CurrentEvent, uow: Uow) -> Response:
    session = await service.load_session(uow, event=event, public_id=session_id)
    return ok(session_out(session, event=event, base_url=get_runtime(request).settings.base_url))


@router.put("/sessions/{session_id}")
async def put_session(session_id: str, body: SessionIn, event: CurrentEvent, uow: Uow) -> Response:
    session = await service.get_session(uow, event=event, public_id=session_id)
    changes = session_changes(body)
    await service.update_session(uow, event=event, session=session, changes=changes)
    return ok(None)


@router.delete("/sessions/{session_id}")
async def delete_session(session_id: str, event: CurrentEvent, uow: Uow) -> Response:
    session = await service.get_session(uow, event=event, public_id=session_id)
    await service.delete_session(uow, session=session)
    return Response(status_code=204)
