from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class EventNotFound(PodiumError):
    code = "event_not_found"
    kind = ErrorKind.NOT_FOUND


class EventUriTaken(PodiumError):
    code = "event_uri_taken"
    kind = ErrorKind.CONFLICT
