"""What one attendee sees of a session's live part, read for their page: the polls they may
answer or whose results are shown (with the tallies), the questions shown to everyone (and
their own waiting ones), and what they voted and upvoted.

Reads only, in a fixed number of queries: tallies are the counts the database keeps as votes
are written (``PollCount``), read only for polls whose results are shown, so a page refresh
costs the same with 10 votes or 10,000. The
polls are read with Core in a read job, so that the express lane answers an htmx vote with them
without the page's unit of work.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import partial

from podium.enums import PollState, PollType
from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.live import audience_repository as repository
from podium.live.tally import counts_of
from podium.live.types import CastVote
from podium.models import Attendee, EventSession, Poll, Question

LATEST_TEXTS = 50
# the approved questions an attendee's page shows at first, and how many more each "Show more"
# adds; at most QUESTIONS_SHOWN_MAX (a page of a keynote's questions stays a bounded read)
QUESTIONS_SHOWN = 50
QUESTIONS_SHOWN_MAX = 1000


@dataclass(frozen=True, kw_only=True)
class AudiencePoll:
    """A poll as the audience sees it, with this attendee's vote (None before voting).

    When ``poll.show_results``: ``votes`` is how many voted; ``counts[i]`` how many chose
    choice ``i`` (multiple choice and answer) or rated ``i + 1`` (rating); ``words`` the word
    cloud's answers and how often each was given (compared case-insensitively, most frequent
    first); ``texts`` the latest open-text answers, oldest first. Otherwise they are empty.
    """

    poll: Poll
    my_vote: CastVote | None
    votes: int = 0
    counts: tuple[int, ...] = ()
    words: tuple[tuple[str, int], ...] = ()
    texts: tuple[str, ...] = ()

    @property
    def can_vote(self) -> bool:
        """The poll is open and the attendee has not voted in it."""
        return self.poll.state == PollState.OPEN and self.my_vote is None


@dataclass(frozen=True, kw_only=True)
class AudienceQuestions:
    """``shown``: the first ``limit`` approved questions, pinned first, then most upvoted, then
    oldest; ``more``: whether there are approved questions after them.
    ``waiting``: the attendee's own questions waiting for a moderator, oldest first.
    ``upvoted``: the ids of the session's questions the attendee upvoted."""

    shown: tuple[Question, ...]
    waiting: tuple[Question, ...]
    upvoted: frozenset[int]
    limit: int = QUESTIONS_SHOWN
    more: bool = False

    @property
    def more_asked(self) -> bool:
        """Whether the page asked for more than the first ``QUESTIONS_SHOWN``."""
        return self.limit > QUESTIONS_SHOWN

    @property
    def next_limit(self) -> int:
        """How many "Show more questions" asks for."""
        return min(self.limit + QUESTIONS_SHOWN, QUESTIONS_SHOWN_MAX)


async def audience_polls(
    uow: UnitOfWork, *, session: EventSession, attendee: Attendee
) -> list[AudiencePoll]:
    """:func:`read_audience_polls` in ``uow``."""
    return await uow.run(
        partial(read_audience_polls, session_id=session.id, attendee_id=attendee.id)
    )


def read_audience_polls(work: Work, *, session_id: int, attendee_id: int) -> list[AudiencePoll]:
    """The session's open polls by rank, then its closed polls whose results are shown, with
    the attendee's votes: a read job (``uow.run``, ``Database.read``).

    At most five statements; a statement whose polls are missing (no poll of that type shows
    its results) is not sent. All but the attendee's votes are the session's, kept in
    ``work.shared``: the jobs of one read transaction (the voters a group commit answers at
    once) count the votes once.
    """
    key = ("audience_polls", session_id)
    polls: _SessionPolls | None = work.shared.get(key)
    if polls is None:
        polls = work.shared[key] = _session_polls(work, session_id)
    if not polls.ordered:
        return []
    mine: list[CastVote] | None = work.shared.get(("audience_polls.votes", session_id, attendee_id))
    if mine is None:
        mine = repository.list_attendee_votes(
            work, poll_ids=[poll.id for poll in polls.ordered], attendee_id=attendee_id
        )
    votes = {vote.poll_id: vote for vote in mine}
    return [
        AudiencePoll(
            poll=poll,
            my_vote=votes.get(poll.id),
            votes=polls.totals.get(poll.id, 0),
            counts=tuple(polls.counts.get(poll.id, ())),
            words=tuple(polls.words.get(poll.id, ())),
            texts=tuple(polls.texts.get(poll.id, ())),
        )
        for poll in polls.ordered
    ]


@dataclass(frozen=True, slots=True)
class PollsRead:
    """The read job of one attendee's polls section (:func:`read_audience_polls`); those
    asked for in one turn are read together (``together``)."""

    session_id: int
    attendee_id: int

    def __call__(self, work: Work) -> list[AudiencePoll]:
        return read_audience_polls(work, session_id=self.session_id, attendee_id=self.attendee_id)

    @staticmethod
    def together(works: Sequence[Work], reads: Sequence[PollsRead]) -> list[list[AudiencePoll]]:
        """Each read's polls: the votes of all the turn's attendees in a session's polls are
        one statement (into ``work.shared``, where :func:`read_audience_polls` finds them)
        instead of one each; the session's part is read once either way."""
        work = works[0]
        by_session: dict[int, list[int]] = {}
        for read in reads:
            by_session.setdefault(read.session_id, []).append(read.attendee_id)
        for session_id, attendee_ids in by_session.items():
            key = ("audience_polls", session_id)
            polls: _SessionPolls | None = work.shared.get(key)
            if polls is None:
                polls = work.shared[key] = _session_polls(work, session_id)
            if not polls.ordered:
                continue
            found: dict[int, list[CastVote]] = {attendee_id: [] for attendee_id in attendee_ids}
            for vote in repository.list_attendees_votes(
                work, poll_ids=_ids(polls.ordered), attendee_ids=attendee_ids
            ):
                found[vote.attendee_id].append(vote)
            for attendee_id, votes in found.items():
                work.shared[("audience_polls.votes", session_id, attendee_id)] = votes
        return [read(work) for read in reads]


@dataclass(frozen=True)
class _SessionPolls:
    """What every attendee sees alike of a session's polls."""

    ordered: list[Poll]
    totals: dict[int, int]
    counts: dict[int, list[int]]
    words: dict[int, list[tuple[str, int]]]
    texts: dict[int, list[str]]


def _session_polls(work: Work, session_id: int) -> _SessionPolls:
    polls = repository.list_audience_polls(work, session_id=session_id)
    shown = [poll for poll in polls if poll.show_results]
    totals, counts = _counts(work, shown)
    return _SessionPolls(
        ordered=sorted(polls, key=lambda poll: poll.state != PollState.OPEN),
        totals=totals,
        counts=counts,
        words=_words(work, _of_type(shown, {PollType.WORD_CLOUD})),
        texts=_texts(work, _of_type(shown, {PollType.OPEN_TEXT})),
    )


def _ids(polls: Iterable[Poll]) -> list[int]:
    return [poll.id for poll in polls]


def _of_type(polls: Iterable[Poll], types: set[PollType]) -> list[Poll]:
    return [poll for poll in polls if PollType(poll.type) in types]


def _counts(work: Work, polls: list[Poll]) -> tuple[dict[int, int], dict[int, list[int]]]:
    """Per poll: how many voted; per choice or rating poll, how many gave each answer."""
    if not polls:
        return {}, {}
    return counts_of(polls, repository.list_poll_counts(work, poll_ids=_ids(polls)))


def _words(work: Work, polls: list[Poll]) -> dict[int, list[tuple[str, int]]]:
    """Per poll: (word, count), words compared case-insensitively and named by the spelling
    most people used (alphabetically first on a tie); most frequent first."""
    if not polls:
        return {}
    totals: dict[tuple[int, str], int] = {}
    spellings: dict[tuple[int, str], tuple[int, str]] = {}  # (-count, spelling): min is best
    for poll_id, text, count in repository.count_texts(work, poll_ids=_ids(polls)):
        word = (text or "").strip()
        if not word:
            continue
        key = (poll_id, word.casefold())
        totals[key] = totals.get(key, 0) + count
        spellings[key] = min(spellings.get(key, (-count, word)), (-count, word))
    words: dict[int, list[tuple[str, int]]] = {}
    for key in sorted(totals, key=lambda key: (-totals[key], key[1])):
        words.setdefault(key[0], []).append((spellings[key][1], totals[key]))
    return words


def _texts(work: Work, polls: list[Poll]) -> dict[int, list[str]]:
    if not polls:
        return {}
    texts: dict[int, list[str]] = {}
    for poll_id, text in repository.latest_texts(work, poll_ids=_ids(polls), per_poll=LATEST_TEXTS):
        texts.setdefault(poll_id, []).append(text or "")
    return texts


async def audience_questions(
    uow: UnitOfWork, *, session: EventSession, attendee: Attendee, limit: int = QUESTIONS_SHOWN
) -> AudienceQuestions:
    """:func:`read_audience_questions` in ``uow`` (after what it wrote)."""
    return await uow.run(
        partial(
            read_audience_questions, session_id=session.id, attendee_id=attendee.id, limit=limit
        )
    )


def questions_shown(asked: str | None) -> int:
    """How many approved questions a page shows when it asks for ``asked`` (its ``questions``
    query parameter): a multiple of ``QUESTIONS_SHOWN`` up to ``QUESTIONS_SHOWN_MAX``; the first
    page for anything else."""
    try:
        wanted = int(asked) if asked is not None else QUESTIONS_SHOWN
    except ValueError:
        return QUESTIONS_SHOWN
    pages = -(-wanted // QUESTIONS_SHOWN)  # rounded up
    return min(max(pages, 1) * QUESTIONS_SHOWN, QUESTIONS_SHOWN_MAX)


def read_audience_questions(
    work: Work, *, session_id: int, attendee_id: int, limit: int = QUESTIONS_SHOWN
) -> AudienceQuestions:
    """The questions of the session the attendee sees (dismissed ones and other people's
    waiting ones are never among them; of the approved ones the first ``limit``) and those they
    upvoted: a read job (``uow.run``, ``Database.read``). Three statements; the shown questions
    are the session's, kept in ``work.shared`` (read once for the jobs of one read
    transaction), the attendee's waiting questions and upvotes their own."""
    key = ("audience_questions", session_id, limit)
    shown: tuple[Question, ...] | None = work.shared.get(key)
    if shown is None:  # one more than shown: whether there are more
        shown = work.shared[key] = tuple(
            repository.list_shown_questions(work, session_id=session_id, limit=limit + 1)
        )
    mine = {"session_id": session_id, "attendee_id": attendee_id}
    return AudienceQuestions(
        shown=shown[:limit],
        more=len(shown) > limit,
        limit=limit,
        waiting=tuple(repository.list_waiting_questions(work, **mine)),
        upvoted=frozenset(repository.list_upvoted_question_ids(work, **mine)),
    )
