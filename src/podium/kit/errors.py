"""The base of every domain error: a stable code, a kind, and a sentence a person can act on.

Edges map ``kind`` (and, where they need to, ``code``) to their own envelope; no HTTP status here.
Where a vendor's document fixes an error's words ("Too many possible filters"), ``message`` is
exactly those words and ``detail`` Podium's own explanation of what to do; an edge shows both.
"""

from __future__ import annotations

import enum
from typing import ClassVar


class ErrorKind(enum.StrEnum):
    INVALID = "invalid"  # the input is wrong; the message says which field and why
    NOT_FOUND = "not_found"  # nothing of that id in the caller's event
    CONFLICT = "conflict"  # the request clashes with the current state
    UNAUTHENTICATED = "unauthenticated"  # no credentials, or unknown ones
    FORBIDDEN = "forbidden"  # known credentials that may not do this


class PodiumError(Exception):
    code: ClassVar[str] = "error"
    kind: ClassVar[ErrorKind] = ErrorKind.INVALID

    def __init__(
        self, message: str, *, field: str | None = None, detail: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        self.detail = detail

    @property
    def explained(self) -> str:
        """The message followed by the detail, when there is one, for an edge that shows one
        sentence."""
        return f"{self.message}: {self.detail}" if self.detail else self.message


class InvalidInput(PodiumError):
    """A value that cannot be accepted; ``field`` names it."""

    code = "invalid_input"
    kind = ErrorKind.INVALID
