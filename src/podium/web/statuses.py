"""The HTTP status of each kind of domain error, the same for every edge that answers HTTP
(a dialect may still answer differently where its vendor's document says so)."""

from __future__ import annotations

from podium.kit.errors import ErrorKind

STATUS_BY_KIND = {
    ErrorKind.INVALID: 400,
    ErrorKind.NOT_FOUND: 404,
    ErrorKind.CONFLICT: 409,
    ErrorKind.UNAUTHENTICATED: 401,
    ErrorKind.FORBIDDEN: 403,
}
