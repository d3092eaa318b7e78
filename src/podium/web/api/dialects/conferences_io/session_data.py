"""GET /sessions/{session_id}/data: a session's polls with their raw responses, and its Q&A.

Shapes (the vendor documents ``PollData`` and leaves the rest open)::

    {"polls": {"<poll id>": {"created": ISO-8601 in the event's zone, "name", "rank", "type",
                             "choices": [labels],
                             "responses": null | [{"response": <answer>, "timestamp": ISO}]}},
     "questions": [{"id", "question", "created", "upvotes", "state", "answered", "pinned",
                    "user": null | {"id", "first_name", "last_name", "email", "external_id"}}]}

A response is what the vote says in the poll's words: the chosen label (multiple_choice), the
chosen labels (multiple_answer), the 1-based rating (rating) or the text (word_cloud,
open_text), oldest first. Poll responses carry no user. Every poll is listed, drafts too, by
rank; every question in any state, oldest first; ``questions`` is ``[]`` when there are none.
"""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from fastapi import APIRouter, Response

from podium.live.service import session_live_data
from podium.live.types import PollResults
from podium.models import Attendee, Question
from podium.program.service import get_session
from podium.web.api.dialects.conferences_io import formats, schemas
from podium.web.api.dialects.conferences_io.auth import CurrentEvent, Uow
from podium.web.api.dialects.conferences_io.envelope import ok
from podium.web.api.routing import DialectRoute

router = APIRouter(route_class=DialectRoute, tags=["Sessions"])


def _poll(results: PollResults, zone: tzinfo) -> dict[str, Any]:
    poll = results.poll
    responses = [
        {"response": answer.answer, "timestamp": formats.instant(answer.cast_at, zone)}
        for answer in results.answers
    ]
    return {
        "created": formats.instant(poll.created_at, zone),
        "name": poll.name,
        "rank": poll.rank,
        "type": poll.type,
        "choices": list(poll.choices),
        "responses": responses or None,
    }


def _user(attendee: Attendee | None) -> dict[str, Any] | None:
    if attendee is None:
        return None
    return {
        "id": str(attendee.id),
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "email": attendee.email,
        "external_id": attendee.external_id,
    }


def _question(question: Question, zone: tzinfo) -> dict[str, Any]:
    return {
        "id": question.public_id,
        "question": question.text,
        "created": formats.instant(question.created_at, zone),
        "upvotes": question.upvote_count,
        "state": question.state,
        "answered": question.answered,
        "pinned": question.pinned,
        "user": _user(question.attendee),
    }


@router.get(
    "/sessions/{session_id}/data",
    summary="Retrieve Session Polling and Q&A Data",
    description=(
        "The session's polls with their raw responses, and its Q&A questions. Not intended "
        "for real-time consumption."
    ),
    responses=schemas.answers(
        schemas.SessionQAResponse, "Session polling and Q&A data retrieved successfully."
    ),
)
async def get_session_data(
    session_id: schemas.SessionId, event: CurrentEvent, uow: Uow
) -> Response:
    session = await get_session(uow, event=event, public_id=session_id)
    data = await session_live_data(uow, session=session)
    zone = formats.event_zone(event)
    return ok(
        {
            "polls": {results.poll.public_id: _poll(results, zone) for results in data.polls},
            "questions": [_question(question, zone) for question in data.questions],
        }
    )
