"""What one attendee sees of their own record on a session's page: their check-in, codewords
and credits per field of study, note and evaluation — read in one read job of Core statements.
(Their votes and upvotes come with the session's polls and questions: ``podium.live.audience``.)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from sqlalchemy import bindparam, select

from podium.attendance._checks import check_same_event, instant
from podium.attendance.section import (
    Place,
    Record,
    attendee_record,
    entered_codewords,
    session_place,
)
from podium.attendance.types import CodewordTally, FieldOfStudyAttendance
from podium.credits.types import EvaluationRule, FieldFacts
from podium.enums import CheckinAction
from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.models import (
    Attendee,
    CreditAdjustment,
    EvaluationQuestion,
    EvaluationResponse,
    EventSession,
    Presenter,
)
from podium.program.window import session_window


class RecordRef(NamedTuple):
    """The attendee's check-in record of the session (its id)."""

    id: int


class EvaluationAnswerShown(NamedTuple):
    """One stored evaluation answer as the attendee's page shows it."""

    question_text: str
    presenter_name: str | None
    response: str | None
    submitted_at: dt.datetime


@dataclass(frozen=True, kw_only=True)
class AttendeeSessionStatus:
    """One attendee's own record of one session.

    ``checked_in_since`` is the start of the current stay (the latest check-in) while checked
    in; ``checked_out_at`` the latest check-out while checked out. ``fields_of_study`` are the
    session's, with the credits the record shows (an administrator's adjustment, else the
    session's) and the codewords the attendee entered. ``evaluation_answers`` are their stored
    evaluation answers in the form's order.
    ``session_ended``: the session's end (its end time on its date, in the event's time zone;
    the end of that date without an end time) has passed; False for a session without a date.
    ``evaluation_before_checkout``: the session's credit rules ask for the evaluation before
    the attendee checks out.
    The attendance section's own state (the stay, the sessions a check-in leaves, the credit
    at stake) is ``attendance.section``'s.
    """

    checkin: RecordRef | None
    checked_in: bool
    checked_in_since: dt.datetime | None
    checked_out_at: dt.datetime | None
    fields_of_study: tuple[FieldOfStudyAttendance, ...]
    note: str | None
    evaluation_submitted_at: dt.datetime | None
    evaluation_answers: tuple[EvaluationAnswerShown, ...]
    session_ended: bool
    evaluation_before_checkout: bool = False

    @property
    def checked_out(self) -> bool:
        return self.checked_out_at is not None

    @property
    def evaluation_open(self) -> bool:
        """The attendee may evaluate the session: they checked out, or it has ended, or they are
        in it and must evaluate it before checking out."""
        return (
            self.checked_out
            or self.session_ended
            or (self.checked_in and self.evaluation_before_checkout)
        )

    @property
    def evaluation_submitted(self) -> bool:
        return self.evaluation_submitted_at is not None


_ADJUSTMENTS = select(CreditAdjustment.field_of_study_id, CreditAdjustment.credits).where(
    CreditAdjustment.checkin_id == bindparam("checkin_id")
)
_ANSWERS = (
    select(
        EvaluationQuestion.text,
        Presenter.name,
        EvaluationResponse.response,
        EvaluationResponse.submitted_at,
    )
    .join(EvaluationQuestion, EvaluationQuestion.id == EvaluationResponse.question_id)
    .outerjoin(Presenter, Presenter.id == EvaluationResponse.presenter_id)
    .where(
        EvaluationResponse.session_id == bindparam("session_id"),
        EvaluationResponse.attendee_id == bindparam("attendee_id"),
    )
    .order_by(EvaluationQuestion.position, EvaluationQuestion.id, EvaluationResponse.id)
)


async def attendee_session_status(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    at: dt.datetime | None = None,
) -> AttendeeSessionStatus:
    """:func:`read_attendee_status` of ``attendee`` in ``session`` as of ``at`` (default: now),
    in ``uow`` (after what it wrote)."""
    check_same_event(session, attendee)
    return await uow.run(
        partial(
            read_attendee_status,
            session_id=session.id,
            attendee_id=attendee.id,
            now=instant(at),
        )
    )


def read_attendee_status(
    work: Work, *, session_id: int, attendee_id: int, now: dt.datetime
) -> AttendeeSessionStatus:
    """The status of ``attendee_id`` (an attendee of the session's event) in ``session_id`` as
    of ``now`` (aware): a read job (``uow.run``, ``Database.read``). The session's part is
    ``section.session_place`` (two statements, once per read transaction) and the record the
    attendance section reads too (``section.attendee_record``, once per job); then the
    attendee's evaluation answers, and with a record its valid codewords and credit
    adjustments: four statements at most per attendee, whatever the numbers of codewords,
    history entries and answers."""
    place = session_place(work, session_id)
    record = attendee_record(work, session_id=session_id, attendee_id=attendee_id)
    answers = tuple(
        EvaluationAnswerShown(*row)
        for row in work.connection.execute(
            _ANSWERS, {"session_id": session_id, "attendee_id": attendee_id}
        )
    )
    entered: list[int] = []
    adjusted: dict[int, Decimal] = {}
    if record is not None:
        entered = [codeword for codeword, _at in entered_codewords(work, checkin_id=record.id)]
        adjusted = {
            field: credits
            for field, credits in work.connection.execute(_ADJUSTMENTS, {"checkin_id": record.id})
        }
    checked_in = record is not None and record.checked_in
    return AttendeeSessionStatus(
        checkin=RecordRef(record.id) if record is not None else None,
        checked_in=checked_in,
        checked_in_since=_latest(record, CheckinAction.CHECKIN) if checked_in else None,
        checked_out_at=(
            _latest(record, CheckinAction.CHECKOUT)
            if record is not None and not checked_in
            else None
        ),
        fields_of_study=tuple(
            _field_attendance(field, place, entered, adjusted) for field in place.fields
        ),
        note=record.attendee_note if record is not None else None,
        evaluation_submitted_at=(
            record.evaluation_completed_at
            if record is not None and record.evaluation_completed_at is not None
            else max((answer.submitted_at for answer in answers), default=None)
        ),
        evaluation_answers=answers,
        session_ended=place.window[1] is not None and place.window[1] <= now,
        evaluation_before_checkout=place.rules.evaluation_rule == EvaluationRule.FOR_CHECKOUT,
    )


def session_ends_at(session: EventSession, timezone: str | None) -> dt.datetime | None:
    """The instant ``session`` ends (``program.window.session_window``); None without a date."""
    return session_window(session.date, session.start_time, session.end_time, timezone)[1]


def _latest(record: Record | None, action: CheckinAction) -> dt.datetime | None:
    if record is None:
        return None
    times = [at for entry, at in record.history if entry == action]
    if times:
        return max(times)
    # a record made before history was kept still knows its times
    return record.checkin_time if action == CheckinAction.CHECKIN else record.checkout_time


def _field_attendance(
    field: FieldFacts, place: Place, entered: list[int], adjusted: dict[int, Decimal]
) -> FieldOfStudyAttendance:
    """The field's credits on the record and its codewords' tally (valid ones in the order
    entered, missed ones in the session's order)."""
    valid: list[int] = []
    for codeword in entered:
        if codeword in field.codeword_ids and codeword not in valid:
            valid.append(codeword)
    credits = adjusted.get(field.id)
    return FieldOfStudyAttendance(
        name=field.name,
        credits=credits if credits is not None else field.credits,
        credits_adjusted=credits is not None,
        codewords=CodewordTally(
            possible=len(field.codeword_ids),
            valid=tuple(place.words[codeword] for codeword in valid),
            missed=tuple(place.words[c] for c in field.codeword_ids if c not in valid),
        ),
    )
