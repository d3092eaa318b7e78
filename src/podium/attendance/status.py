"""What one attendee sees of their own record on a session's page: their check-in, codewords
and credits per field of study, note and evaluation — read in one use case. (Their votes and
upvotes come with the session's polls and questions: ``podium.live.audience``.)"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from podium.attendance import status_repository
from podium.attendance._checks import check_same_event, instant
from podium.attendance.codewords import tally_codewords
from podium.attendance.types import FieldOfStudyAttendance
from podium.credits.service import credit_rules
from podium.credits.types import EvaluationRule
from podium.enums import CheckinAction
from podium.kit.db import UnitOfWork
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    EvaluationResponse,
    Event,
    EventSession,
    FieldOfStudy,
)
from podium.program.window import session_window


@dataclass(frozen=True, kw_only=True)
class AttendeeSessionStatus:
    """One attendee's own record of one session.

    ``checked_in_since`` is the start of the current stay (the latest check-in) while checked
    in; ``checked_out_at`` the latest check-out while checked out. ``fields_of_study`` are the
    session's, with the credits the record shows (an administrator's adjustment, else the
    session's) and the codewords the attendee entered. ``evaluation_answers`` are their stored
    evaluation answers in the form's order (question and presenter loaded).
    ``session_ended``: the session's end (its end time on its date, in the event's time zone;
    the end of that date without an end time) has passed; False for a session without a date.
    ``evaluation_before_checkout``: the session's credit rules ask for the evaluation before
    the attendee checks out.
    The attendance section's own state (the stay, the sessions a check-in leaves, the credit
    at stake) is ``attendance.section``'s.
    """

    checkin: Checkin | None
    checked_in: bool
    checked_in_since: dt.datetime | None
    checked_out_at: dt.datetime | None
    fields_of_study: tuple[FieldOfStudyAttendance, ...]
    note: str | None
    evaluation_submitted_at: dt.datetime | None
    evaluation_answers: tuple[EvaluationResponse, ...]
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


async def attendee_session_status(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee,
    at: dt.datetime | None = None,
) -> AttendeeSessionStatus:
    """``attendee``'s status in ``session`` as of ``at`` (default: now). Reads only; at most
    nine queries whatever the numbers of codewords, history entries and answers."""
    check_same_event(session, attendee)
    now = instant(at)
    checkin = await status_repository.find_checkin_with_details(
        uow, session_id=session.id, attendee_id=attendee.id
    )
    fields = await status_repository.list_fields_of_study(uow, session_id=session.id)
    answers = await status_repository.list_evaluation_responses(
        uow, session_id=session.id, attendee_id=attendee.id
    )
    # the caller found the session through its event: an identity-map hit, no query
    event = await uow.session.get(Event, session.event_id)
    timezone = event.timezone if event is not None else None
    window = session_window(session.date, session.start_time, session.end_time, timezone)
    rules = await credit_rules(uow, session=session)
    checked_in = checkin is not None and checkin.checked_in
    since = _latest(checkin, CheckinAction.CHECKIN) if checked_in else None
    return AttendeeSessionStatus(
        checkin=checkin,
        checked_in=checked_in,
        checked_in_since=since,
        checked_out_at=(
            _latest(checkin, CheckinAction.CHECKOUT)
            if checkin is not None and not checked_in
            else None
        ),
        fields_of_study=tuple(_field_attendance(field, checkin) for field in fields),
        note=checkin.attendee_note if checkin is not None else None,
        evaluation_submitted_at=_evaluation_submitted_at(checkin, answers),
        evaluation_answers=tuple(answers),
        session_ended=window[1] is not None and window[1] <= now,
        evaluation_before_checkout=rules.evaluation_rule == EvaluationRule.FOR_CHECKOUT,
    )


def session_ends_at(session: EventSession, timezone: str | None) -> dt.datetime | None:
    """The instant ``session`` ends (``program.window.session_window``); None without a date."""
    return session_window(session.date, session.start_time, session.end_time, timezone)[1]


def _latest(checkin: Checkin | None, action: CheckinAction) -> dt.datetime | None:
    if checkin is None:
        return None
    entries: Sequence[CheckinHistoryEntry] = checkin.history
    times = [entry.at for entry in entries if entry.action == action]
    if times:
        return max(times)
    # a record made before history was kept still knows its times
    return checkin.checkin_time if action == CheckinAction.CHECKIN else checkin.checkout_time


def _field_attendance(field: FieldOfStudy, checkin: Checkin | None) -> FieldOfStudyAttendance:
    adjustments = (
        {a.field_of_study_id: a for a in checkin.credit_adjustments} if checkin is not None else {}
    )
    adjusted = adjustments.get(field.id)
    return FieldOfStudyAttendance(
        name=field.name,
        credits=adjusted.credits if adjusted is not None else field.credits,
        credits_adjusted=adjusted is not None,
        codewords=tally_codewords(field, checkin.codeword_submissions if checkin else ()),
    )


def _evaluation_submitted_at(
    checkin: Checkin | None, answers: Sequence[EvaluationResponse]
) -> dt.datetime | None:
    if checkin is not None and checkin.evaluation_completed_at is not None:
        return checkin.evaluation_completed_at
    return max((answer.submitted_at for answer in answers), default=None)
