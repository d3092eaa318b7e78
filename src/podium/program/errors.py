from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class SessionNotFound(PodiumError):
    code = "session_not_found"
    kind = ErrorKind.NOT_FOUND
