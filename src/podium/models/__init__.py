"""SQLAlchemy models, one module per aggregate. Importing this package registers them all."""

from podium.models.attendance import (
    AttendanceVersion,
    Checkin,
    CheckinHistoryEntry,
    CodewordSubmission,
    CreditAdjustment,
)
from podium.models.base import Base
from podium.models.credits import (
    Certificate,
    CreditAuditEntry,
    CreditAward,
    EventCreditRules,
    SessionCreditRules,
)
from podium.models.evaluation import EvaluationQuestion, EvaluationResponse
from podium.models.event import Event
from podium.models.integration import ApiKey
from podium.models.live import Poll, PollCount, Question, QuestionUpvote, Vote
from podium.models.mail import OutboxMail
from podium.models.people import Attendee, Presenter
from podium.models.program import Codeword, EventSession, FieldOfStudy, Room, SessionPresenter
from podium.models.verification import EmailProof

__all__ = [
    "ApiKey",
    "AttendanceVersion",
    "Attendee",
    "Base",
    "Certificate",
    "Checkin",
    "CheckinHistoryEntry",
    "Codeword",
    "CodewordSubmission",
    "CreditAdjustment",
    "CreditAuditEntry",
    "CreditAward",
    "EmailProof",
    "EvaluationQuestion",
    "EvaluationResponse",
    "Event",
    "EventCreditRules",
    "EventSession",
    "FieldOfStudy",
    "OutboxMail",
    "Poll",
    "PollCount",
    "Presenter",
    "Question",
    "QuestionUpvote",
    "Room",
    "SessionCreditRules",
    "SessionPresenter",
    "Vote",
]
