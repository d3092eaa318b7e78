"""Errors of the people at an event."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class AttendeeNotFound(PodiumError):
    code = "attendee_not_found"
    kind = ErrorKind.NOT_FOUND
