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
from podium.live.types import PollResults
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


def poll_view(results: PollResults) -> PollView:
    poll = results.poll
    poll_type = PollType(poll.type)
    answers = [item.answer for item in results.answers]
    votes = len(answers)
    counts = [0] * len(poll.choices)
    average: Decimal | None = None
    if poll_type in (PollType.MULTIPLE_CHOICE, PollType.MULTIPLE_ANSWER):
        position = {label: index for index, label in enumerate(poll.choices)}
        for answer in answers:
            labels = [answer] if isinstance(answer, str) else answer
            for label in labels if isinstance(labels, list) else []:
                if label in position:
                    counts[position[label]] += 1
    elif poll_type is PollType.RATING:
        ratings = [answer for answer in answers if isinstance(answer, int)]
        for rating in ratings:
            if 1 <= rating <= len(counts):
                counts[rating - 1] += 1
        if ratings:
            average = (Decimal(sum(ratings)) / len(ratings)).quantize(
                Decimal("0.1"), rounding=ROUND_HALF_UP
            )
    texts = [answer for answer in answers if isinstance(answer, str)]
    return PollView(
        poll=poll,
        votes=votes,
        choices=tuple(
            ChoiceCount(
                index=index, label=label, count=counts[index], share=share(counts[index], votes)
            )
            for index, label in enumerate(poll.choices)
        )
        if poll_type not in _TEXT_POLLS
        else (),
        words=_words(texts) if poll_type is PollType.WORD_CLOUD else (),
        texts=tuple(reversed(texts)) if poll_type is PollType.OPEN_TEXT else (),
        average=average,
    )


def _words(texts: Iterable[str]) -> tuple[WordCount, ...]:
    """The answers grouped case-insensitively (the first spelling shows), most given first."""
    spelled: dict[str, str] = {}
    counts: dict[str, int] = {}
    for text in texts:
        key = text.casefold()
        spelled.setdefault(key, text)
        counts[key] = counts.get(key, 0) + 1
    if not counts:
        return ()
    most = max(counts.values())
    ordered = sorted(counts, key=lambda key: -counts[key])  # stable: first given first on ties
    return tuple(
        WordCount(
            text=spelled[key],
            count=counts[key],
            size=1 + (4 * (counts[key] - 1)) // max(most - 1, 1),
        )
        for key in ordered
    )


def polls_view(polls: Sequence[PollResults]) -> list[PollView]:
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
