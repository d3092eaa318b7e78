from __future__ import annotations

from podium.kit.errors import ErrorKind, PodiumError


class ApiKeyMissing(PodiumError):
    code = "api_key_missing"
    kind = ErrorKind.UNAUTHENTICATED


class ApiKeyUnknown(PodiumError):
    code = "api_key_unknown"
    kind = ErrorKind.UNAUTHENTICATED


class ApiKeyDisabled(PodiumError):
    code = "api_key_disabled"
    kind = ErrorKind.FORBIDDEN


class AddressNotAllowed(PodiumError):
    code = "address_not_allowed"
    kind = ErrorKind.FORBIDDEN


class ApiKeyNotFound(PodiumError):
    code = "api_key_not_found"
    kind = ErrorKind.NOT_FOUND
