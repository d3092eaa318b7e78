"""Errors of attendance: codes, check-in state, nonces."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class WrongCheckinCode(PodiumError):
    """The session asks for a check-in code and the one given is missing or different."""

    code = "wrong_checkin_code"
    kind = ErrorKind.INVALID


class WrongCheckoutCode(PodiumError):
    code = "wrong_checkout_code"
    kind = ErrorKind.INVALID


class AlreadyCheckedIn(PodiumError):
    code = "already_checked_in"
    kind = ErrorKind.CONFLICT


class NotCheckedIn(PodiumError):
    code = "not_checked_in"
    kind = ErrorKind.CONFLICT


class NonceReused(PodiumError):
    """A nonce that already stands for a different action of the same record."""

    code = "nonce_reused"
    kind = ErrorKind.CONFLICT


class CheckinNotFound(PodiumError):
    code = "checkin_not_found"
    kind = ErrorKind.NOT_FOUND


class EvaluationRequired(PodiumError):
    """The session's rules ask for its evaluation before check-out."""

    code = "evaluation_required"
    kind = ErrorKind.CONFLICT


class CodewordsClosed(PodiumError):
    """A codeword entered outside the session's hours."""

    code = "codewords_closed"
    kind = ErrorKind.CONFLICT
