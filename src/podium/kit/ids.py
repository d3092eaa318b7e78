"""Public identifiers: short, URL-safe, unguessable where they grant access."""

from __future__ import annotations

import hashlib
import hmac
import secrets

_LOWER_ALNUM = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: read aloud and typed by people


def random_id(length: int) -> str:
    return "".join(secrets.choice(_LOWER_ALNUM) for _ in range(length))


def session_id() -> str:
    """A session's short id, as in ``/sessions/abcd2x``."""
    return random_id(6)


def presenter_id() -> str:
    return random_id(24)


def object_id() -> str:
    """Ids of polls, questions and the like."""
    return random_id(12)


API_KEY_PREFIX_LENGTH = 8
_PREFIX_CHARACTERS = frozenset(_LOWER_ALNUM)


def new_api_key() -> tuple[str, str]:
    """A new API key as ``(prefix, key)``; the prefix is the key's visible first part."""
    prefix = random_id(API_KEY_PREFIX_LENGTH)
    return prefix, f"pk_{prefix}_{secrets.token_urlsafe(32)}"


def api_key_prefix(key: str) -> str | None:
    """The prefix of a key made by :func:`new_api_key`, or None when it is not of that form."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != "pk" or len(parts[1]) != API_KEY_PREFIX_LENGTH:
        return None
    # only the characters a prefix is made of: anything else (a NUL) never reaches a query
    if not set(parts[1]) <= _PREFIX_CHARACTERS:
        return None
    return parts[1]


def hash_api_key(key: str) -> str:
    """API keys carry 256 random bits, so a plain SHA-256 is as strong as a slow hash here."""
    return hashlib.sha256(key.encode()).hexdigest()


def same_hash(a: str, b: str) -> bool:
    return hmac.compare_digest(a, b)
