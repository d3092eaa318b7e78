"""The vendor's response shapes, as the OpenAPI document shows them (names and descriptions
from the vendor's document; where Podium says more, the description says so).

These models only document: handlers write their bodies with orjson (see each resource's
module), and the OpenAPI fuzz run (tests/web/api/test_openapi_fuzz.py) checks every answer
against them. Every field Podium always sends is required; ``null`` is allowed only where
Podium may send it. Podium may add fields (see docs/dialects/conferences-io.md), so objects
allow more.
"""

from __future__ import annotations

from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Header, Path
from pydantic import BaseModel, Field

D = TypeVar("D")

DeliveryFormat = Literal["in-person", "virtual", "hybrid"]

# the parameters the operations share
SessionId = Annotated[str, Path(description='The session\'s short identifier (e.g. "abcd").')]
IfNoneMatch = Annotated[
    str | None,
    Header(
        description="An ETag this client holds (or several, comma-separated, or *): answered "
        "304 with no body while it is current."
    ),
]


class ErrorResponse(BaseModel):
    """Error response envelope."""

    status: Literal["error"]
    code: str = Field(description='The HTTP status, as a string ("404").', examples=["404"])
    message: str = Field(
        description=(
            "A description of the error that occurred. Where the vendor's document gives an "
            'error\'s words ("Too many possible filters"), exactly those words.'
        )
    )
    detail: str | None = Field(
        default=None,
        description=(
            "Podium's own explanation of what to do, beside the vendor's exact words in "
            "`message` (absent otherwise)."
        ),
    )


class Ok(BaseModel, Generic[D]):
    """Success response envelope."""

    status: Literal["ok"]
    code: str = Field(description='The HTTP status, as a string ("200").', examples=["200"])
    data: D = Field(description="Response payload. Shape varies by endpoint and may be null.")


class SuccessResponse(BaseModel):
    """The answer of an update: ``data`` is null."""

    status: Literal["ok"]
    code: Literal["200"]
    data: None


class AppSettings(BaseModel):
    name: str = Field(
        description="A label associated with the app/instance, typically the name of the event."
    )
    url: str = Field(description="The publicly accessible URL for this app (read-only).")
    start_date: str | None = Field(description='Event start date, YYYY-MM-DD ("2019-01-24").')
    end_date: str | None = Field(description='Event end date, YYYY-MM-DD ("2019-01-26").')
    timezone: str | None = Field(
        description='A name from the tz database, like "America/Chicago"; null for none.'
    )
    app_password: str | None = Field(
        description="A shared secret used to password-protect an app before anyone can join."
    )
    moderator_password: str | None = Field(
        description="A shared secret used for session moderators."
    )
    custom_attendee_field_1: str | None = Field(
        description="Flexible label for identifying information associated with attendees."
    )
    custom_attendee_field_2: str | None = Field(description="As custom_attendee_field_1.")
    custom_attendee_field_3: str | None = Field(description="As custom_attendee_field_1.")
    custom_attendee_field_4: str | None = Field(description="As custom_attendee_field_1.")
    custom_attendee_field_5: str | None = Field(description="As custom_attendee_field_1.")


class PresenterSummary(BaseModel):
    id: str = Field(description="Internal identifier, auto-generated on creation.")
    external_id: str | None = Field(
        description="Optional external identifier useful for syncing from a third-party database."
    )
    name: str = Field(description="Full name of the presenter.")


class FieldOfStudy(BaseModel):
    name: str = Field(description="Label for the field of study.")
    credits: str = Field(
        description='Numeric credit value (passed as a string): "2", "2.5".', examples=["2.5"]
    )


class Session(BaseModel):
    id: str = Field(
        description=(
            "A short string used as an identifier for a session. Automatically generated on "
            "creation and cannot be changed."
        )
    )
    external_id: str | None = Field(
        description="Optional external identifier useful for syncing sessions from a "
        "third-party system."
    )
    name: str = Field(
        description="A label for the session that appears on an app's homepage and the session "
        "header, allowing attendees to find and identify the session."
    )
    location: str | None = Field(
        description='A label for the session\'s location (e.g. "Ballroom A").'
    )
    description: str | None = Field(description="A description associated with the session.")
    date: str | None = Field(description="Session date, YYYY-MM-DD.", examples=["2019-01-24"])
    start_time: str | None = Field(
        description="Session start time in the event's local time, HH:MM:SS.",
        examples=["08:30:00"],
    )
    end_time: str | None = Field(
        description="Session end time in the event's local time, HH:MM:SS.",
        examples=["09:15:00"],
    )
    access_code: str | None = Field(
        description="A custom access code for searching from a long list of apps. Not used for "
        "attendee authentication."
    )
    moderator_password: str | None = Field(
        description="A specific shared moderator password that only works for this session."
    )
    checkin_code: str | None = Field(
        description="Code required to successfully check in to a session."
    )
    checkin_required: bool = Field(
        description="Requires attendees to check in before joining the session."
    )
    checkout_code: str | None = Field(
        description="Code required to successfully check out of a session."
    )
    checkout_required: bool = Field(
        description="Allows attendees to check out at the end of the session."
    )
    delivery_format: DeliveryFormat | None = Field(
        description='If configured for a session, one of "in-person", "virtual" or "hybrid".'
    )
    url: str = Field(
        description="A publicly accessible URL for this session, usable for embedding in an "
        "event app."
    )
    presenters: list[PresenterSummary] | None = Field(description="null when there are none.")
    fields_of_study: list[FieldOfStudy] | None = Field(description="null when there are none.")
    learning_objectives: list[str] | None = Field(
        description="Optional list of learning objectives associated with the session."
    )


class SessionListData(BaseModel):
    count: int = Field(description="Number of session records returned in this response.")
    data: list[Session]


class SessionCreated(BaseModel):
    object: Literal["session"]
    id: str = Field(description="The new session's short identifier.")
    url: str = Field(description="The new session's public URL.")


class CountData(BaseModel):
    count: int


class AttendeeUser(BaseModel):
    first_name: str
    last_name: str
    email: str | None
    external_id: str | None
    field_1: str | None
    field_2: str | None
    field_3: str | None
    field_4: str | None
    field_5: str | None


class Codewords(BaseModel):
    possible: int = Field(
        description="The number of codewords that exist for this field of study in the session."
    )
    valid: int = Field(
        description="The number of valid codewords the user submitted for this field of study."
    )
    missed: int = Field(
        description="The number of codewords the user did not submit for this field of study."
    )
    valid_list: list[str] = Field(description="Raw array of submitted codewords.")
    missed_list: list[str] = Field(description="Raw array of codewords the user missed.")


class FieldOfStudyCheckin(BaseModel):
    """Field of study as it appears in a check-in record. If an administrator has manually
    adjusted the awarded credits, that adjusted value is reflected here."""

    name: str
    credits: float = Field(description="The credits awarded in this field, a JSON number.")
    codewords: Codewords


class CheckinHistoryEntry(BaseModel):
    action: Literal["checkin", "checkout"]
    timestamp: str = Field(description="ISO-8601 timestamp for the action.")


class CheckinRecord(BaseModel):
    user: AttendeeUser
    checkin_time: str | None = Field(
        description="ISO-8601 timestamp for the earliest check-in time associated with this "
        "record. Null if check-in has not occurred (a preloaded attendee)."
    )
    checkout_time: str | None = Field(
        description="ISO-8601 timestamp for the latest check-out time associated with this "
        "record. Null if check-out has not occurred."
    )
    checkin_time_actual: str | None = Field(
        description="For most purposes, identical to checkin_time."
    )
    checkout_time_actual: str | None = Field(
        description="For most purposes, identical to checkout_time."
    )
    delivery_format: str | None = Field(
        description='How the attendee attended the session ("in-person" or "virtual"); null '
        "if unknown."
    )
    admin_note: str | None
    attendee_note: str | None
    checkin_source: str | None = Field(description='Podium writes "web", "kiosk" or "api".')
    checkout_source: str | None = Field(
        description='Podium writes "web", "kiosk", "api", "session_end" or "other_session".'
    )
    evaluation_complete: Literal["0", "1"] = Field(
        description="Whether the attendee completed the session evaluation."
    )
    total_time_attended: str | None = Field(
        description='Total attended duration, "HH:MM:SS"; null when no check-in was followed '
        "by a check-out."
    )
    fields_of_study: list[FieldOfStudyCheckin]
    history: list[CheckinHistoryEntry] = Field(
        description="Array of all check-in and check-out actions associated with this record."
    )


class RemovalFilters(BaseModel):
    all: bool
    email: str | None
    external_id: str | None


class RemovalData(BaseModel):
    preview: bool = Field(description="True when nothing was removed (a preview).")
    found: int = Field(description="The number of records the filter selected.")
    checkins: list[CheckinRecord] = Field(
        description="The records removed (or, in a preview, those that would be)."
    )
    filters: RemovalFilters = Field(description="The filters applied, trimmed.")


class PollResponse(BaseModel):
    response: str | list[str] | int = Field(
        description="The chosen label, the chosen labels (multiple answer), the 1-based rating, "
        "or the text."
    )
    timestamp: str


class PollData(BaseModel):
    created: str = Field(description="Poll creation timestamp, ISO-8601.")
    name: str
    rank: int = Field(description="The poll's place among the session's polls (1, 2, …).")
    type: Literal["multiple_choice", "multiple_answer", "rating", "word_cloud", "open_text"]
    choices: list[str]
    responses: list[PollResponse] | None = Field(
        description="Poll response data, oldest first, or null if no responses yet."
    )


class QuestionUser(BaseModel):
    id: str
    first_name: str
    last_name: str
    email: str | None
    external_id: str | None


class QuestionData(BaseModel):
    id: str
    question: str
    created: str
    upvotes: int
    state: Literal["pending", "approved", "dismissed"]
    answered: bool
    pinned: bool
    user: QuestionUser | None = Field(description="null for an anonymous question.")


class SessionQAData(BaseModel):
    polls: dict[str, PollData] = Field(
        description="A map of poll IDs to PollData objects. Keys are poll identifiers."
    )
    questions: list[QuestionData] = Field(description="Q&A question data, oldest first.")


class EvaluationSession(BaseModel):
    name: str
    external_id: str | None


class EvaluationUser(BaseModel):
    id: str
    external_id: str | None
    first_name: str
    last_name: str
    field_1: str | None
    field_2: str | None
    field_3: str | None
    field_4: str | None
    field_5: str | None


class EvaluationPresenter(BaseModel):
    id: str
    name: str
    external_id: str | None


class EvaluationResponse(BaseModel):
    session: EvaluationSession
    user: EvaluationUser
    presenter: EvaluationPresenter | None = Field(
        description="Presenter associated with this evaluation response, if any."
    )
    question: str
    response: str
    response_value: float | None
    timestamp: str = Field(
        description='Timestamp of the response submission, RFC 2822 ("Tue, 21 Jan 2018 '
        '11:47:08 -0500").'
    )


class EvaluationResponseListData(BaseModel):
    count: int
    responses: list[EvaluationResponse]


# the envelopes, named as the document shows them
class AppSettingsResponse(Ok[AppSettings]):
    pass


class SessionListResponse(Ok[SessionListData]):
    pass


class SessionResponse(Ok[Session]):
    pass


class SessionCreatedResponse(Ok[SessionCreated]):
    pass


class CountResponse(Ok[CountData]):
    pass


class AttendanceResponse(Ok[list[CheckinRecord]]):
    pass


class RemovalResponse(Ok[RemovalData]):
    pass


class SessionQAResponse(Ok[SessionQAData]):
    pass


class EvaluationResponsesResponse(Ok[EvaluationResponseListData]):
    pass


# the headers of a revalidated list (GET /sessions, GET /sessions/{id}/attendance)
VALIDATORS = {
    "ETag": {
        "description": "A strong ETag of the body; send it back in If-None-Match.",
        "schema": {"type": "string"},
    },
    "Cache-Control": {
        "description": "private, no-cache: keep the body, but revalidate it before use.",
        "schema": {"type": "string"},
    },
}


def answers(model: type[BaseModel], description: str, *, status: int = 200) -> dict[int | str, Any]:
    """The ``responses=`` of a route that answers ``model`` in the envelope."""
    return {status: {"model": model, "description": description}}


def revalidated(model: type[BaseModel], description: str) -> dict[int | str, Any]:
    """The ``responses=`` of a list with an ETag: 200 with its validators, 304 without a body."""
    return {
        200: {"model": model, "description": description, "headers": VALIDATORS},
        304: {
            "description": "Not Modified: the If-None-Match named the current ETag (or was *).",
            "headers": VALIDATORS,
        },
    }
