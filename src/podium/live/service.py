"""Use cases of live interaction: polls and votes, questions and upvotes.

Every change emits one event (``podium.domain_events``: PollCreated, PollOpened, PollClosed,
PollResultsShown, VoteCast, PollReordered, QuestionAsked, QuestionApproved, QuestionDismissed,
QuestionAnswered, QuestionPinned, QuestionUpvoted, SessionChanged for ``questions_moderated``),
heard after the commit (nothing on rollback). The realtime relay turns each into one small
message on the session's channel (``podium.web.realtime.messages``). Events and messages carry
ids and flags only, never text: a channel is shared by the audience and the moderators, and a
question waiting for moderation must not reach the audience. Listeners fetch what they show.

A poll moves draft → open → closed, and closed → open again (reopening); anything else raises
PollStateConflict. Votes are 0-based indexes into the poll's ``choices`` (multiple choice and
multiple answer), a 1-based position on the scale (rating), or a text (word cloud, open text).

Use cases that record a moment take ``at`` (default: now) for imports and the demo event.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from functools import partial
from typing import Any, Literal, NamedTuple

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from podium.domain_events import (
    InPoll,
    InQuestion,
    PollClosed,
    PollCreated,
    PollOpened,
    PollReordered,
    PollResultsShown,
    QuestionAnswered,
    QuestionApproved,
    QuestionAsked,
    QuestionDismissed,
    QuestionPinned,
    QuestionUpvoted,
    SessionChanged,
    SessionFact,
    VoteCast,
)
from podium.enums import PollState, PollType, QuestionState
from podium.kit import ids
from podium.kit.choices import parse_choice
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.writer import Work
from podium.live import repository
from podium.live.audience import QUESTIONS_SHOWN as QUESTIONS_SHOWN
from podium.live.audience import AudiencePoll as AudiencePoll
from podium.live.audience import AudienceQuestions as AudienceQuestions
from podium.live.audience import PollsRead as PollsRead
from podium.live.audience import audience_polls as audience_polls
from podium.live.audience import audience_questions as audience_questions
from podium.live.audience import questions_shown as questions_shown
from podium.live.audience import read_audience_polls as read_audience_polls
from podium.live.audience import read_audience_questions as read_audience_questions
from podium.live.errors import (
    AlreadyVoted,
    OwnQuestionUpvote,
    PollNotFound,
    PollNotOpen,
    PollStateConflict,
    QuestionNotFound,
    QuestionStateConflict,
)
from podium.live.results import PollSummary as PollSummary
from podium.live.results import session_results as session_results
from podium.live.tally import PollTally as PollTally
from podium.live.tally import poll_tally as poll_tally
from podium.live.types import (
    Answer,
    CastVote,
    PollAnswer,
    PollFacts,
    PollResults,
    QuestionPlace,
    SessionLiveData,
    VisitedPoll,
)
from podium.models import Attendee, EventSession, Poll, Question, QuestionUpvote, Vote
from podium.people.errors import AttendeeNotFound

MAX_POLL_NAME_LENGTH = 1000
MAX_CHOICES = 20
MAX_CHOICE_LENGTH = 500
DEFAULT_RATING_SCALE = 5
MIN_RATING_SCALE, MAX_RATING_SCALE = 2, 10
MAX_WORD_CLOUD_LENGTH = 100
MAX_OPEN_TEXT_LENGTH = 1000
MAX_QUESTION_LENGTH = 1000
MAX_NONCE_LENGTH = 64

_CHOICE_POLLS = frozenset({PollType.MULTIPLE_CHOICE, PollType.MULTIPLE_ANSWER})
_TEXT_POLLS = frozenset({PollType.WORD_CLOUD, PollType.OPEN_TEXT})

_POLL_TRANSITIONS: dict[PollState, frozenset[PollState]] = {
    PollState.DRAFT: frozenset({PollState.OPEN}),
    PollState.OPEN: frozenset({PollState.CLOSED}),
    PollState.CLOSED: frozenset({PollState.OPEN}),
}


async def _session_of(uow: UnitOfWork, session_id: int) -> EventSession:
    # the edge loaded the session to find the poll or question, so this is an identity-map hit
    session = await uow.session.get(EventSession, session_id)
    assert session is not None  # a poll's or question's own session
    return session


async def _emit_for_poll(uow: UnitOfWork, poll: Poll, kind: type[InPoll], **values: Any) -> None:
    session = await _session_of(uow, poll.session_id)
    await uow.emit(
        kind(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            poll_public_id=poll.public_id,
            **values,
        )
    )


async def _emit_for_question(
    uow: UnitOfWork, question: Question, kind: type[InQuestion], **values: Any
) -> None:
    session = await _session_of(uow, question.session_id)
    await uow.emit(
        kind(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            question_public_id=question.public_id,
            **values,
        )
    )


# --- polls ---------------------------------------------------------------------------------


def _poll_type(value: PollType | str) -> PollType:
    return parse_choice(PollType, value, field="type", noun="a poll type")


def _labels(choices: Sequence[str], *, minimum: int, maximum: int) -> list[str]:
    if isinstance(choices, str):
        raise InvalidInput("choices: give a list of choices", field="choices")
    labels = [str(choice).strip() for choice in choices]
    if not minimum <= len(labels) <= maximum:
        raise InvalidInput(
            f"choices: give between {minimum} and {maximum} choices (got {len(labels)})",
            field="choices",
        )
    seen: set[str] = set()
    for position, label in enumerate(labels, start=1):
        if not label:
            raise InvalidInput(f"choices: choice {position} is blank", field="choices")
        if len(label) > MAX_CHOICE_LENGTH:
            raise InvalidInput(
                f"choices: choice {position} is longer than {MAX_CHOICE_LENGTH} characters",
                field="choices",
            )
        if label.casefold() in seen:
            raise InvalidInput(f'choices: "{label}" is given twice', field="choices")
        seen.add(label.casefold())
    return labels


def _poll_choices(
    poll_type: PollType, choices: Sequence[str] | None, scale: int | None
) -> list[str]:
    if poll_type in _CHOICE_POLLS:
        if scale is not None:
            raise InvalidInput("scale: only rating polls have a scale", field="scale")
        return _labels(choices or [], minimum=2, maximum=MAX_CHOICES)
    if poll_type is PollType.RATING:
        if choices is not None and scale is not None:
            raise InvalidInput(
                "scale: give either the scale's labels (choices) or its size (scale), not both",
                field="scale",
            )
        if choices is not None:
            return _labels(choices, minimum=MIN_RATING_SCALE, maximum=MAX_RATING_SCALE)
        size = DEFAULT_RATING_SCALE if scale is None else scale
        if not MIN_RATING_SCALE <= size <= MAX_RATING_SCALE:
            raise InvalidInput(
                f"scale: a rating scale has {MIN_RATING_SCALE} to {MAX_RATING_SCALE} points",
                field="scale",
            )
        return [str(point) for point in range(1, size + 1)]
    if choices or scale is not None:
        raise InvalidInput(
            f"choices: a {poll_type.value} poll takes free text, not choices", field="choices"
        )
    return []


async def create_poll(
    uow: UnitOfWork,
    *,
    session: EventSession,
    name: str,
    type: PollType | str,
    choices: Sequence[str] | None = None,
    scale: int | None = None,
    rank: int | None = None,
    at: datetime | None = None,
) -> Poll:
    """Add a draft poll to ``session``; emits PollCreated.

    Choice polls need 2 to 20 distinct, non-blank choices. A rating poll takes either labels for
    its points (``choices``, 2 to 10, e.g. ["Poor", …, "Great"]) or a size (``scale``, 2 to 10,
    labels "1".."N"); neither means a 1-5 scale. Word cloud and open text polls take no choices.
    ``rank`` orders the session's polls; None puts the poll after the others.
    """
    poll_type = _poll_type(type)
    title = name.strip()
    if not title:
        raise InvalidInput("name: a poll needs a name (the question it asks)", field="name")
    if len(title) > MAX_POLL_NAME_LENGTH:
        raise InvalidInput(
            f"name: a poll's name is at most {MAX_POLL_NAME_LENGTH} characters", field="name"
        )
    labels = _poll_choices(poll_type, choices, scale)
    if rank is not None and rank < 0:
        raise InvalidInput("rank: a poll's rank is 0 or more", field="rank")
    poll = Poll(
        session_id=session.id,
        public_id=ids.object_id(),
        name=title,
        type=poll_type.value,
        choices=labels,
        state=PollState.DRAFT.value,
        rank=rank if rank is not None else await repository.next_poll_rank(uow, session=session),
        show_results=False,
        created_at=at or utcnow(),
    )
    uow.session.add(poll)
    await uow.session.flush()
    await _emit_for_poll(uow, poll, PollCreated)
    return poll


def visited_poll(
    work: Work, *, event_id: int, event_uri: str, session_public_id: str, poll_public_id: str
) -> VisitedPoll | None:
    """The poll at a page's address, read in a group-commit job (see
    :func:`podium.live.repository.visited_poll`)."""
    return repository.visited_poll(
        work,
        event_id=event_id,
        event_uri=event_uri,
        session_public_id=session_public_id,
        poll_public_id=poll_public_id,
    )


async def get_poll(uow: UnitOfWork, *, session: EventSession, public_id: str) -> Poll:
    """The poll ``public_id`` of ``session``; PollNotFound for any other session's poll."""
    poll = await repository.find_poll(uow, session=session, public_id=public_id)
    if poll is None:
        raise PollNotFound(f'There is no poll with the id "{public_id}" in this session.')
    return poll


def _move(poll: Poll, target: PollState) -> None:
    current = PollState(poll.state)
    if target not in _POLL_TRANSITIONS[current]:
        raise PollStateConflict(f"This poll is {current.value}; it cannot be {target.value} now.")
    poll.state = target.value


async def open_poll(uow: UnitOfWork, *, poll: Poll, at: datetime | None = None) -> Poll:
    """Open a draft or closed poll for votes (reopening keeps the votes cast); emits
    PollOpened. PollStateConflict when it is already open."""
    _move(poll, PollState.OPEN)
    poll.opened_at = at or utcnow()
    poll.closed_at = None
    await uow.session.flush()
    await _emit_for_poll(uow, poll, PollOpened)
    return poll


async def close_poll(uow: UnitOfWork, *, poll: Poll, at: datetime | None = None) -> Poll:
    """Stop an open poll taking votes; emits PollClosed. PollStateConflict unless open."""
    _move(poll, PollState.CLOSED)
    poll.closed_at = at or utcnow()
    await uow.session.flush()
    await _emit_for_poll(uow, poll, PollClosed)
    return poll


async def move_poll(
    uow: UnitOfWork,
    *,
    poll: Poll,
    direction: Literal["up", "down"] | None = None,
    position: int | None = None,
) -> Poll:
    """Move ``poll`` one place ``direction`` ("up" is earlier) among its session's polls, or to
    ``position`` (1 is first); emits PollReordered when the order changes.

    Give exactly one of ``direction`` and ``position``. The session's polls are renumbered
    1..N in their order, the moved poll in its new place, so polls that shared a rank get
    distinct ones; moving the first poll up or the last down changes nothing. Locks the
    session's polls, so two moderators reordering at once cannot lose a move.
    """
    if (direction is None) == (position is None):
        raise InvalidInput("direction: give a direction or a position, not both", field="direction")
    polls = await repository.lock_polls(uow, session_id=poll.session_id)
    current = next(index for index, item in enumerate(polls) if item.id == poll.id)
    if direction is not None:
        if direction not in ("up", "down"):
            raise InvalidInput('direction: move a poll "up" or "down"', field="direction")
        target = max(current - 1, 0) if direction == "up" else min(current + 1, len(polls) - 1)
    else:
        assert position is not None
        if isinstance(position, bool) or not 1 <= position <= len(polls):
            raise InvalidInput(
                f"position: give a position from 1 to {len(polls)}", field="position"
            )
        target = position - 1
    if target == current:
        return poll
    polls.insert(target, polls.pop(current))
    for rank, item in enumerate(polls, start=1):
        if item.rank != rank:
            item.rank = rank
    await uow.session.flush()
    await _emit_for_poll(uow, poll, PollReordered)
    return poll


async def set_poll_results_visible(uow: UnitOfWork, *, poll: Poll, visible: bool) -> Poll:
    """Show or hide the poll's results to the audience, in any state; emits PollResultsShown
    when this changes something."""
    if poll.show_results == visible:
        return poll
    poll.show_results = visible
    await uow.session.flush()
    await _emit_for_poll(uow, poll, PollResultsShown, visible=visible)
    return poll


def _only(field: str, **given: object) -> None:
    for name, value in given.items():
        if value is not None:
            raise InvalidInput(f"{name}: this poll takes {field}, not {name}", field=name)


def _vote_choices(poll: PollFacts, choices: Sequence[int] | None) -> list[int]:
    if choices is None:
        raise InvalidInput("choices: choose an answer", field="choices")
    picked = list(choices)
    for index in picked:
        if isinstance(index, bool) or not isinstance(index, int):
            raise InvalidInput("choices: choices are given by their index", field="choices")
        if not 0 <= index < len(poll.choices):
            raise InvalidInput(f"choices: there is no choice {index} in this poll", field="choices")
    if len(set(picked)) != len(picked):
        raise InvalidInput("choices: a choice is given twice", field="choices")
    if poll.type == PollType.MULTIPLE_CHOICE and len(picked) != 1:
        raise InvalidInput("choices: choose exactly one answer", field="choices")
    if not picked:
        raise InvalidInput("choices: choose at least one answer", field="choices")
    return sorted(picked)


def _vote_rating(poll: PollFacts, rating: int | None) -> int:
    scale = len(poll.choices)
    if rating is None or isinstance(rating, bool) or not isinstance(rating, int):
        raise InvalidInput(f"rating: give a rating from 1 to {scale}", field="rating")
    if not 1 <= rating <= scale:
        raise InvalidInput(f"rating: {rating} is not on the scale of 1 to {scale}", field="rating")
    return rating


def _vote_text(poll: PollFacts, text: str | None) -> str:
    limit = MAX_WORD_CLOUD_LENGTH if poll.type == PollType.WORD_CLOUD else MAX_OPEN_TEXT_LENGTH
    answer = (text or "").strip()
    if not answer:
        raise InvalidInput("text: write an answer", field="text")
    if len(answer) > limit:
        raise InvalidInput(f"text: an answer is at most {limit} characters", field="text")
    return answer


def _validated_answer(
    poll: PollFacts, *, choices: Sequence[int] | None, rating: int | None, text: str | None
) -> dict[str, Any]:
    """The vote's answer columns (``choices``, ``rating``, ``text``; two of them None)."""
    poll_type = PollType(poll.type)
    if poll_type in _CHOICE_POLLS:
        _only("choices", rating=rating, text=text)
        return {"choices": _vote_choices(poll, choices), "rating": None, "text": None}
    if poll_type is PollType.RATING:
        _only("a rating", choices=choices, text=text)
        return {"choices": None, "rating": _vote_rating(poll, rating), "text": None}
    _only("text", choices=choices, rating=rating)
    return {"choices": None, "rating": None, "text": _vote_text(poll, text)}


def _check_nonce(nonce: str | None) -> None:
    if nonce is not None and not 0 < len(nonce) <= MAX_NONCE_LENGTH:
        raise InvalidInput(f"nonce: a nonce has 1 to {MAX_NONCE_LENGTH} characters", field="nonce")


async def cast_vote(
    uow: UnitOfWork,
    *,
    poll: Poll,
    attendee: Attendee,
    choices: Sequence[int] | None = None,
    rating: int | None = None,
    text: str | None = None,
    nonce: str | None = None,
    at: datetime | None = None,
) -> Vote:
    """Record ``attendee``'s vote in this unit of work (:func:`record_vote`) and return it."""
    session = await uow.session.get(EventSession, poll.session_id)
    assert session is not None
    vote_id = await uow.run(
        partial(
            record_vote,
            poll=PollFacts.of(poll, session_public_id=session.public_id, event_id=session.event_id),
            attendee_id=attendee.id,
            choices=choices,
            rating=rating,
            text=text,
            nonce=nonce,
            at=at,
        )
    )
    vote = await uow.session.get(Vote, vote_id, populate_existing=True)
    assert vote is not None
    return vote


def record_vote(
    work: Work,
    *,
    poll: PollFacts,
    attendee_id: int,
    choices: Sequence[int] | None = None,
    rating: int | None = None,
    text: str | None = None,
    nonce: str | None = None,
    at: datetime | None = None,
) -> int:
    """Record the attendee's vote in an open poll; the vote's id. A group-commit job
    (:mod:`podium.kit.writer`), also run inside a unit of work by :func:`cast_vote`.
    Emits VoteCast (not for a replay).

    Give the field the poll's type takes: ``choices`` (exactly one index for multiple choice,
    one or more distinct indexes for multiple answer), ``rating`` (1..scale) or ``text``
    (trimmed, non-blank, at most 100 characters for a word cloud and 1000 for open text).

    One vote per attendee and poll, enforced by a unique constraint: the INSERT does nothing
    when a vote exists (one made meanwhile by a concurrent transaction is waited for), and is
    then answered like a repeat. A replay with the nonce of the attendee's vote returns that
    vote and changes nothing, even once the poll has closed; any other second vote raises
    AlreadyVoted. PollNotOpen unless the poll is open; an answer the poll does not take is
    InvalidInput (checked first while the poll is open); AttendeeNotFound unless the attendee
    is one of the poll's event. A first vote is one statement.
    """
    _check_nonce(nonce)
    if poll.state == PollState.OPEN:
        answer = _validated_answer(poll, choices=choices, rating=rating, text=text)
        values = {
            "poll_id": poll.id,
            "attendee_id": attendee_id,
            "nonce": nonce,
            "cast_at": at or utcnow(),
            **answer,
        }
        vote_id = repository.insert_vote_if_absent(work, event_id=poll.event_id, values=values)
        if vote_id is not None:
            work.emit(_vote_cast(poll, attendee_id, vote_id))
            return vote_id
    existing = repository.vote_nonce(work, poll_id=poll.id, attendee_id=attendee_id)
    if existing is not None:
        return _replay_or_conflict(existing, nonce)
    if poll.state != PollState.OPEN:
        raise PollNotOpen("This poll is not open for votes.")
    raise AttendeeNotFound("There is no such attendee in this poll's app.")


class Casting(NamedTuple):
    """A vote to record: what :func:`record_vote` takes."""

    poll: PollFacts
    attendee_id: int
    choices: Sequence[int] | None = None
    rating: int | None = None
    text: str | None = None
    nonce: str | None = None
    at: datetime | None = None


def record_votes(works: Sequence[Work], casting: Sequence[Casting]) -> list[int]:
    """:func:`record_vote` of each of ``casting``, in order, with the ``Work`` beside it (which
    hears its VoteCast): each vote's id. A run of group-commit jobs (``kit.writer.Together``:
    the votes that arrived together).

    A burst's first votes in open polls — of attendees who vote once in the run in each poll —
    are written for the whole run at once (``repository.insert_first_votes``: one statement on
    PostgreSQL, three on SQLite) instead of one statement each; the rest (a repeat, a replay, a
    closed poll, a stranger) then go one by one through :func:`record_vote`. A vote touches
    only its own (poll, attendee) row, so that order does what the given one would. An answer
    a poll does not take raises before anything is written."""
    if len(casting) < 2:
        return [
            record_vote(work, **vote._asdict()) for work, vote in zip(works, casting, strict=True)
        ]
    together: dict[int, repository.FirstVote] = {}  # position: the first vote it would be
    seen: set[tuple[int, int]] = set()
    for position, vote in enumerate(casting):
        _check_nonce(vote.nonce)
        key = (vote.poll.id, vote.attendee_id)
        if key not in seen and vote.poll.state == PollState.OPEN:
            answer = _validated_answer(
                vote.poll, choices=vote.choices, rating=vote.rating, text=vote.text
            )
            together[position] = repository.FirstVote(
                event_id=vote.poll.event_id,
                poll_id=vote.poll.id,
                attendee_id=vote.attendee_id,
                choices=json.dumps(answer["choices"]) if answer["choices"] is not None else None,
                rating=answer["rating"],
                text=answer["text"],
                nonce=vote.nonce,
                cast_at=vote.at or utcnow(),
            )
        seen.add(key)
    made = (
        repository.insert_first_votes(works[0], votes=list(together.values()))
        if len(together) > 1
        else {}
    )
    recorded: list[int] = []
    for position, vote in enumerate(casting):
        vote_id = made.get((vote.poll.id, vote.attendee_id)) if position in together else None
        if vote_id is None:
            vote_id = record_vote(works[position], **vote._asdict())
        else:
            works[position].emit(_vote_cast(vote.poll, vote.attendee_id, vote_id))
        recorded.append(vote_id)
    return recorded


def _vote_cast(poll: PollFacts, attendee_id: int, vote_id: int) -> VoteCast:
    return VoteCast(
        event_id=poll.event_id,
        session_id=poll.session_id,
        session_public_id=poll.session_public_id,
        poll_public_id=poll.public_id,
        attendee_id=attendee_id,
        vote_id=vote_id,
    )


def _replay_or_conflict(existing: tuple[int, str | None], nonce: str | None) -> int:
    """The existing vote's id when ``nonce`` made it; else AlreadyVoted."""
    vote_id, vote_nonce = existing
    if nonce is not None and vote_nonce == nonce:
        return vote_id
    raise AlreadyVoted("You have already voted in this poll.")


def vote_answer(poll: Poll, vote: Vote | CastVote) -> Answer:
    """What ``vote`` says in the poll's words: a label, labels, a rating or a text."""
    if vote.choices is not None:
        labels = [poll.choices[index] for index in vote.choices if 0 <= index < len(poll.choices)]
        return labels[0] if poll.type == PollType.MULTIPLE_CHOICE and labels else labels
    if vote.rating is not None:
        return vote.rating
    return vote.text or ""


# --- questions -----------------------------------------------------------------------------


async def ask_question(
    uow: UnitOfWork,
    *,
    session: EventSession,
    attendee: Attendee | None,
    text: str,
    moderated: bool = False,
    at: datetime | None = None,
) -> Question:
    """:func:`record_question` in ``uow``: the question, loaded (with its asker)."""
    question_id = await uow.run(
        partial(
            record_question,
            session=QuestionPlace(session.id, session.public_id, session.event_id),
            attendee_id=attendee.id if attendee is not None else None,
            text=text,
            moderated=moderated,
            at=at,
        )
    )
    question = await uow.session.get_one(Question, question_id)
    set_committed_value(question, "attendee", attendee)
    return question


def record_question(
    work: Work,
    *,
    session: QuestionPlace,
    attendee_id: int | None,
    text: str,
    moderated: bool = False,
    at: datetime | None = None,
) -> int:
    """Add a question to the session's Q&A; its id. A group-commit job (:mod:`podium.kit.writer`;
    the express lane runs it for the page's question form), also run inside a unit of work by
    :func:`ask_question`. Emits QuestionAsked.

    The text is trimmed, non-blank and at most 1000 characters. A question is approved (shown
    to the audience) at once, or pending a moderator's approval when ``moderated`` (pages pass
    the session's ``questions_moderated``, see :func:`set_questions_moderated`).
    ``attendee_id`` None is an anonymous question; an attendee of the session's event (the
    caller's to check). One statement.
    """
    body = text.strip()
    if not body:
        raise InvalidInput("text: write a question", field="text")
    if len(body) > MAX_QUESTION_LENGTH:
        raise InvalidInput(
            f"text: a question is at most {MAX_QUESTION_LENGTH} characters", field="text"
        )
    state = QuestionState.PENDING if moderated else QuestionState.APPROVED
    public_id = ids.object_id()
    question_id = repository.insert_question(
        work,
        values={
            "session_id": session.id,
            "public_id": public_id,
            "attendee_id": attendee_id,
            "text": body,
            "state": state.value,
            "answered": False,
            "pinned": False,
            "upvote_count": 0,
            "created_at": at or utcnow(),
        },
    )
    work.emit(
        QuestionAsked(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            question_public_id=public_id,
            state=state,
        )
    )
    return question_id


async def get_question(uow: UnitOfWork, *, session: EventSession, public_id: str) -> Question:
    """The question ``public_id`` of ``session``; QuestionNotFound for any other session's."""
    question = await repository.find_question(uow, session=session, public_id=public_id)
    if question is None:
        raise QuestionNotFound(f'There is no question with the id "{public_id}" in this session.')
    return question


async def upvote_question(uow: UnitOfWork, *, question: Question, attendee: Attendee) -> int:
    """Add ``attendee``'s upvote to an approved question and return its upvote count; emits
    QuestionUpvoted.

    Once per attendee, enforced by the upvote table's primary key (inserted in a savepoint): a
    repeat, or losing a race to one's own concurrent upvote, changes nothing and returns the
    current count. The count is raised with ``upvote_count = upvote_count + 1`` in the same
    transaction, so concurrent upvotes by different attendees all count.
    QuestionStateConflict for a question the audience does not see (pending or dismissed);
    OwnQuestionUpvote when ``attendee`` asked it.
    """
    if question.attendee_id == attendee.id:
        raise OwnQuestionUpvote("You cannot upvote your own question; the others can.")
    if await repository.has_upvoted(uow, question=question, attendee=attendee):
        return await repository.upvote_count(uow, question=question)
    if question.state != QuestionState.APPROVED:
        raise QuestionStateConflict("Only a question shown to the audience can be upvoted.")
    try:
        async with uow.session.begin_nested():
            uow.session.add(QuestionUpvote(question_id=question.id, attendee_id=attendee.id))
    except IntegrityError:
        if not await repository.has_upvoted(uow, question=question, attendee=attendee):
            raise
        return await repository.upvote_count(uow, question=question)
    count = await repository.increment_upvotes(uow, question=question)
    set_committed_value(question, "upvote_count", count)
    await _emit_for_question(uow, question, QuestionUpvoted, attendee_id=attendee.id, upvotes=count)
    return count


async def _moderate(
    uow: UnitOfWork, question: Question, kind: type[InQuestion], **values: Any
) -> Question:
    await uow.session.flush()
    await _emit_for_question(uow, question, kind, **values)
    return question


async def approve_question(uow: UnitOfWork, *, question: Question) -> Question:
    """Show a pending or dismissed question to the audience; emits QuestionApproved.
    Approving an approved question changes nothing and emits nothing."""
    if question.state == QuestionState.APPROVED:
        return question
    question.state = QuestionState.APPROVED.value
    return await _moderate(uow, question, QuestionApproved)


async def dismiss_question(uow: UnitOfWork, *, question: Question) -> Question:
    """Hide a question from the audience (and unpin it); emits QuestionDismissed.
    Dismissing a dismissed question changes nothing and emits nothing."""
    if question.state == QuestionState.DISMISSED:
        return question
    question.state = QuestionState.DISMISSED.value
    question.pinned = False
    return await _moderate(uow, question, QuestionDismissed)


async def mark_question_answered(
    uow: UnitOfWork, *, question: Question, answered: bool = True, at: datetime | None = None
) -> Question:
    """Mark a question answered (recording when) or not answered, in any state; emits
    QuestionAnswered when this changes something."""
    if question.answered == answered:
        return question
    question.answered = answered
    question.answered_at = (at or utcnow()) if answered else None
    return await _moderate(uow, question, QuestionAnswered, answered=answered)


async def pin_question(uow: UnitOfWork, *, question: Question, pinned: bool = True) -> Question:
    """Pin an approved question to the top of the Q&A, or unpin any question; emits
    QuestionPinned when this changes something. Several questions may be pinned at once.
    QuestionStateConflict when pinning a question that is not approved."""
    if question.pinned == pinned:
        return question
    if pinned and question.state != QuestionState.APPROVED:
        raise QuestionStateConflict("Approve this question before pinning it.")
    question.pinned = pinned
    return await _moderate(uow, question, QuestionPinned, pinned=pinned)


async def set_questions_moderated(
    uow: UnitOfWork, *, session: EventSession, moderated: bool
) -> EventSession:
    """Hold the session's new questions for a moderator's approval (``moderated``) or show them
    to the audience at once; questions already asked keep their state. Emits
    SessionChanged when this changes something."""
    if session.questions_moderated == moderated:
        return session
    session.questions_moderated = moderated
    await uow.session.flush()
    await uow.emit(
        SessionChanged(
            event_id=session.event_id,
            session_id=session.id,
            session_public_id=session.public_id,
            changed=frozenset({SessionFact.QUESTIONS_MODERATED}),
            questions_moderated=moderated,
        )
    )
    return session


# --- reading -------------------------------------------------------------------------------


async def session_questions(uow: UnitOfWork, *, session: EventSession) -> tuple[Question, ...]:
    """Every question of ``session`` in any state, oldest first, each with its asker loaded:
    one query."""
    return tuple(await repository.list_questions(uow, session=session))


async def session_live_data(uow: UnitOfWork, *, session: EventSession) -> SessionLiveData:
    """Every poll of ``session`` (drafts too) with every vote cast in it, and every question
    in any state: what an export of the session shows (the Conferences i/o session data). The
    moderator page and the screen read :func:`session_results` and :func:`session_questions`
    instead, which do not grow with the votes.

    Three queries, whatever the numbers of polls, votes and questions.
    """
    polls = await repository.list_polls(uow, session=session)
    votes_by_poll: dict[int, list[Vote]] = {poll.id: [] for poll in polls}
    for vote in await repository.list_session_votes(uow, session=session):
        votes_by_poll.setdefault(vote.poll_id, []).append(vote)
    questions = await repository.list_questions(uow, session=session)
    return SessionLiveData(
        polls=tuple(
            PollResults(
                poll=poll,
                answers=tuple(
                    PollAnswer(answer=vote_answer(poll, vote), cast_at=vote.cast_at)
                    for vote in votes_by_poll[poll.id]
                ),
            )
            for poll in polls
        ),
        questions=tuple(questions),
    )
