"""The dialect's words for the failures the floor answers (web/api/failures.py).

Podium answers client mistakes with 4xx where the vendor documents 500 (see
docs/dialects/conferences-io.md).
"""

from __future__ import annotations

from podium.web.api.failures import ErrorWords
from podium.web.api.validation import InvalidRequest


def validation_message(problem: InvalidRequest) -> str:
    if problem.not_json is not None:
        return f"The request body is not valid JSON ({problem.not_json}); send a JSON document."
    if not problem.field:
        return f"The request body is not of the expected shape: {problem.reason}."
    return f"{problem.field}: {problem.reason}."


WORDS = ErrorWords(
    unknown_path="There is no such endpoint in the API v2; check the method and path.",
    wrong_method="This endpoint does not support that HTTP method.",
    unreadable_body="The request body could not be read; send a JSON document.",
    unexpected="An unexpected error occurred; nothing was changed. Try again.",
    invalid_request=validation_message,
)
