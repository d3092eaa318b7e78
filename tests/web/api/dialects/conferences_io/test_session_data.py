from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from podium.enums import PollType
from podium.kit.db import Database
from podium.live.service import (
    ask_question,
    cast_vote,
    close_poll,
    create_poll,
    open_poll,
    pin_question,
    upvote_question,
)
from podium.models import EventSession
from tests.conftest import Api, make_event_with_key
from tests.factories import make_attendee, make_session

AT = datetime(2026, 6, 1, 13, 30, tzinfo=UTC)  # 08:30 in Chicago (CDT, -05:00)


def local(minutes: int) -> str:
    moment = AT + timedelta(minutes=minutes) - timedelta(hours=5)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + "-05:00"


async def test_get_session_data_without_polls_or_questions(db: Database, api: Api) -> None:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event)

    response = await api.get(f"/sessions/{session.public_id}/data")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "code": "200",
        "data": {"polls": {}, "questions": []},
    }


async def test_get_session_data_returns_polls_with_raw_responses_and_questions(
    db: Database, api: Api
) -> None:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event)
        alex = await make_attendee(uow, api.event, external_id="A-1")
        sam = await make_attendee(uow, api.event, first_name="Sam", last_name="Other", email=None)
        choice = await create_poll(
            uow,
            session=session,
            name="Which topic next?",
            type=PollType.MULTIPLE_CHOICE,
            choices=["Audit", "Tax"],
        )
        many = await create_poll(
            uow,
            session=session,
            name="Which do you use?",
            type="multiple_answer",
            choices=["Excel", "SAP", "Xero"],
        )
        rating = await create_poll(uow, session=session, name="Rate the pace", type="rating")
        cloud = await create_poll(uow, session=session, name="One word?", type="word_cloud")
        draft = await create_poll(uow, session=session, name="Later", type="open_text", rank=0)
        for minutes, poll in enumerate([choice, many, rating, cloud, draft]):
            poll.created_at = AT + timedelta(minutes=minutes)
        for poll in (choice, many, rating, cloud):
            await open_poll(uow, poll=poll)
        votes = [
            await cast_vote(uow, poll=choice, attendee=alex, choices=[1]),
            await cast_vote(uow, poll=choice, attendee=sam, choices=[0]),
            await cast_vote(uow, poll=many, attendee=alex, choices=[2, 0]),
            await cast_vote(uow, poll=rating, attendee=alex, rating=4),
            await cast_vote(uow, poll=cloud, attendee=sam, text="ledgers"),
        ]
        for minutes, vote in enumerate(votes, start=10):
            vote.cast_at = AT + timedelta(minutes=minutes)
        await close_poll(uow, poll=choice)
        asked = await ask_question(uow, session=session, attendee=alex, text="Why audit?")
        anonymous = await ask_question(uow, session=session, attendee=None, text="And tax?")
        pending = await ask_question(
            uow, session=session, attendee=sam, text="Off topic", moderated=True
        )
        for minutes, question in enumerate([asked, anonymous, pending], start=20):
            question.created_at = AT + timedelta(minutes=minutes)
        await upvote_question(uow, question=asked, attendee=sam)
        await pin_question(uow, question=asked)

    response = await api.get(f"/sessions/{session.public_id}/data")

    assert response.status_code == 200
    data = response.json()["data"]
    assert list(data["polls"]) == [
        draft.public_id,
        choice.public_id,
        many.public_id,
        rating.public_id,
        cloud.public_id,
    ]
    assert data["polls"] == {
        draft.public_id: {
            "created": local(4),
            "name": "Later",
            "rank": 0,
            "type": "open_text",
            "choices": [],
            "responses": None,
        },
        choice.public_id: {
            "created": local(0),
            "name": "Which topic next?",
            "rank": 1,
            "type": "multiple_choice",
            "choices": ["Audit", "Tax"],
            "responses": [
                {"response": "Tax", "timestamp": local(10)},
                {"response": "Audit", "timestamp": local(11)},
            ],
        },
        many.public_id: {
            "created": local(1),
            "name": "Which do you use?",
            "rank": 2,
            "type": "multiple_answer",
            "choices": ["Excel", "SAP", "Xero"],
            "responses": [{"response": ["Excel", "Xero"], "timestamp": local(12)}],
        },
        rating.public_id: {
            "created": local(2),
            "name": "Rate the pace",
            "rank": 3,
            "type": "rating",
            "choices": ["1", "2", "3", "4", "5"],
            "responses": [{"response": 4, "timestamp": local(13)}],
        },
        cloud.public_id: {
            "created": local(3),
            "name": "One word?",
            "rank": 4,
            "type": "word_cloud",
            "choices": [],
            "responses": [{"response": "ledgers", "timestamp": local(14)}],
        },
    }
    assert data["questions"] == [
        {
            "id": asked.public_id,
            "question": "Why audit?",
            "created": local(20),
            "upvotes": 1,
            "state": "approved",
            "answered": False,
            "pinned": True,
            "user": {
                "id": str(alex.id),
                "first_name": "Alex",
                "last_name": "Example",
                "email": "attendee@example.com",
                "external_id": "A-1",
            },
        },
        {
            "id": anonymous.public_id,
            "question": "And tax?",
            "created": local(21),
            "upvotes": 0,
            "state": "approved",
            "answered": False,
            "pinned": False,
            "user": None,
        },
        {
            "id": pending.public_id,
            "question": "Off topic",
            "created": local(22),
            "upvotes": 0,
            "state": "pending",
            "answered": False,
            "pinned": False,
            "user": {
                "id": str(sam.id),
                "first_name": "Sam",
                "last_name": "Other",
                "email": None,
                "external_id": None,
            },
        },
    ]


async def test_get_session_data_writes_times_in_utc_for_an_event_without_a_zone(
    db: Database, api: Api
) -> None:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event)
        poll = await create_poll(uow, session=session, name="Q", type="rating")
        poll.created_at = AT
    await api.put("/app", json={"timezone": -1})

    response = await api.get(f"/sessions/{session.public_id}/data")

    assert (
        response.json()["data"]["polls"][poll.public_id]["created"] == "2026-06-01T13:30:00+00:00"
    )


async def test_get_session_data_of_another_events_session_is_not_found(
    db: Database, api: Api
) -> None:
    other_event, _ = await make_event_with_key(db, "other")
    async with db.unit_of_work() as uow:
        theirs = await make_session(uow, other_event)
        await ask_question(uow, session=theirs, attendee=None, text="Secret?")

    response = await api.get(f"/sessions/{theirs.public_id}/data")
    missing = await api.get("/sessions/nosuch/data")

    assert (response.status_code, missing.status_code) == (404, 404)
    assert response.json() == {
        "status": "error",
        "code": "404",
        "message": f'There is no session with the id "{theirs.public_id}" in this app.',
    }
    assert missing.json()["message"] == 'There is no session with the id "nosuch" in this app.'


async def test_get_session_data_needs_an_api_key(db: Database, api: Api) -> None:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event)

    response = await api.client.get(f"/api/v2/sessions/{session.public_id}/data")

    assert response.status_code == 401
    assert response.json()["status"] == "error"


async def _session_with(db: Database, api: Api, rows: int) -> EventSession:
    async with db.unit_of_work() as uow:
        session = await make_session(uow, api.event, name=f"{rows} rows")
        for n in range(rows):
            attendee = await make_attendee(uow, api.event, email=f"a{n}@example.com")
            poll = await create_poll(
                uow, session=session, name=f"Poll {n}", type="multiple_choice", choices=["A", "B"]
            )
            await open_poll(uow, poll=poll)
            await cast_vote(uow, poll=poll, attendee=attendee, choices=[n % 2])
            await ask_question(uow, session=session, attendee=attendee, text=f"Question {n}?")
    return session


async def test_get_session_data_runs_the_same_queries_for_1_and_50_rows(
    db: Database, api: Api, count_queries: Any
) -> None:
    small = await _session_with(db, api, 1)
    large = await _session_with(db, api, 50)

    with count_queries() as at_1:
        one = await api.get(f"/sessions/{small.public_id}/data")
    with count_queries() as at_50:
        fifty = await api.get(f"/sessions/{large.public_id}/data")

    assert (len(one.json()["data"]["polls"]), len(fifty.json()["data"]["questions"])) == (1, 50)
    assert at_1.count == at_50.count
