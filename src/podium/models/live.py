"""Live interaction during a session: polls and their votes, questions and their upvotes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from podium.kit.clock import utcnow
from podium.models.base import Base
from podium.models.people import Attendee


class Poll(Base):
    __tablename__ = "polls"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(32))
    choices: Mapped[list[str]] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(16))
    rank: Mapped[int] = mapped_column(default=0)
    show_results: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]


class Vote(Base):
    """One attendee's answer to one poll: choice indexes, a rating, or a text."""

    __tablename__ = "votes"
    __table_args__ = (UniqueConstraint("poll_id", "attendee_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    poll_id: Mapped[int] = mapped_column(ForeignKey("polls.id", ondelete="CASCADE"))
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), index=True
    )
    choices: Mapped[list[int] | None] = mapped_column(JSON)
    rating: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    nonce: Mapped[str | None] = mapped_column(String(64))
    cast_at: Mapped[datetime] = mapped_column(default=utcnow)


class PollCount(Base):
    """How many votes of a poll gave one answer, for tallies that cost the same with 10 votes
    or 10,000: ``answer`` is a choice's index (multiple choice and answer) or the rating minus
    one (rating); ``EVERY_VOTE`` (-1) counts every vote of the poll, of any type.

    Written by the database (migration 0009's triggers on ``votes``), in the transaction of the
    vote that changes it, whichever code path writes; a poll has rows only for answers given.
    """

    __tablename__ = "poll_counts"

    EVERY_VOTE = -1

    poll_id: Mapped[int] = mapped_column(
        ForeignKey("polls.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    answer: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    votes: Mapped[int] = mapped_column(BigInteger)


class Question(Base):
    """A question from the audience. ``upvote_count`` mirrors the upvote rows, kept in step by
    the service in the same transaction, so lists sort without counting."""

    __tablename__ = "questions"
    __table_args__ = (Index("ix_questions_session_created", "session_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("sessions.id", ondelete="CASCADE"))
    public_id: Mapped[str] = mapped_column(String(16), unique=True)
    attendee_id: Mapped[int | None] = mapped_column(
        ForeignKey("attendees.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(16))
    answered: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    upvote_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None]

    attendee: Mapped[Attendee | None] = relationship(lazy="raise")


class QuestionUpvote(Base):
    __tablename__ = "question_upvotes"

    question_id: Mapped[int] = mapped_column(
        ForeignKey("questions.id", ondelete="CASCADE"), primary_key=True
    )
    attendee_id: Mapped[int] = mapped_column(
        ForeignKey("attendees.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
