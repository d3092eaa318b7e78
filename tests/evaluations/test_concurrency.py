"""Two submissions by one attendee at once: the second waits for the first (on PostgreSQL on
the attendee's row lock, on SQLite on the write lock) and then replaces it."""

from __future__ import annotations

import asyncio
from decimal import Decimal

from sqlalchemy import select

from podium.enums import EvaluationQuestionKind
from podium.evaluations.service import define_evaluation_question, submit_evaluation
from podium.evaluations.types import EvaluationAnswer
from podium.events.service import create_event
from podium.kit.db import Database, UnitOfWork
from podium.models import Attendee, EvaluationResponse, EventSession
from tests.factories import make_attendee, make_session


async def test_concurrent_submissions_by_one_attendee_keep_one_set_of_answers(
    db: Database,
) -> None:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="example", name="Example Event")
        session = await make_session(uow, event)
        attendee = await make_attendee(uow, event)
        question = await define_evaluation_question(
            uow, event=event, text="How?", kind=EvaluationQuestionKind.RATING
        )

    async def submit(uow: UnitOfWork, value: int) -> None:
        await submit_evaluation(
            uow,
            session=await uow.session.get_one(EventSession, session.id),
            attendee=await uow.session.get_one(Attendee, attendee.id),
            answers=[EvaluationAnswer(question_id=question.id, value=value)],
        )

    async def second() -> None:
        async with db.unit_of_work() as two:
            await submit(two, 5)

    first = db.unit_of_work()
    try:
        await submit(first, 1)
        task = asyncio.create_task(second())
        await asyncio.sleep(0.3)  # the second submission is now waiting on the first
        await first.commit()
    finally:
        await first.close()
    await task

    async with db.unit_of_work() as uow:
        values = list(await uow.session.scalars(select(EvaluationResponse.response_value)))
    assert values == [Decimal(5)]
