"""Use cases of session evaluations: the form's questions, an attendee's answers, the report.

Listing, reordering and removing the questions live in ``questions.py`` (imported here).

``submit_evaluation`` takes ``at`` (default: now) for imports and the demo event.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from functools import partial

from podium.domain_events import EvaluationSubmitted
from podium.enums import EvaluationQuestionKind
from podium.evaluations import repository
from podium.evaluations.errors import InvalidAnswer
from podium.evaluations.questions import get_evaluation_question as get_evaluation_question
from podium.evaluations.questions import list_evaluation_questions as list_evaluation_questions
from podium.evaluations.questions import move_evaluation_question as move_evaluation_question
from podium.evaluations.questions import (
    remove_evaluation_question as remove_evaluation_question,
)
from podium.evaluations.types import (
    EvaluationAnswer,
    EvaluationFormItem,
    EvaluationResponseRecord,
)
from podium.kit.choices import parse_choice
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.writer import Work
from podium.models import (
    Attendee,
    EvaluationQuestion,
    EvaluationResponse,
    Event,
    EventSession,
    Presenter,
)

MAX_QUESTION_LENGTH = 1000
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 500
MIN_RATING_POINTS, MAX_RATING_POINTS = 2, 10
DEFAULT_RATING_LABELS = ["1", "2", "3", "4", "5"]
MAX_TEXT_ANSWER_LENGTH = 5000

# "5 - Great", "4: Good", "3. Fine", "2) Poor", "1" → the number; "3rd row" has none. Up to six
# digits and four decimals, what a response_value column holds.
_LEADING_NUMBER = re.compile(
    r"^\s*([+-]?\d{1,6}(?:\.\d{1,4})?)(?=$|[\s\-\u2013\u2014:.)/,])(?!\.\d)"
)


def _kind(value: EvaluationQuestionKind | str) -> EvaluationQuestionKind:
    return parse_choice(
        EvaluationQuestionKind, value, field="kind", noun="a kind of evaluation question"
    )


def _labels(choices: Sequence[str], *, minimum: int, maximum: int) -> list[str]:
    if isinstance(choices, str):
        raise InvalidInput("choices: give a list of labels", field="choices")
    labels = [str(choice).strip() for choice in choices]
    if not minimum <= len(labels) <= maximum:
        raise InvalidInput(
            f"choices: give between {minimum} and {maximum} labels (got {len(labels)})",
            field="choices",
        )
    seen: set[str] = set()
    for position, label in enumerate(labels, start=1):
        if not label or len(label) > MAX_CHOICE_LENGTH:
            raise InvalidInput(
                f"choices: label {position} must have 1 to {MAX_CHOICE_LENGTH} characters",
                field="choices",
            )
        if label.casefold() in seen:
            raise InvalidInput(f'choices: "{label}" is given twice', field="choices")
        seen.add(label.casefold())
    return labels


def _question_choices(
    kind: EvaluationQuestionKind, choices: Sequence[str] | None
) -> list[str] | None:
    if kind is EvaluationQuestionKind.TEXT:
        if choices:
            raise InvalidInput("choices: a text question takes no choices", field="choices")
        return None
    if kind is EvaluationQuestionKind.RATING:
        if choices is None:
            return list(DEFAULT_RATING_LABELS)
        return _labels(choices, minimum=MIN_RATING_POINTS, maximum=MAX_RATING_POINTS)
    return _labels(choices or [], minimum=2, maximum=MAX_CHOICES)


async def define_evaluation_question(
    uow: UnitOfWork,
    *,
    event: Event,
    text: str,
    kind: EvaluationQuestionKind | str,
    choices: Sequence[str] | None = None,
    session: EventSession | None = None,
    per_presenter: bool = False,
    required: bool = True,
    position: int | None = None,
) -> EvaluationQuestion:
    """Add a question to the evaluation form of every session of ``event``, or of ``session``
    alone.

    Rating questions take 2 to 10 labels for their points, lowest first (e.g. ["1 - Poor", …,
    "5 - Great"]; none means "1".."5"); choice questions take 2 to 20 labels; text questions
    none. ``per_presenter`` questions are answered once for each presenter of the session.
    ``position`` orders the form; None puts the question after the event's others.
    """
    question_kind = _kind(kind)
    body = text.strip()
    if not body or len(body) > MAX_QUESTION_LENGTH:
        raise InvalidInput(
            f"text: a question has 1 to {MAX_QUESTION_LENGTH} characters", field="text"
        )
    labels = _question_choices(question_kind, choices)
    if session is not None and session.event_id != event.id:
        raise InvalidInput("session: that session belongs to another event", field="session")
    question = EvaluationQuestion(
        event_id=event.id,
        session_id=session.id if session is not None else None,
        text=body,
        kind=question_kind.value,
        choices=labels,
        per_presenter=per_presenter,
        required=required,
        position=(
            position
            if position is not None
            else await repository.next_question_position(uow, event=event)
        ),
        created_at=utcnow(),
    )
    uow.session.add(question)
    await uow.session.flush()
    return question


def read_evaluation_form(
    work: Work, *, session_id: int, event_id: int
) -> tuple[list[EvaluationQuestion], list[EvaluationFormItem]]:
    """The questions of the session ``session_id`` of the event ``event_id`` (the event-wide
    ones and the session's own, by position) and the form an attendee answers: each
    per-presenter question once for each of the session's presenters (and not at all when the
    session has none). A read job (``uow.run``, ``Database.read``) of two statements at most,
    the presenters read only for a per-presenter question; the session's, kept in
    ``work.shared`` for the jobs of one read transaction."""
    key = ("evaluation_form", session_id)
    found: tuple[list[EvaluationQuestion], list[EvaluationFormItem]] | None = work.shared.get(key)
    if found is not None:
        return found
    questions = repository.read_form_questions(work, event_id=event_id, session_id=session_id)
    presenters: list[Presenter] = []
    if any(question.per_presenter for question in questions):
        presenters = repository.read_session_presenters(work, session_id=session_id)
    items: list[EvaluationFormItem] = []
    for question in questions:
        if question.per_presenter:
            items.extend(
                EvaluationFormItem(question=question, presenter=presenter)
                for presenter in presenters
            )
        else:
            items.append(EvaluationFormItem(question=question, presenter=None))
    found = work.shared[key] = (questions, items)
    return found


async def _load_form(
    uow: UnitOfWork, session: EventSession
) -> tuple[list[EvaluationQuestion], list[EvaluationFormItem]]:
    return await uow.run(
        partial(read_evaluation_form, session_id=session.id, event_id=session.event_id)
    )


async def evaluation_form(uow: UnitOfWork, *, session: EventSession) -> list[EvaluationFormItem]:
    """The questions an attendee of ``session`` answers, in order: the event-wide ones and the
    session's own by position, each per-presenter question once for each of the session's
    presenters (and not at all when the session has none). Two queries at most
    (:func:`read_evaluation_form`)."""
    _, items = await _load_form(uow, session)
    return items


def _leading_number(label: str) -> Decimal | None:
    match = _LEADING_NUMBER.match(label)
    return Decimal(match.group(1)) if match else None


def _answer_for(
    item: EvaluationFormItem, value: str | int | None, *, field: str
) -> tuple[str, Decimal | None] | None:
    """(response, response_value), or None when ``value`` leaves the question unanswered."""
    question = item.question
    if value is None:
        return None
    if question.kind == EvaluationQuestionKind.TEXT:
        text = str(value).strip()
        if len(text) > MAX_TEXT_ANSWER_LENGTH:
            raise InvalidAnswer(
                f'{field}: the answer to "{question.text}" is longer than '
                f"{MAX_TEXT_ANSWER_LENGTH} characters",
                field=field,
            )
        return (text, None) if text else None
    labels = question.choices or []
    position: int | None = None
    if isinstance(value, str):
        given = value.strip().casefold()
        if not given:
            return None
        folded = [label.casefold() for label in labels]
        position = folded.index(given) + 1 if given in folded else None
    elif isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= len(labels):
        position = value
    if position is None:
        quoted = ", ".join(f'"{label}"' for label in labels)
        raise InvalidAnswer(
            f'{field}: "{value}" is not an answer to "{question.text}"; choose one of {quoted}',
            field=field,
        )
    label = labels[position - 1]
    number = _leading_number(label)
    if number is None and question.kind == EvaluationQuestionKind.RATING:
        number = Decimal(position)
    return label, number


def _form_key(question_id: int, presenter_id: int | None) -> tuple[int, int | None]:
    return question_id, presenter_id


def _item_name(item: EvaluationFormItem) -> str:
    if item.presenter is None:
        return f'"{item.question.text}"'
    return f'"{item.question.text}" for {item.presenter.name}'


def _match_answer(
    answer: EvaluationAnswer,
    *,
    items: dict[tuple[int, int | None], EvaluationFormItem],
    questions: dict[int, EvaluationQuestion],
    field: str,
) -> EvaluationFormItem:
    question = questions.get(answer.question_id)
    if question is None:
        raise InvalidAnswer(
            f"{field}.question_id: question {answer.question_id} is not part of this "
            "session's evaluation",
            field=f"{field}.question_id",
        )
    item = items.get(_form_key(answer.question_id, answer.presenter_id))
    if item is not None:
        return item
    if question.per_presenter and answer.presenter_id is None:
        message = f'"{question.text}" is answered for each presenter; give the presenter_id'
    elif not question.per_presenter:
        message = f'"{question.text}" is not asked per presenter; leave presenter_id out'
    else:
        message = f"presenter {answer.presenter_id} does not present this session"
    raise InvalidAnswer(f"{field}.presenter_id: {message}", field=f"{field}.presenter_id")


async def submit_evaluation(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    answers: Sequence[EvaluationAnswer],
    at: datetime | None = None,
) -> list[EvaluationResponse]:
    """Store ``attendee``'s evaluation of ``session``, replacing any they submitted before.

    Every answer is checked before anything is written: an unknown question, a presenter who
    does not present the session, a second answer to the same question, a value that is not
    one of the labels, or a required question left unanswered raises InvalidAnswer naming the
    question. Each response keeps the answer's text (the label, for rating and choice) and a
    value: the number a label starts with ("5 - Great" → 5), else for a rating the label's
    1-based position, else (choice without a number, text) none. Sets the attendee's check-in
    record's ``evaluation_completed_at`` for this session, when they have one. Locks the
    attendee's row so that two submissions at once cannot both keep their answers. Emits
    EvaluationSubmitted (whose reaction recomputes the attendee's credits when this is the
    record's first evaluation).
    """
    all_questions, form = await _load_form(uow, session)
    items = {_form_key(item.question.id, _presenter_id(item)): item for item in form}
    questions = {question.id: question for question in all_questions}
    given: dict[tuple[int, int | None], tuple[str, Decimal | None]] = {}
    for index, answer in enumerate(answers):
        field = f"answers[{index}]"
        item = _match_answer(answer, items=items, questions=questions, field=field)
        key = _form_key(item.question.id, _presenter_id(item))
        if key in given:
            raise InvalidAnswer(f"{field}: {_item_name(item)} is answered twice", field=field)
        stored = _answer_for(item, answer.value, field=f"{field}.value")
        if stored is not None:
            given[key] = stored
    for item in form:
        if item.question.required and _form_key(item.question.id, _presenter_id(item)) not in given:
            raise InvalidAnswer(f"answers: {_item_name(item)} needs an answer", field="answers")

    await repository.lock_attendee(uow, attendee=attendee)
    await repository.delete_responses(uow, session=session, attendee=attendee)
    now = at or utcnow()
    responses: list[EvaluationResponse] = []
    for item in form:
        key = _form_key(item.question.id, _presenter_id(item))
        if key not in given:
            continue
        response, value = given[key]
        responses.append(
            EvaluationResponse(
                question_id=item.question.id,
                session_id=session.id,
                attendee_id=attendee.id,
                presenter_id=key[1],
                response=response,
                response_value=value,
                submitted_at=now,
            )
        )
    uow.session.add_all(responses)
    await uow.session.flush()
    checkin = await repository.find_checkin(uow, session=session, attendee=attendee)
    first = False
    if checkin is not None:
        first = checkin.evaluation_completed_at is None
        checkin.evaluation_completed_at = now
        await uow.session.flush()
    await uow.emit(
        EvaluationSubmitted(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            attendee_id=attendee.id,
            checkin_id=checkin.id if checkin is not None else None,
            first_on_record=first,
        )
    )
    return responses


def _presenter_id(item: EvaluationFormItem) -> int | None:
    return item.presenter.id if item.presenter is not None else None


async def list_evaluation_responses(
    uow: UnitOfWork, *, event: Event
) -> list[EvaluationResponseRecord]:
    """Every evaluation response of ``event``, by submission time then id; one query."""
    return [
        EvaluationResponseRecord(
            id=response.id,
            session=session,
            attendee=response.attendee,
            presenter=response.presenter,
            question=response.question.text,
            response=response.response,
            response_value=response.response_value,
            submitted_at=response.submitted_at,
        )
        for response, session in await repository.list_event_responses(uow, event=event)
    ]
