"""A dialect's OpenAPI document, made to tell the truth about the failures.

FastAPI documents a 422 that no dialect ever answers (they answer 400) and nothing of the
statuses the floor answers for every operation. :func:`with_failures` removes the one and adds
the others, each with the dialect's error envelope: 400 (every operation: a query parameter's
text can be refused), 401 and 403 (operations that need a credential), 404 (paths with an id),
413 (operations with a request body), 500. A dialect documents its successes (200, 201, 204,
304) on its routes, and any other failure an operation answers, with ``responses=``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

_METHODS = frozenset({"get", "put", "post", "delete", "patch", "head", "options"})
_FASTAPI_VALIDATION_SCHEMAS = ("HTTPValidationError", "ValidationError")
REF = "#/components/schemas/{model}"

FAILURES = {
    400: (
        "The request cannot be accepted: a body that is not JSON or not of the documented "
        "shape, a value Podium cannot read (a date, a time, a choice), or text with a "
        "character that cannot be stored (a NUL or a lone surrogate). The message names the "
        "field and says why."
    ),
    401: "No credential, or one Podium does not know.",
    403: "The credential is disabled, or used from an address outside its allowed networks.",
    404: "There is no such object in the caller's event.",
    413: "The request body is larger than the limit (PODIUM_MAX_BODY_BYTES).",
    500: "Podium failed; nothing was changed.",
}


def _failures_of(path: str, operation: dict[str, Any]) -> list[int]:
    statuses = [400]
    if operation.get("security"):
        statuses += [401, 403]
    if "{" in path:
        statuses.append(404)
    if "requestBody" in operation:
        statuses.append(413)
    return [*statuses, 500]


def with_failures(document: dict[str, Any], *, error: type[BaseModel]) -> dict[str, Any]:
    """``document`` (FastAPI's) with every operation's failures documented in ``error``'s
    shape, and FastAPI's 422 and its schemas gone."""
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    error_schema = error.model_json_schema(ref_template=REF, mode="serialization")
    schemas.update(error_schema.pop("$defs", {}))
    schemas[error.__name__] = error_schema
    answer = {"application/json": {"schema": {"$ref": REF.format(model=error.__name__)}}}
    for path, item in document.get("paths", {}).items():
        for method, operation in item.items():
            if method not in _METHODS:
                continue
            responses: dict[str, Any] = operation.setdefault("responses", {})
            responses.pop("422", None)
            for status in _failures_of(path, operation):
                responses.setdefault(
                    str(status), {"description": FAILURES[status], "content": answer}
                )
            operation["responses"] = dict(sorted(responses.items()))
    for name in _FASTAPI_VALIDATION_SCHEMAS:
        schemas.pop(name, None)
    return document
