"""Text that cannot be stored, refused where it enters so that no accepted write breaks a read.

Two characters are refused in every text a request or a form brings, on both databases:

- a lone surrogate (``"\\ud800"`` in JSON, or the UTF-8 bytes of one): Python holds it, but no
  database driver can encode it, and a JSON column that stored it as an escape makes every later
  read of that row fail;
- NUL (``"\\u0000"``): PostgreSQL's text type cannot hold it. SQLite could, but the same request
  gets the same answer whichever database serves it, so it is refused there too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from podium.kit.errors import InvalidInput

# paired surrogates never survive decoding (JSON and UTF-8 join them into one character), so any
# surrogate left in a str is alone
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# a JSON document can carry either character only as a \u escape or as a surrogate's UTF-8 bytes
# (ED A0..BF), which Python's JSON decoder lets through; a body without both needs no walk
_JSON_ESCAPE = b"\\u"
_SURROGATE_LEAD_BYTE = b"\xed"


class UnstorableText(InvalidInput):
    """Text with a character no database of Podium's can store; ``field`` names where."""

    code = "unstorable_text"


@dataclass(frozen=True)
class Unstorable:
    field: str  # "learning_objectives[0]", "[1].email", "" for the value itself
    reason: str  # "a lone surrogate" or "a NUL character"
    in_name: bool = False  # the character is in a field's name, not in its value

    @property
    def message(self) -> str:
        where = self.field or "the request"
        what = "a field name contains" if self.in_name else "contains"
        return f"{where}: {what} a character that cannot be stored ({self.reason}); remove it."


def unstorable_reason(text: str) -> str | None:
    """Why ``text`` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "a NUL character" if found.group() == "\x00" else "a lone surrogate"


def find_unstorable(value: object, *, field: str = "") -> Unstorable | None:
    """The first text in ``value`` (a str, or lists and mappings of them, as JSON and forms
    decode) that cannot be stored, with the path to it; None when there is none."""
    if isinstance(value, str):
        reason = unstorable_reason(value)
        return Unstorable(field, reason) if reason else None
    if isinstance(value, Mapping):
        for key, item in value.items():
            if isinstance(key, str):
                reason = unstorable_reason(key)
                if reason:
                    return Unstorable(field, reason, in_name=True)
            found = find_unstorable(item, field=f"{field}.{key}" if field else str(key))
            if found is not None:
                return found
        return None
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = find_unstorable(item, field=f"{field}[{index}]")
            if found is not None:
                return found
    return None


def check_storable(value: object, *, field: str = "") -> None:
    """Raise UnstorableText naming the first text in ``value`` that cannot be stored."""
    found = find_unstorable(value, field=field)
    if found is not None:
        raise UnstorableText(found.message, field=found.field)


def json_may_be_unstorable(body: bytes) -> bool:
    """False when the JSON document ``body`` cannot decode to unstorable text, so that most
    bodies are never walked; True when it may."""
    return _JSON_ESCAPE in body or _SURROGATE_LEAD_BYTE in body
