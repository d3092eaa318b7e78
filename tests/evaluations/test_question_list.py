"""Managing the evaluation form: listing its questions, moving one, removing one."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from podium.enums import EvaluationQuestionKind
from podium.evaluations.errors import EvaluationQuestionHasAnswers, EvaluationQuestionNotFound
from podium.evaluations.service import (
    define_evaluation_question,
    get_evaluation_question,
    list_evaluation_questions,
    move_evaluation_question,
    remove_evaluation_question,
    submit_evaluation,
)
from podium.evaluations.types import EvaluationAnswer
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind, InvalidInput
from podium.models import Attendee, EvaluationQuestion, EvaluationResponse, Event, EventSession
from tests.factories import make_session

TEXT = EvaluationQuestionKind.TEXT


async def _questions(
    uow: UnitOfWork, event: Event, texts: str, session: EventSession | None = None
) -> list[EvaluationQuestion]:
    return [
        await define_evaluation_question(uow, event=event, text=text, kind=TEXT, session=session)
        for text in texts
    ]


def _texts(questions: list[EvaluationQuestion]) -> str:
    return "".join(question.text for question in questions)


async def test_list_evaluation_questions_of_the_event_or_of_a_session(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other = await make_session(uow, event, name="Other")
    await _questions(uow, event, "AB")
    await _questions(uow, event, "s", session)
    await _questions(uow, event, "o", other)
    await _questions(uow, event, "C")

    assert _texts(await list_evaluation_questions(uow, event=event)) == "ABC"
    assert _texts(await list_evaluation_questions(uow, event=event, session=session)) == "ABsC"


async def test_get_evaluation_question_of_another_event_is_not_found(
    uow: UnitOfWork, event: Event
) -> None:
    other = await create_event(uow, uri="other", name="Other", timezone=None)
    (theirs,) = await _questions(uow, other, "X")

    with pytest.raises(EvaluationQuestionNotFound) as caught:
        await get_evaluation_question(uow, event=event, question_id=theirs.id)

    assert (caught.value.kind, caught.value.message) == (
        ErrorKind.NOT_FOUND,
        f"The event has no evaluation question #{theirs.id}; list them to see their numbers.",
    )


@pytest.mark.parametrize(
    ("moved", "to", "order"),
    [("A", 3, "BCAD"), ("D", 1, "DABC"), ("B", 4, "ACDB"), ("C", 3, "ABCD")],
)
async def test_move_evaluation_question_to_a_place_of_the_event_list(
    uow: UnitOfWork, event: Event, moved: str, to: int, order: str
) -> None:
    questions = {q.text: q for q in await _questions(uow, event, "ABCD")}

    listed = await move_evaluation_question(uow, event=event, question=questions[moved], to=to)

    assert _texts(listed) == order
    assert _texts(await list_evaluation_questions(uow, event=event)) == order


async def test_move_evaluation_question_keeps_every_other_forms_order(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other = await make_session(uow, event, name="Other")
    a, b = await _questions(uow, event, "AB")
    (own,) = await _questions(uow, event, "s", session)
    (theirs,) = await _questions(uow, event, "o", other)
    await _questions(uow, event, "C")

    first = await move_evaluation_question(uow, event=event, question=own, to=1, session=session)
    shared = await move_evaluation_question(uow, event=event, question=a, to=2, session=session)

    assert (_texts(first), _texts(shared)) == ("sABC", "sABC")
    moved_b = await move_evaluation_question(uow, event=event, question=b, to=1)
    assert _texts(moved_b) == "BAC"
    assert _texts(await list_evaluation_questions(uow, event=event, session=session)) == "sBAC"
    # the other session's own question stays after the questions it followed
    assert _texts(await list_evaluation_questions(uow, event=event, session=other)) == "BAoC"
    assert theirs.position > a.position


@pytest.mark.parametrize("to", [0, 4])
async def test_move_evaluation_question_outside_the_list_is_refused(
    uow: UnitOfWork, event: Event, to: int
) -> None:
    first, *_ = await _questions(uow, event, "ABC")

    with pytest.raises(InvalidInput) as caught:
        await move_evaluation_question(uow, event=event, question=first, to=to)

    assert (caught.value.field, caught.value.message) == (
        "to",
        "to: the list has 3 questions; give a place from 1 to 3",
    )
    assert _texts(await list_evaluation_questions(uow, event=event)) == "ABC"


async def test_move_evaluation_question_of_a_session_needs_its_form(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other = await make_session(uow, event, name="Other")
    (own,) = await _questions(uow, event, "s", session)

    with pytest.raises(InvalidInput) as without_session:
        await move_evaluation_question(uow, event=event, question=own, to=1)
    with pytest.raises(InvalidInput) as elsewhere:
        await move_evaluation_question(uow, event=event, question=own, to=1, session=other)

    assert without_session.value.message == (
        f"question: #{own.id} is asked at one session only; move it within that session's form"
    )
    assert elsewhere.value.message == (
        f'question: #{own.id} is not on the form of the session "Other"'
    )


async def _answered(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, question: EvaluationQuestion
) -> None:
    await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[EvaluationAnswer(question_id=question.id, value="Fine")],
    )


async def _answers(uow: UnitOfWork) -> int:
    return int(await uow.session.scalar(select(func.count()).select_from(EvaluationResponse)) or 0)


async def test_remove_evaluation_question_without_answers(uow: UnitOfWork, event: Event) -> None:
    a, _b = await _questions(uow, event, "AB")

    assert await remove_evaluation_question(uow, question=a) == 0
    assert _texts(await list_evaluation_questions(uow, event=event)) == "B"


async def test_remove_evaluation_question_keeps_one_with_answers_unless_told(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    (question,) = await _questions(uow, event, "A")
    await _answered(uow, session, attendee, question)

    with pytest.raises(EvaluationQuestionHasAnswers) as caught:
        await remove_evaluation_question(uow, question=question)
    kept = _texts(await list_evaluation_questions(uow, event=event))
    removed = await remove_evaluation_question(uow, question=question, with_answers=True)

    assert (caught.value.kind, caught.value.message) == (
        ErrorKind.CONFLICT,
        f"Question #{question.id} has 1 answer; removing it deletes them too. "
        "Remove it with its answers, or keep it.",
    )
    assert (kept, removed) == ("A", 1)
    assert _texts(await list_evaluation_questions(uow, event=event)) == ""
    assert await _answers(uow) == 0
