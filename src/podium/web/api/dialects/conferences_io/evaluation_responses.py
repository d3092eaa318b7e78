"""GET /evaluations/responses: every evaluation answer of the event, one record per question
and answer, by submission time (then by id). ``timestamp`` is RFC 2822 in the event's zone, as
the vendor writes it; ``response_value`` a JSON number or null; ``presenter`` null unless the
question was asked per presenter. No paging: the vendor documents none."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from fastapi import APIRouter, Response

from podium.evaluations.service import list_evaluation_responses
from podium.evaluations.types import EvaluationResponseRecord
from podium.models import Attendee, Presenter
from podium.web.api.dialects.conferences_io import formats, schemas
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.api.routing import DialectRoute

router = APIRouter(route_class=DialectRoute, tags=["Session Evaluations"])


def _user(attendee: Attendee) -> dict[str, Any]:
    return {
        "id": str(attendee.id),
        "external_id": attendee.external_id,
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "field_1": attendee.field_1,
        "field_2": attendee.field_2,
        "field_3": attendee.field_3,
        "field_4": attendee.field_4,
        "field_5": attendee.field_5,
    }


def _presenter(presenter: Presenter | None) -> dict[str, Any] | None:
    if presenter is None:
        return None
    return {"id": presenter.public_id, "name": presenter.name, "external_id": presenter.external_id}


def _response(record: EvaluationResponseRecord, zone: tzinfo) -> dict[str, Any]:
    value = record.response_value
    return {
        "session": {"name": record.session.name, "external_id": record.session.external_id},
        "user": _user(record.attendee),
        "presenter": _presenter(record.presenter),
        "question": record.question,
        "response": record.response,
        "response_value": formats.credits_number(value) if value is not None else None,
        "timestamp": formats.rfc2822(record.submitted_at, zone),
    }


@router.get(
    "/evaluations/responses",
    summary="Retrieve All Evaluation Response Data",
    description=(
        "Every session evaluation answer of the app: one record per question and response, "
        "with its session, user and, for questions asked per presenter, the presenter."
    ),
    responses=schemas.answers(
        schemas.EvaluationResponsesResponse, "Evaluation responses retrieved successfully."
    ),
)
async def get_evaluation_responses(event: CurrentEvent, uow: Uow) -> Response:
    records = await list_evaluation_responses(uow, event=event)
    zone = formats.event_zone(event)
    responses = [_response(record, zone) for record in records]
    return ok({"count": len(responses), "responses": responses})
