"""Errors of mail."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class MailNotSent(PodiumError):
    """One try to send a mail failed; ``permanent`` when trying again cannot help (the
    server refused the address for good)."""

    code = "mail_not_sent"
    kind = ErrorKind.CONFLICT

    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
