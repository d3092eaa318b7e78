"""The credit recompute as a reaction: every write that changes what credit decides emits an
event, and this recomputes the awards it affects, in the same transaction — no writer calls
credits itself (``podium.reactions`` lists it for :data:`CREDIT_EVENTS`).

Each event keeps the scope its writer used to recompute: the attendees who checked out (of one
conference event), the attendee who entered a codeword or first evaluated a session, a
session's attendees when its times, fields of study or codewords change, a whole event when its
time zone or its rules change (a session's own rules: that session's attendees). Nothing is
coalesced: credits are current the moment the use case returns.
"""

from __future__ import annotations

from podium.credits.ledger import refresh_credits
from podium.domain_events import (
    CheckedOut,
    CodewordAccepted,
    CreditRulesChanged,
    EvaluationSubmitted,
    EventTimezoneChanged,
    SessionChanged,
    SessionFact,
)
from podium.kit.writer import Work

CREDIT_EVENTS: tuple[type, ...] = (
    CheckedOut,
    CodewordAccepted,
    EvaluationSubmitted,
    SessionChanged,
    EventTimezoneChanged,
    CreditRulesChanged,
)
# what of a session its attendees' credit depends on
CREDIT_FACTS = frozenset({SessionFact.TIMES, SessionFact.FIELDS_OF_STUDY, SessionFact.CODEWORDS})


def recompute_credits(work: Work, event: object) -> None:
    """Recompute and write the awards ``event`` affects (``ledger.refresh_credits``)."""
    match event:
        case CheckedOut(event_id=event_id):
            refresh_credits(work, event_id=event_id, attendee_ids=event.attendee_ids)
        case CodewordAccepted(event_id=event_id, attendee_id=attendee_id):
            refresh_credits(work, event_id=event_id, attendee_ids=[attendee_id])
        case EvaluationSubmitted(event_id=event_id, attendee_id=attendee_id, first_on_record=True):
            refresh_credits(work, event_id=event_id, attendee_ids=[attendee_id])
        case SessionChanged(event_id=event_id, session_id=session_id, changed=changed):
            if changed & CREDIT_FACTS:
                refresh_credits(work, event_id=event_id, session_id=session_id)
        case EventTimezoneChanged(event_id=event_id):
            refresh_credits(work, event_id=event_id)
        case CreditRulesChanged(event_id=event_id, session_id=session_id):
            refresh_credits(work, event_id=event_id, session_id=session_id)
