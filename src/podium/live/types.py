"""Read models of live interaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple, TypeAlias

from podium.models import Poll, Question

# What one vote says, in the poll's own words: the label chosen (multiple choice), the labels
# chosen (multiple answer), the rating (rating), or the text (word cloud, open text).
Answer: TypeAlias = str | list[str] | int


@dataclass(frozen=True, kw_only=True)
class PollAnswer:
    answer: Answer
    cast_at: datetime


@dataclass(frozen=True, kw_only=True)
class PollResults:
    """A poll and every vote cast in it, oldest first."""

    poll: Poll
    answers: tuple[PollAnswer, ...]


@dataclass(frozen=True, kw_only=True)
class SessionLiveData:
    """Everything polled and asked in a session: polls by rank, questions oldest first (each
    with ``attendee`` loaded)."""

    polls: tuple[PollResults, ...]
    questions: tuple[Question, ...]


class QuestionPlace(NamedTuple):
    """What a question needs of its session: taken from a session loaded in the unit of work,
    or read in a group-commit job (a page's ``VisitedPage``)."""

    id: int
    public_id: str
    event_id: int


class PollFacts(NamedTuple):
    """What a vote needs of its poll: read in the vote's own transaction, or taken from a poll
    loaded in it (:meth:`of`). A poll's type and choices never change once it is made."""

    id: int
    public_id: str
    session_id: int
    session_public_id: str
    event_id: int
    type: str
    choices: list[str]
    state: str

    @classmethod
    def of(cls, poll: Poll, *, session_public_id: str, event_id: int) -> PollFacts:
        return cls(
            poll.id,
            poll.public_id,
            poll.session_id,
            session_public_id,
            event_id,
            poll.type,
            list(poll.choices),
            poll.state,
        )


class CastVote(NamedTuple):
    """An attendee's vote as their page shows it, read with Core (no ORM row to build for each
    voter a commit answers)."""

    id: int
    poll_id: int
    attendee_id: int
    choices: list[int] | None
    rating: int | None
    text: str | None


class VisitedPoll(NamedTuple):
    """A poll found at a page's address, with the event's app password (None when it has
    none)."""

    poll: PollFacts
    app_password: str | None
