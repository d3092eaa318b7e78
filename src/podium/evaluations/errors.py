"""Errors of session evaluations."""

from __future__ import annotations

from podium.kit.errors import InvalidInput


class InvalidAnswer(InvalidInput):
    """An evaluation answer that cannot be accepted; the message names the question."""

    code = "invalid_evaluation_answer"
