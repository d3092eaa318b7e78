"""Codewords: the words a speaker announces, entered by attendees to prove their presence."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError

from podium.attendance import repository
from podium.attendance._checks import (
    check_same_event,
    clean_nonce,
    field_of_study_named,
    instant,
)
from podium.attendance.errors import CodewordsClosed, NonceReused, NotCheckedIn
from podium.attendance.types import CodewordResult, CodewordTally
from podium.domain_events import CodewordAccepted
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import (
    Attendee,
    Codeword,
    CodewordSubmission,
    Event,
    EventSession,
    FieldOfStudy,
)
from podium.program.window import session_window

WORD_MAX_LENGTH = 255
_ATTEMPTS = 2


async def submit_codeword(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    field_of_study_name: str,
    word: str,
    nonce: str | None = None,
    at: datetime | None = None,
) -> CodewordResult:
    """Record the word ``attendee`` entered for a field of study of ``session``.

    The word is matched trimmed and case-insensitively against the field's codewords. A new
    valid word is recorded with its codeword; a valid word already submitted records nothing
    (``already_submitted``); a word that is no codeword is recorded without one and the result
    says it was not accepted — it raises nothing, so the attempt is kept (for rate limits).
    A ``nonce`` this record already used returns the first result and records nothing.

    Fails with InvalidInput for an unknown field of study or a blank word, NotCheckedIn when
    the attendee is not checked in, CodewordsClosed outside the session's hours (a codeword
    proves presence only while the session runs). Locks the attendee's record row; flushes;
    a new valid codeword emits CodewordAccepted, which recomputes the attendee's credits.
    """
    check_same_event(session, attendee)
    nonce = clean_nonce(nonce)
    when = instant(at)
    field = await field_of_study_named(uow, session_id=session.id, name=field_of_study_name)
    text = word.strip()
    if not text:
        raise InvalidInput("word: enter the codeword you heard in the session", field="word")
    if len(text) > WORD_MAX_LENGTH:
        raise InvalidInput(
            f"word: is {len(text)} characters long; the limit is {WORD_MAX_LENGTH}", field="word"
        )
    codeword = _matching_codeword(field.codewords, text)
    await _check_session_runs(uow, session, when)
    for attempt in range(_ATTEMPTS):
        record = await repository.lock_checkin(uow, session_id=session.id, attendee_id=attendee.id)
        if record is not None and nonce is not None:
            first = await repository.find_codeword_submission_by_nonce(
                uow, checkin_id=record.id, nonce=nonce
            )
            if first is not None:
                if first.field_of_study_id != field.id:
                    raise NonceReused(
                        "nonce: this nonce was already used for another field of study; "
                        "send a new one.",
                        field="nonce",
                    )
                submissions = await repository.list_codeword_submissions(
                    uow, checkin_id=record.id, field_of_study_id=field.id
                )
                return _result(field, submissions, accepted=first.codeword_id is not None)
        if record is None or not record.checked_in:
            raise NotCheckedIn("Check in to this session before entering its codewords.")
        submissions = await repository.list_codeword_submissions(
            uow, checkin_id=record.id, field_of_study_id=field.id
        )
        if codeword is not None and any(s.codeword_id == codeword.id for s in submissions):
            return _result(field, submissions, accepted=True, already_submitted=True)
        submission = CodewordSubmission(
            checkin_id=record.id,
            field_of_study_id=field.id,
            codeword_id=codeword.id if codeword is not None else None,
            text=text,
            nonce=nonce,
            submitted_at=when,
        )
        try:
            async with uow.session.begin_nested():
                uow.session.add(submission)
        except IntegrityError:
            if attempt + 1 == _ATTEMPTS:
                raise
            continue
        if codeword is not None:
            await uow.emit(
                CodewordAccepted(
                    event_id=session.event_id,
                    session_id=session.id,
                    session_public_id=session.public_id,
                    attendee_id=attendee.id,
                    checkin_id=record.id,
                    field_of_study_id=field.id,
                    codeword_id=codeword.id,
                )
            )
        return _result(field, [*submissions, submission], accepted=codeword is not None)
    raise AssertionError("unreachable")  # pragma: no cover


async def _check_session_runs(uow: UnitOfWork, session: EventSession, when: datetime) -> None:
    event = await uow.session.get(Event, session.event_id)
    timezone = event.timezone if event is not None else None
    starts, ends = session_window(session.date, session.start_time, session.end_time, timezone)
    if starts is None or ends is None or starts <= when <= ends:
        return
    zone = ZoneInfo(timezone) if timezone else UTC
    hours = f"{starts.astimezone(zone):%H:%M} to {ends.astimezone(zone):%H:%M}"
    if when < starts:
        raise CodewordsClosed(
            f"This session has not started yet: enter its codewords while it runs ({hours})."
        )
    raise CodewordsClosed(
        f"This session has ended ({hours}): codewords can no longer be entered for it."
    )


def tally_codewords(
    field: FieldOfStudy, submissions: Iterable[CodewordSubmission]
) -> CodewordTally:
    """The valid/missed bookkeeping of one field from a record's submissions (any field's)."""
    words = {codeword.id: codeword.word for codeword in field.codewords}
    valid_ids: list[int] = []
    for submission in submissions:
        codeword_id = submission.codeword_id
        if codeword_id is not None and codeword_id in words and codeword_id not in valid_ids:
            valid_ids.append(codeword_id)
    return CodewordTally(
        possible=len(field.codewords),
        valid=tuple(words[codeword_id] for codeword_id in valid_ids),
        missed=tuple(c.word for c in field.codewords if c.id not in valid_ids),
    )


def _matching_codeword(codewords: Iterable[Codeword], text: str) -> Codeword | None:
    key = text.casefold()
    return next((c for c in codewords if c.word.strip().casefold() == key), None)


def _result(
    field: FieldOfStudy,
    submissions: Iterable[CodewordSubmission],
    *,
    accepted: bool,
    already_submitted: bool = False,
) -> CodewordResult:
    return CodewordResult(
        accepted=accepted,
        already_submitted=already_submitted,
        field_of_study=field.name,
        codewords=tally_codewords(field, submissions),
    )
