"""Leaf enums shared by models and services."""

from __future__ import annotations

import enum


class DeliveryFormat(enum.StrEnum):
    IN_PERSON = "in-person"
    VIRTUAL = "virtual"
    HYBRID = "hybrid"


class AttendanceSource(enum.StrEnum):
    """Which path made a check-in or check-out."""

    WEB = "web"
    KIOSK = "kiosk"
    API = "api"
    ADMIN = "admin"
    # check-outs Podium makes itself: at the session's end, or by a check-in to another
    # session that overlaps it
    SESSION_END = "session_end"
    OTHER_SESSION = "other_session"


class CheckinAction(enum.StrEnum):
    CHECKIN = "checkin"
    CHECKOUT = "checkout"


class PollType(enum.StrEnum):
    MULTIPLE_CHOICE = "multiple_choice"
    MULTIPLE_ANSWER = "multiple_answer"
    RATING = "rating"
    WORD_CLOUD = "word_cloud"
    OPEN_TEXT = "open_text"


class PollState(enum.StrEnum):
    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"


class QuestionState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    DISMISSED = "dismissed"


class EvaluationQuestionKind(enum.StrEnum):
    RATING = "rating"
    CHOICE = "choice"
    TEXT = "text"


class MailState(enum.StrEnum):
    """Where a queued mail is: waiting (for its first try or a retry), sent, or given up."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
