from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from podium.enums import EvaluationQuestionKind
from podium.evaluations.service import define_evaluation_question, submit_evaluation
from podium.evaluations.types import EvaluationAnswer
from podium.kit.db import Database
from podium.models import EvaluationResponse
from tests.conftest import Api, make_event_with_key
from tests.factories import add_presenter, make_attendee, make_session

AT = datetime(2026, 6, 1, 16, 47, 8, tzinfo=UTC)  # 11:47:08 in Chicago (CDT, -05:00)


async def test_get_evaluation_responses_without_responses(api: Api) -> None:
    response = await api.get("/evaluations/responses")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "code": "200",
        "data": {"count": 0, "responses": []},
    }


async def test_get_evaluation_responses_returns_every_documented_field(
    db: Database, api: Api
) -> None:
    other_event, _ = await make_event_with_key(db, "other")
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event, name="Breakout A", external_id="S-1")
        jordan = await add_presenter(uow, session, "Jordan Example", external_id="PRESENTER-001")
        alex = await make_attendee(
            uow,
            api.event,
            external_id="A-1",
            field_1="ATTENDEE-001",
            field_2="Yes",
        )
        rating = await define_evaluation_question(
            uow,
            event=api.event,
            text="How was this session?",
            kind=EvaluationQuestionKind.RATING,
            choices=["1 - Poor", "2 - Fair", "3 - Good", "4 - Very good", "5 - Great"],
        )
        hours = await define_evaluation_question(
            uow,
            event=api.event,
            text="Hours well spent?",
            kind=EvaluationQuestionKind.CHOICE,
            choices=["0.5 hours", "2.5 hours"],
        )
        speaker = await define_evaluation_question(
            uow,
            event=api.event,
            text="How was the speaker?",
            kind=EvaluationQuestionKind.TEXT,
            per_presenter=True,
        )
        responses = await submit_evaluation(
            uow,
            session=session,
            attendee=alex,
            answers=[
                EvaluationAnswer(question_id=rating.id, value="5 - Great"),
                EvaluationAnswer(question_id=hours.id, value="2.5 hours"),
                EvaluationAnswer(question_id=speaker.id, presenter_id=jordan.id, value="Clear"),
            ],
        )
        for response in responses:
            response.submitted_at = AT
        their_question = await define_evaluation_question(
            uow, event=other_event, text="Theirs?", kind=EvaluationQuestionKind.TEXT
        )
        await submit_evaluation(
            uow,
            session=await make_session(uow, other_event),
            attendee=await make_attendee(uow, other_event),
            answers=[EvaluationAnswer(question_id=their_question.id, value="Secret")],
        )

    response = await api.get("/evaluations/responses")

    assert response.status_code == 200
    session_fields = {"name": "Breakout A", "external_id": "S-1"}
    user = {
        "id": str(alex.id),
        "external_id": "A-1",
        "first_name": "Alex",
        "last_name": "Example",
        "field_1": "ATTENDEE-001",
        "field_2": "Yes",
        "field_3": None,
        "field_4": None,
        "field_5": None,
    }
    timestamp = "Mon, 01 Jun 2026 11:47:08 -0500"
    assert response.json() == {
        "status": "ok",
        "code": "200",
        "data": {
            "count": 3,
            "responses": [
                {
                    "session": session_fields,
                    "user": user,
                    "presenter": None,
                    "question": "How was this session?",
                    "response": "5 - Great",
                    "response_value": 5,
                    "timestamp": timestamp,
                },
                {
                    "session": session_fields,
                    "user": user,
                    "presenter": None,
                    "question": "Hours well spent?",
                    "response": "2.5 hours",
                    "response_value": 2.5,
                    "timestamp": timestamp,
                },
                {
                    "session": session_fields,
                    "user": user,
                    "presenter": {
                        "id": jordan.public_id,
                        "name": "Jordan Example",
                        "external_id": "PRESENTER-001",
                    },
                    "question": "How was the speaker?",
                    "response": "Clear",
                    "response_value": None,
                    "timestamp": timestamp,
                },
            ],
        },
    }
    assert '"response_value":5,' in response.text


async def test_get_evaluation_responses_orders_by_submission_time_then_id(
    db: Database, api: Api
) -> None:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event)
        question = await define_evaluation_question(
            uow, event=api.event, text="How?", kind=EvaluationQuestionKind.RATING
        )
        stored: list[EvaluationResponse] = []
        for n in range(3):
            attendee = await make_attendee(uow, api.event, first_name=f"P{n}")
            stored += await submit_evaluation(
                uow,
                session=session,
                attendee=attendee,
                answers=[EvaluationAnswer(question_id=question.id, value=n + 1)],
            )
        stored[0].submitted_at = AT + timedelta(minutes=5)
        stored[1].submitted_at = AT
        stored[2].submitted_at = AT

    response = await api.get("/evaluations/responses")

    names = [record["user"]["first_name"] for record in response.json()["data"]["responses"]]
    assert names == ["P1", "P2", "P0"]


async def _responses(db: Database, api: Api, rows: int) -> None:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event, name=f"{rows} rows")
        presenter = await add_presenter(uow, session, f"Presenter {rows}", external_id=f"P-{rows}")
        question = await define_evaluation_question(
            uow,
            event=api.event,
            text="Speaker?",
            kind=EvaluationQuestionKind.RATING,
            session=session,
            per_presenter=True,
        )
        for n in range(rows):
            await submit_evaluation(
                uow,
                session=session,
                attendee=await make_attendee(uow, api.event, email=f"r{rows}-{n}@example.com"),
                answers=[
                    EvaluationAnswer(question_id=question.id, presenter_id=presenter.id, value=3)
                ],
            )


async def test_get_evaluation_responses_runs_the_same_queries_for_1_and_50_rows(
    db: Database, api: Api, count_queries: Any
) -> None:
    await _responses(db, api, 1)
    with count_queries() as at_1:
        one = await api.get("/evaluations/responses")
    await _responses(db, api, 49)
    with count_queries() as at_50:
        fifty = await api.get("/evaluations/responses")

    assert (one.json()["data"]["count"], fifty.json()["data"]["count"]) == (1, 50)
    assert at_1.count == at_50.count
