"""What the moderator page, the screen and the kiosk show of a session: polls' results counted
per choice (with the shares the live tally uses), word counts, questions in their groups, and
times in the event's zone. Shared by those page families, which do not import each other."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from podium.enums import PollState, PollType, QuestionState
from podium.live.service import PollSummary
from podium.models import Event, Poll, Question

POLL_TYPE_LABELS = {
    PollType.MULTIPLE_CHOICE: "Multiple choice",
    PollType.MULTIPLE_ANSWER: "Multiple answer",
    PollType.RATING: "Rating",
    PollType.WORD_CLOUD: "Word cloud",
    PollType.OPEN_TEXT: "Open text",
}
POLL_STATE_LABELS = {
    PollState.DRAFT: "Draft",
    PollState.OPEN: "Open",
    PollState.CLOSED: "Closed",
}
_TEXT_POLLS = frozenset({PollType.WORD_CLOUD, PollType.OPEN_TEXT})


def event_zone(event: Event) -> tzinfo:
    return ZoneInfo(event.timezone) if event.timezone else UTC


def share(count: int, total: int) -> int:
    """``count`` of ``total`` in whole percent, halves rounded up (as podium.js rounds)."""
    if total <= 0:
        return 0
    return (count * 200 + total) // (2 * total)


@dataclass(frozen=True, kw_only=True)
class ChoiceCount:
    index: int
    label: str
    count: int
    share: int


@dataclass(frozen=True, kw_only=True)
class WordCount:
    text: str
    count: int
    size: int  # 1 (rarest) to 5 (most given), for the word cloud


@dataclass(frozen=True, kw_only=True)
class PollView:
    """A poll with its results: ``choices`` for choice and rating polls (per point for rating),
    ``words`` for a word cloud (most given first), ``texts`` for open text (newest first)."""

    poll: Poll
    votes: int
    choices: tuple[ChoiceCount, ...]
    words: tuple[WordCount, ...]
    texts: tuple[str, ...]
    average: Decimal | None

    @property
    def type(self) -> PollType:
        return PollType(self.poll.type)

    @property
    def state(self) -> PollState:
        return PollState(self.poll.state)

    @property
    def type_label(self) -> str:
        return POLL_TYPE_LABELS[self.type]

    @property
    def state_label(self) -> str:
        return POLL_STATE_LABELS[self.state]

    @property
    def is_text(self) -> bool:
        return self.type in _TEXT_POLLS


def poll_view(results: PollSummary) -> PollView:
    poll = results.poll
    poll_type = PollType(poll.type)
    votes = results.votes
    counts = list(results.counts)
    average: Decimal | None = None
    rated = sum(counts)
    if poll_type is PollType.RATING and rated:
        points = sum(count * (index + 1) for index, count in enumerate(counts))
        average = (Decimal(points) / rated).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return PollView(
        poll=poll,
        votes=votes,
        choices=tuple(
            ChoiceCount(index=index, label=label, count=count, share=share(count, votes))
            for index, (label, count) in enumerate(zip(poll.choices, counts, strict=False))
        )
        if poll_type not in _TEXT_POLLS
        else (),
        words=_words(results.words) if poll_type is PollType.WORD_CLOUD else (),
        texts=results.texts if poll_type is PollType.OPEN_TEXT else (),
        average=average,
    )


def _words(counted: Sequence[tuple[str, int]]) -> tuple[WordCount, ...]:
    """The words as counted (most given first), sized for the word cloud."""
    if not counted:
        return ()
    most = max(count for _, count in counted)
    return tuple(
        WordCount(text=text, count=count, size=1 + (4 * (count - 1)) // max(most - 1, 1))
        for text, count in counted
    )


def polls_view(polls: Sequence[PollSummary]) -> list[PollView]:
    return [poll_view(results) for results in polls]


# --- questions -----------------------------------------------------------------------------


def _popular_first(question: Question) -> tuple[object, ...]:
    return (not question.pinned, -question.upvote_count, question.created_at, question.id)


@dataclass(frozen=True, kw_only=True)
class QuestionGroups:
    """Pending ones oldest first (the queue); approved ones pinned first, then unanswered, then
    by upvotes, then oldest; dismissed ones oldest first."""

    pending: tuple[Question, ...]
    approved: tuple[Question, ...]
    dismissed: tuple[Question, ...]


def question_groups(questions: Iterable[Question]) -> QuestionGroups:
    by_state: dict[str, list[Question]] = {state.value: [] for state in QuestionState}
    for question in questions:
        by_state.setdefault(question.state, []).append(question)
    return QuestionGroups(
        pending=tuple(by_state[QuestionState.PENDING]),
        approved=tuple(
            sorted(
                by_state[QuestionState.APPROVED],
                key=lambda q: (not q.pinned, q.answered, -q.upvote_count, q.created_at, q.id),
            )
        ),
        dismissed=tuple(by_state[QuestionState.DISMISSED]),
    )


def top_questions(questions: Iterable[Question], *, limit: int) -> list[Question]:
    """What the audience sees on the screen: approved, unanswered questions, pinned first, then
    by upvotes, then oldest."""
    shown = [
        question
        for question in questions
        if question.state == QuestionState.APPROVED and not question.answered
    ]
    return sorted(shown, key=_popular_first)[:limit]


def asker(question: Question) -> str:
    attendee = question.attendee
    if attendee is None:
        return "Anonymous"
    name = f"{attendee.first_name} {attendee.last_name}".strip()
    return name or "Anonymous"


def local(value: datetime | None, zone: tzinfo) -> datetime | None:
    return value.astimezone(zone) if value is not None else None
