"""Errors of session evaluations."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, InvalidInput, PodiumError


class InvalidAnswer(InvalidInput):
    """An evaluation answer that cannot be accepted; the message names the question."""

    code = "invalid_evaluation_answer"


class EvaluationQuestionNotFound(PodiumError):
    code = "evaluation_question_not_found"
    kind = ErrorKind.NOT_FOUND


class EvaluationQuestionHasAnswers(PodiumError):
    """Removing a question would delete the answers attendees gave to it."""

    code = "evaluation_question_has_answers"
    kind = ErrorKind.CONFLICT
