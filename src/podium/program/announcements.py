"""Announcing codewords: a moderator marks the moment a codeword is said in the room, and the
session's screen shows it.

Announcing emits CodewordAnnounced; after the commit the realtime relay sends it on the
session's channel as ``{"type": "codeword.announced", "field_of_study": <its name>}``. Neither
carries the word: the channel reaches every attendee's phone, and the screen fetches what it
shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from podium.domain_events import CodewordAnnounced
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind, PodiumError
from podium.models import Codeword, EventSession
from podium.program import repository
from podium.program.errors import FieldOfStudyNotFound
from podium.program.types import text_key


class CodewordNotFound(PodiumError):
    code = "codeword_not_found"
    kind = ErrorKind.NOT_FOUND


@dataclass(frozen=True, kw_only=True)
class AnnouncedCodeword:
    """The codeword of a field of study announced last, and when."""

    field_of_study: str
    word: str
    announced_at: datetime


async def announce_codeword(
    uow: UnitOfWork,
    *,
    session: EventSession,
    field_of_study_name: str,
    word: str,
    at: datetime | None = None,
) -> Codeword:
    """Record that ``word`` (a codeword of the session's field of study ``field_of_study_name``,
    both matched trimmed and case-insensitively) was announced ``at`` (default: now); emits
    CodewordAnnounced.

    Announcing again moves its time, so it is again the field's latest. FieldOfStudyNotFound or
    CodewordNotFound when the session has no such field or the field no such codeword. Flushes.
    """
    field = await repository.find_field_of_study(
        uow, session=session, name_key=text_key(field_of_study_name)
    )
    if field is None:
        raise FieldOfStudyNotFound(
            f'This session has no field of study named "{field_of_study_name.strip()}".',
            field="field_of_study",
        )
    key = text_key(word)
    codeword = next((item for item in field.codewords if item.word_key == key), None)
    if codeword is None:
        raise CodewordNotFound(
            f'"{word.strip()}" is not a codeword of {field.name}; reload the page to see its '
            "codewords.",
            field="word",
        )
    codeword.announced_at = at or utcnow()
    await uow.session.flush()
    await uow.emit(
        CodewordAnnounced(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            field_of_study=field.name,
            codeword_id=codeword.id,
        )
    )
    return codeword


def latest_announcements(session: EventSession) -> list[AnnouncedCodeword]:
    """For each field of study of ``session`` (in its order) that had a codeword announced, the
    one announced last. Needs the fields of study and their codewords loaded (see
    ``program.service.load_session(..., with_codewords=True)``)."""
    latest: list[AnnouncedCodeword] = []
    for field in session.fields_of_study:
        announced = [item for item in field.codewords if item.announced_at is not None]
        if not announced:
            continue
        last = max(announced, key=lambda item: (item.announced_at, item.position))
        assert last.announced_at is not None
        latest.append(
            AnnouncedCodeword(
                field_of_study=field.name, word=last.word, announced_at=last.announced_at
            )
        )
    return latest
