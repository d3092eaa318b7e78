"""Reading the attendee forms: each field as the service that takes it wants it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from starlette.datastructures import FormData

from podium.enums import DeliveryFormat, EvaluationQuestionKind, PollType
from podium.evaluations.types import EvaluationAnswer, EvaluationFormItem
from podium.kit.choices import parse_choice
from podium.kit.errors import InvalidInput
from podium.models import EventSession, Poll

_CHOOSE_FORMAT = "delivery_format: choose how you attend, in person or virtually"


def text_field(form: FormData, name: str) -> str | None:
    value = form.get(name)
    return value if isinstance(value, str) else None


def delivery_format(session: EventSession, form: FormData) -> DeliveryFormat | None:
    """How the attendee attends (``delivery_format``): asked only when the session is hybrid;
    otherwise the check-in takes the session's own format."""
    return chosen_delivery_format(session.delivery_format, text_field(form, "delivery_format"))


def chosen_delivery_format(session_format: str | None, given: str | None) -> DeliveryFormat | None:
    """:func:`delivery_format` for a session whose format is ``session_format``, from the
    field's value ``given``."""
    if session_format != DeliveryFormat.HYBRID:
        return None
    given = (given or "").strip()
    if not given:
        raise InvalidInput(_CHOOSE_FORMAT, field="delivery_format")
    chosen = parse_choice(DeliveryFormat, given, field="delivery_format", noun="a way to attend")
    if chosen is DeliveryFormat.HYBRID:
        raise InvalidInput(_CHOOSE_FORMAT, field="delivery_format")
    return chosen


def _number(value: str | None, *, field: str, what: str) -> int:
    try:
        return int((value or "").strip())
    except ValueError:
        raise InvalidInput(f"{field}: choose {what}", field=field) from None


def vote_fields(poll: Poll, form: FormData) -> dict[str, Any]:
    """``cast_vote``'s answer from the fields of the poll's type: ``choice`` (an index),
    ``choices`` (indexes, repeated), ``rating`` (1..N) or ``text``."""
    kind = PollType(poll.type)
    if kind is PollType.MULTIPLE_CHOICE:
        choice = text_field(form, "choice")
        if not choice:
            raise InvalidInput("choice: choose an answer", field="choice")
        return {"choices": [_number(choice, field="choice", what="an answer")]}
    if kind is PollType.MULTIPLE_ANSWER:
        picked = [value for value in form.getlist("choices") if isinstance(value, str)]
        if not picked:
            raise InvalidInput("choices: choose at least one answer", field="choices")
        return {"choices": [_number(v, field="choices", what="your answers") for v in picked]}
    if kind is PollType.RATING:
        rating = text_field(form, "rating")
        if not rating:
            raise InvalidInput("rating: choose a rating", field="rating")
        return {"rating": _number(rating, field="rating", what="a rating")}
    return {"text": text_field(form, "text") or ""}


def evaluation_field(item: EvaluationFormItem) -> str:
    """The form field of one evaluation item: ``q<question id>``, ``q<id>-p<presenter id>``
    for a question asked per presenter."""
    name = f"q{item.question.id}"
    return f"{name}-p{item.presenter.id}" if item.presenter is not None else name


def evaluation_given(form: FormData, items: Sequence[EvaluationFormItem]) -> dict[str, str]:
    """What the form holds for each item (to show it again when something is missing)."""
    given = {}
    for item in items:
        value = text_field(form, evaluation_field(item))
        if value is not None:
            given[evaluation_field(item)] = value
    return given


def evaluation_answers(
    form: FormData, items: Sequence[EvaluationFormItem]
) -> list[EvaluationAnswer]:
    """One answer per item: rating and choice radios post the label's 1-based position."""
    answers = []
    for item in items:
        value: str | int | None = text_field(form, evaluation_field(item))
        if isinstance(value, str) and item.question.kind != EvaluationQuestionKind.TEXT:
            value = int(value.strip()) if value.strip().isdigit() else value
        answers.append(
            EvaluationAnswer(
                question_id=item.question.id,
                presenter_id=item.presenter.id if item.presenter is not None else None,
                value=value,
            )
        )
    return answers
