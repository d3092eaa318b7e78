"""Errors of email proofs."""

from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class WrongCode(PodiumError):
    code = "wrong_code"
    kind = ErrorKind.INVALID


class NoCodePending(PodiumError):
    """This device has no code waiting (never asked, used, or expired)."""

    code = "no_code_pending"
    kind = ErrorKind.CONFLICT


class SignInLinkNotValid(PodiumError):
    code = "sign_in_link_not_valid"
    kind = ErrorKind.NOT_FOUND


class NoEmailToProve(PodiumError):
    code = "no_email_to_prove"
    kind = ErrorKind.CONFLICT
