"""GET/POST /sessions and GET/PUT/DELETE /sessions/{session_id}: the program's sessions."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema, field_validator

from podium.enums import DeliveryFormat
from podium.kit.changes import KEEP, Change
from podium.kit.choices import parse_choice
from podium.kit.errors import InvalidInput
from podium.models import Event, EventSession
from podium.program import service
from podium.program.service import ScheduledSession, as_scheduled
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionChanges, SessionDraft
from podium.web.api.caching import BodyCache, etag_matches, strong_etag
from podium.web.api.dialects.conferences_io import formats, schemas
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.api.dialects.conferences_io.inputs import (
    DateText,
    TimeText,
    change,
    date_field,
    text,
    time_field,
)
from podium.web.api.routing import DialectRoute
from podium.web.deps import get_runtime

router = APIRouter(route_class=DialectRoute, tags=["Sessions"])


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


# text that integrations often send as a JSON number
TextOrNumber = Annotated[
    str | None,
    WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}),
]
# a blank string means the same as [] for a list, and false for a flag
_BLANK = {"type": "string", "pattern": "^\\s*$"}
# a flag: JSON booleans, and the spellings people and spreadsheets use for them
Flag = Annotated[
    bool | None,
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "boolean"},
                {"type": "null"},
                {"enum": [0, 1]},
                _BLANK,
                {
                    "type": "string",
                    "enum": [
                        "true",
                        "false",
                        "yes",
                        "no",
                        "on",
                        "off",
                        "t",
                        "f",
                        "y",
                        "n",
                        "1",
                        "0",
                    ],
                    "description": "in any case",
                },
            ]
        }
    ),
]

_TEXT_OR_NUMBER = (
    "external_id",
    "access_code",
    "moderator_password",
    "checkin_code",
    "checkout_code",
)


class PresenterIn(BaseModel):
    """A PresenterRef of the vendor. The simplest form passes only ``name``; with no
    ``external_id``, a presenter with the same name is used if there is one. With an
    ``external_id``, the presenter with that external id is used, or made. With ``id``, that
    presenter's name and external id are updated."""

    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(
        default=None,
        description="Internal identifier. If specified, name and external_id will be updated.",
    )
    name: str | None = Field(
        default=None,
        description='Full name of the presenter (include salutations directly, e.g. "John '
        'Johnson, M.D.").',
    )
    external_id: TextOrNumber = Field(
        default=None,
        description="Optional external identifier useful for syncing from a third-party "
        "database; a number is taken as its digits.",
    )

    _external_id_number = field_validator("external_id", mode="before")(_number_as_text)


class SessionIn(BaseModel):
    """The body of POST /sessions and PUT /sessions/{id}. In a PUT, an absent or null field is
    left as it is and "" unsets it; in a POST both leave it unset. ``id`` and ``url`` are
    read-only and ignored, like any field the vendor does not document.

    ``fields_of_study`` is taken as it comes: the vendor turns a poorly formatted list into no
    fields of study instead of answering an error.
    """

    model_config = ConfigDict(extra="ignore")

    external_id: TextOrNumber = Field(
        default=None,
        description="Optional external identifier useful for syncing sessions from a "
        "third-party system.",
    )
    name: str | None = Field(
        default=None,
        description="A label for the session that appears on an app's homepage and the "
        "session header. Required in a POST.",
    )
    location: str | None = Field(
        default=None,
        description='A label for the session\'s location (e.g. "Ballroom A"); a room of the '
        "app of that name, made when there is none.",
    )
    description: str | None = Field(
        default=None, description="A description associated with the session."
    )
    date: DateText = Field(
        default=None,
        description='Session date in YYYY-MM-DD format (preferred); dates like "January 23, '
        '2023" are also parsed. Years 1900 to 2200.',
        examples=["2019-01-24"],
    )
    start_time: TimeText = Field(
        default=None,
        description='Session start time in the event\'s local time: 24-hour HH:MM ("20:00") '
        'preferred; "8pm" or "8:00PM" are also accepted.',
        examples=["08:30:00"],
    )
    end_time: TimeText = Field(
        default=None,
        description="Session end time in the event's local time; same formats as start_time. "
        "Not before start_time.",
        examples=["09:15:00"],
    )
    access_code: TextOrNumber = Field(
        default=None,
        description="A custom access code for searching from a long list of apps. Not used "
        "for attendee authentication.",
    )
    moderator_password: TextOrNumber = Field(
        default=None,
        description="A specific shared moderator password that only works for this session.",
    )
    presenters: Annotated[
        list[PresenterIn] | None,
        WithJsonSchema(
            {
                "anyOf": [
                    {"type": "array", "items": PresenterIn.model_json_schema()},
                    _BLANK,
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(
        default=None,
        description='The session\'s presenters, in order; [] or "" removes them all.',
    )
    fields_of_study: Annotated[
        Any,
        WithJsonSchema(
            {
                "anyOf": [
                    {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "credits": {"anyOf": [{"type": "string"}, {"type": "number"}]},
                            },
                            "required": ["name", "credits"],
                        },
                    },
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(
        default=None,
        description="Both name and credits are required. If fields_of_study is not passed (or "
        "is null), no change is made. Poorly formatted fields_of_study do not produce an "
        "error: the session's fields of study silently become empty.",
    )
    learning_objectives: Annotated[
        list[str] | None,
        WithJsonSchema(
            {"anyOf": [{"type": "array", "items": {"type": "string"}}, _BLANK, {"type": "null"}]}
        ),
    ] = Field(
        default=None,
        description='Optional list of learning objectives; [] or "" removes them.',
    )
    checkin_required: Flag = Field(
        default=None,
        description="Requires attendees to check in before joining the session.",
    )
    checkout_required: Flag = Field(
        default=None,
        description="Allows attendees to check out at the end of the session.",
    )
    checkin_code: TextOrNumber = Field(
        default=None, description="Code required to successfully check in to a session."
    )
    checkout_code: TextOrNumber = Field(
        default=None, description="Code required to successfully check out of a session."
    )
    delivery_format: Annotated[
        str | None,
        WithJsonSchema(
            {
                "anyOf": [
                    {"enum": ["in-person", "virtual", "hybrid"]},
                    {"type": "string"},
                    {"type": "null"},
                ]
            }
        ),
    ] = Field(
        default=None,
        description='One of "in-person", "virtual" or "hybrid" (in any case, trimmed); "" '
        "unsets it.",
    )

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


def _name_required(schema: dict[str, Any]) -> None:
    schema["required"] = ["name"]
    schema["properties"]["name"] = {
        "type": "string",
        "pattern": r"\S",
        "description": "A label for the session that appears on an app's homepage and the "
        "session header.",
    }


class NewSessionIn(SessionIn):
    """The body of POST /sessions: a SessionIn whose ``name`` is required. (Only the document
    says so: the handler's own check answers a missing name in its words, "name: a session
    needs a name".)"""

    model_config = ConfigDict(extra="ignore", json_schema_extra=_name_required)


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


@router.get(
    "/sessions",
    summary="Retrieve a List of Sessions",
    description=(
        "Every session of the app. The answer carries a strong ETag: send it back in If-None- "
        "Match to be answered 304, with no body, while the schedule is unchanged."
    ),
    responses=schemas.revalidated(
        schemas.SessionListResponse, "List of sessions retrieved successfully."
    ),
)
async def get_sessions(
    request: Request, event: CurrentEvent, uow: Uow, if_none_match: schemas.IfNoneMatch = None
) -> Response:
    """The whole schedule, revalidated with a strong ETag: a client that sends the ETag it
    holds gets a 304 for the price of one small query, and a body built once is kept for the
    next client that asks (see BodyCache)."""
    runtime = get_runtime(request)
    base_url = runtime.settings.base_url
    version = await service.schedule_version(uow, event=event)
    key = (runtime.database.url, event.id, event.uri, base_url, version)
    etag = strong_etag(key)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag_matches(if_none_match, etag):
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


@router.post(
    "/sessions",
    summary="Create a Session",
    description=(
        "Creates a new session; it needs a name. date is preferred in YYYY-MM-DD format, but "
        'other date strings like "January 23, 2023" are also parsed; start_time and end_time '
        'are preferred in 24-hour HH:MM format, but "8pm" or "8:00PM" are also accepted, in '
        "the event's local time. Presenters can be created inline via the presenters array."
    ),
    status_code=201,
    responses=schemas.answers(
        schemas.SessionCreatedResponse, "Session created successfully.", status=201
    ),
)
async def post_session(
    request: Request, body: NewSessionIn, event: CurrentEvent, uow: Uow
) -> Response:
    session = await service.create_session(uow, event=event, draft=session_draft(body))
    url = session_url(get_runtime(request).settings.base_url, event, session.public_id)
    return ok({"object": "session", "id": session.public_id, "url": url}, status=201)


@router.get(
    "/sessions/{session_id}",
    summary="Retrieve a Session",
    description=("One session of the app."),
    responses=schemas.answers(schemas.SessionResponse, "Session retrieved successfully."),
)
async def get_session(
    request: Request, session_id: schemas.SessionId, event: CurrentEvent, uow: Uow
) -> Response:
    session = await service.load_session(uow, event=event, public_id=session_id)
    return ok(session_out(session, event=event, base_url=get_runtime(request).settings.base_url))


@router.put(
    "/sessions/{session_id}",
    summary="Update a Session",
    description=(
        "Updates a session: send only the fields to update. A null value means the field is "
        'ignored (no change); to unset a field, pass an empty string (""). Presenters can be '
        "updated inline via the presenters array."
    ),
    responses=schemas.answers(schemas.SuccessResponse, "Session updated successfully."),
)
async def put_session(
    session_id: schemas.SessionId, body: SessionIn, event: CurrentEvent, uow: Uow
) -> Response:
    session = await service.get_session(uow, event=event, public_id=session_id)
    changes = session_changes(body)
    await service.update_session(uow, event=event, session=session, changes=changes)
    return ok(None)


@router.delete(
    "/sessions/{session_id}",
    summary="Delete a Session",
    description=(
        "Deletes the session with its attendance records, polls, questions and evaluation "
        "responses; its presenters and rooms stay."
    ),
    status_code=204,
    responses={204: {"description": "Session deleted successfully. No response body."}},
)
async def delete_session(session_id: schemas.SessionId, event: CurrentEvent, uow: Uow) -> Response:
    session = await service.get_session(uow, event=event, public_id=session_id)
    await service.delete_session(uow, session=session)
    return Response(status_code=204)
