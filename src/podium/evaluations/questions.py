"""Managing the evaluation form's questions: listing, finding, reordering and removing them
(``define_evaluation_question`` in ``service.py`` adds them). Callers import these through
``podium.evaluations.service``.

Every question of an event has a position; a session's form is the event-wide questions and the
session's own, by position. Positions are the event's: moving a question renumbers the event's
questions 1, 2, … so that every form keeps the order of the questions it shares with the list
the question was moved in.
"""

from __future__ import annotations

from podium.evaluations import repository
from podium.evaluations.errors import EvaluationQuestionHasAnswers, EvaluationQuestionNotFound
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import EvaluationQuestion, Event, EventSession


async def list_evaluation_questions(
    uow: UnitOfWork, *, event: Event, session: EventSession | None = None
) -> list[EvaluationQuestion]:
    """The questions asked at every session of ``event``; with ``session``, its whole form
    (those and its own), by position. One query."""
    if session is not None:
        return await repository.list_form_questions(uow, session=session)
    return await repository.list_event_wide_questions(uow, event=event)


async def get_evaluation_question(
    uow: UnitOfWork, *, event: Event, question_id: int
) -> EvaluationQuestion:
    """The question ``question_id`` of ``event``; EvaluationQuestionNotFound for another
    event's (or none)."""
    question = await repository.find_question(uow, event=event, question_id=question_id)
    if question is None:
        raise EvaluationQuestionNotFound(
            f"The event has no evaluation question #{question_id}; list them to see their numbers."
        )
    return question


async def move_evaluation_question(
    uow: UnitOfWork,
    *,
    event: Event,
    question: EvaluationQuestion,
    to: int,
    session: EventSession | None = None,
) -> list[EvaluationQuestion]:
    """Put ``question`` at place ``to`` (1 is first) of the list it is in: the event-wide
    questions, or with ``session`` that session's form. Every other question keeps its order,
    here and on every other form. Renumbers the positions of the event's questions; flushes.
    Returns the list in its new order. InvalidInput for a place outside the list, or a question
    that is not in it (a session's own question is moved within that session's form)."""
    listed = await list_evaluation_questions(uow, event=event, session=session)
    if all(item.id != question.id for item in listed):
        if session is None:
            problem = "is asked at one session only; move it within that session's form"
        else:
            problem = f'is not on the form of the session "{session.name}"'
        raise InvalidInput(f"question: #{question.id} {problem}", field="question")
    others = [item for item in listed if item.id != question.id]
    if not 1 <= to <= len(others) + 1:
        raise InvalidInput(
            f"to: the list has {len(listed)} questions; give a place from 1 to {len(listed)}",
            field="to",
        )
    every = [
        item
        for item in await repository.list_all_questions(uow, event=event)
        if item.id != question.id
    ]
    # before the question that is to follow it in the list, or right after the last one
    if to <= len(others):
        at = _index_of(every, others[to - 1])
    else:
        at = _index_of(every, others[-1]) + 1 if others else 0
    every.insert(at, question)
    for position, item in enumerate(every, start=1):
        item.position = position
    await uow.session.flush()
    return await list_evaluation_questions(uow, event=event, session=session)


async def remove_evaluation_question(
    uow: UnitOfWork, *, question: EvaluationQuestion, with_answers: bool = False
) -> int:
    """Delete ``question`` from every form it is on and return how many answers went with it.
    A question already answered is kept (EvaluationQuestionHasAnswers) unless
    ``with_answers``: the answers are the organizer's data. Flushes."""
    answers = await repository.count_answers(uow, question=question)
    if answers and not with_answers:
        raise EvaluationQuestionHasAnswers(
            f"Question #{question.id} has {answers} answer{'s' if answers != 1 else ''}; "
            "removing it deletes them too. Remove it with its answers, or keep it."
        )
    await uow.session.delete(question)
    await uow.session.flush()
    return answers


def _index_of(questions: list[EvaluationQuestion], question: EvaluationQuestion) -> int:
    return next(index for index, item in enumerate(questions) if item.id == question.id)
