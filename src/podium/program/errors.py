"""The program: sessions, rooms, presenters, fields of study and their codewords."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class SessionNotFound(PodiumError):
    code = "session_not_found"
    kind = ErrorKind.NOT_FOUND


class FieldOfStudyNotFound(PodiumError):
    code = "field_of_study_not_found"
    kind = ErrorKind.NOT_FOUND
