"""Inputs and read models of session evaluations."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from podium.models import Attendee, EvaluationQuestion, EventSession, Presenter


@dataclass(frozen=True, kw_only=True)
class EvaluationAnswer:
    """One answer of a submitted evaluation.

    ``value``: for rating and choice questions, one of the question's labels (e.g. "5 - Great")
    or its 1-based position among them; for text questions, the text. None or a blank text
    leaves the question unanswered. ``presenter_id`` names the presenter a per-presenter
    question is answered for, and is None for the other questions.
    """

    question_id: int
    presenter_id: int | None = None
    value: str | int | None


@dataclass(frozen=True, kw_only=True)
class EvaluationFormItem:
    """A question as an attendee answers it: per-presenter questions come once per presenter."""

    question: EvaluationQuestion
    presenter: Presenter | None


@dataclass(frozen=True, kw_only=True)
class EvaluationResponseRecord:
    """One stored answer with everything a report shows about it."""

    id: int
    session: EventSession
    attendee: Attendee
    presenter: Presenter | None
    question: str
    response: str
    response_value: Decimal | None
    submitted_at: datetime
