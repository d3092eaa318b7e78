"""What a session's page shows one attendee, read as one read job (:mod:`podium.kit.writer`'s
``Work``, writing and emitting nothing) of Core statements: no ORM row is loaded.

The same job answers the whole page and each of its sections (``…/fragments/<name>``, a form's
answer): the page's route runs it in its unit of work (``uow.run``, after the form's write), and
the express lane runs it for a page GET with ``Database.read``, together with the other page
loads of the same turn of the event loop. What is the same for everyone of a session (the event
and session, its fields of study, credit rules, polls and their tallies, the shown questions,
the evaluation form) is kept in ``work.shared``: a keynote's page loads that arrive together
read it once, and each attendee's own part is a few statements by index.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

from podium.attendance.service import (
    AttendanceSection,
    AttendeeSessionStatus,
    attendance_section,
    read_attendee_status,
)
from podium.evaluations.service import read_evaluation_form
from podium.evaluations.types import EvaluationFormItem
from podium.kit.writer import Work
from podium.live.service import (
    QUESTIONS_SHOWN,
    AudiencePoll,
    AudienceQuestions,
    read_audience_polls,
    read_audience_questions,
)
from podium.people.service import page_attendee
from podium.people.types import PageAttendee
from podium.program.service import visited_page
from podium.program.types import PageEvent, PageSession

# the sections of a session's page (each also a fragment); "question-list" is part of "questions"
SECTIONS = frozenset(
    {"attendance", "codewords", "polls", "questions", "question-list", "evaluation", "note"}
)
_QUESTIONS = frozenset({"questions", "question-list"})
# the sections that show the attendee's own record (``AttendeeSessionStatus``)
_RECORD = frozenset({"codewords", "evaluation", "note"})


@dataclass(frozen=True, kw_only=True)
class PageRead:
    """The event, session and attendee of a page, and what its sections asked for show (None
    for a section not asked for)."""

    event: PageEvent
    session: PageSession
    attendee: PageAttendee
    attendance: AttendanceSection | None = None
    status: AttendeeSessionStatus | None = None
    polls: list[AudiencePoll] | None = None
    questions: AudienceQuestions | None = None
    evaluation_items: list[EvaluationFormItem] | None = None


def read_page(
    work: Work,
    *,
    event_id: int,
    event_uri: str,
    session_public_id: str,
    attendee_id: int,
    sections: Collection[str],
    now: dt.datetime,
    questions_shown: int = QUESTIONS_SHOWN,
) -> PageRead | None:
    """What the ``sections`` of the page ``/e/<event_uri>/s/<session_public_id>`` show the
    attendee ``attendee_id`` of the event ``event_id`` as of ``now``; None when the event has no
    such session or no such attendee. Reads only, in a fixed number of statements whatever the
    numbers of polls, votes, questions, codewords and answers (the session's part once per read
    transaction); of the approved questions the first ``questions_shown``."""
    visited = visited_page(
        work, event_id=event_id, event_uri=event_uri, session_public_id=session_public_id
    )
    if visited is None:
        return None
    attendee = page_attendee(work, event_id=event_id, attendee_id=attendee_id)
    if attendee is None:
        return None
    session_id = visited.session.id
    mine = {"session_id": session_id, "attendee_id": attendee_id}
    return PageRead(
        event=visited.event,
        session=visited.session,
        attendee=attendee,
        attendance=(
            attendance_section(work, **mine, now=now) if "attendance" in sections else None
        ),
        status=(
            read_attendee_status(work, **mine, now=now) if _RECORD.intersection(sections) else None
        ),
        polls=read_audience_polls(work, **mine) if "polls" in sections else None,
        questions=(
            read_audience_questions(work, **mine, limit=questions_shown)
            if _QUESTIONS.intersection(sections)
            else None
        ),
        evaluation_items=(
            read_evaluation_form(work, session_id=session_id, event_id=event_id)[1]
            if "evaluation" in sections
            else None
        ),
    )
