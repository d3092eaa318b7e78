"""Session evaluations: the questions an event asks after a session and the answers given."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from podium.kit.clock import utcnow
from podium.models.base import Base
from podium.models.people import Attendee, Presenter


class EvaluationQuestion(Base):
    """A question of the evaluation form; event-wide when ``session_id`` is None.

    ``per_presenter`` questions are answered once for each presenter of the session.
    """

    __tablename__ = "evaluation_questions"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    session_id: Mapped[int | None] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    # for rating and choice questions: the labels, e.g. ["1 - Poor", …, "5 - Great"]
    choices: Mapped[list[str] | None] = mapped_column(JSON)
    per_presenter: Mapped[bool] = mapped_column(Boolean, default=False)
    required: Mapped[bool] = mapped_column(Boolean, default=True)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class EvaluationResponse(Base):
    __tablename__ = "evaluation_responses"
    __table_args__ = (
        Index("ix_evaluation_responses_session_attendee", "session_id", "attendee_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("evaluation_questions.id", ondelete="CASCADE"), index=True
    )
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True
    )
    presenter_id: Mapped[int | None] = mapped_column(
        ForeignKey("presenters.id", ondelete="CASCADE"), index=True
    )
    response: Mapped[str] = mapped_column(Text)
    response_value: Mapped[Decimal | None]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)

    question: Mapped[EvaluationQuestion] = relationship(lazy="raise")
    attendee: Mapped[Attendee] = relationship(lazy="raise")
    presenter: Mapped[Presenter | None] = relationship(lazy="raise")
