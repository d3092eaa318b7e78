"""A session's polls with their results, as the moderator page and the screen show them, read
in a fixed number of statements whatever the number of votes.

Both pages refresh a text poll's answers at most once a second while votes come in, and their
polls section after every change a moderator makes; each read went through every vote of every
poll of the session as an ORM row (12,000 at a large plenary), holding the event loop that the
audience's phones wait on. Counts come from ``poll_counts`` (kept by the database as votes are
written), a word cloud's words are grouped in the database, and open text keeps only the newest
answers the page shows. Reads only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from podium.enums import PollType
from podium.kit.db import UnitOfWork
from podium.kit.writer import Work
from podium.live import audience_repository
from podium.live import repository as polls_repository
from podium.live.tally import counts_of
from podium.models import EventSession, Poll


@dataclass(frozen=True, kw_only=True)
class PollSummary:
    """A poll and its results. ``votes``: how many voted. ``counts[i]``: how many chose choice
    ``i`` (multiple choice and answer) or rated ``i + 1`` (rating); empty for text polls.
    ``words`` (word clouds): (text, count), compared case-insensitively and spelled as first
    given, most given first, the first given first on a tie. ``texts`` (open text): the newest
    answers, newest first, at most the ``texts_kept`` asked for (``votes`` says how many
    there are)."""

    poll: Poll
    votes: int
    counts: tuple[int, ...] = ()
    words: tuple[tuple[str, int], ...] = ()
    texts: tuple[str, ...] = ()


async def session_results(
    uow: UnitOfWork, *, session: EventSession, texts_kept: int
) -> tuple[PollSummary, ...]:
    """Every poll of ``session`` (drafts too) by rank, with its results: at most four
    statements."""
    polls = await polls_repository.list_polls(uow, session=session)
    if not polls:
        return ()
    return await uow.run(partial(_results, polls=polls, texts_kept=texts_kept))


def _results(work: Work, *, polls: Sequence[Poll], texts_kept: int) -> tuple[PollSummary, ...]:
    rows = audience_repository.list_poll_counts(work, poll_ids=[poll.id for poll in polls])
    totals, counts = counts_of(polls, rows)
    clouds = [poll.id for poll in polls if poll.type == PollType.WORD_CLOUD]
    open_texts = [poll.id for poll in polls if poll.type == PollType.OPEN_TEXT]
    words = _words(work, clouds) if clouds else {}
    texts: dict[int, list[str]] = {}
    if open_texts:
        latest = audience_repository.latest_texts(work, poll_ids=open_texts, per_poll=texts_kept)
        for poll_id, text in latest:  # oldest first
            texts.setdefault(poll_id, []).insert(0, text or "")
    return tuple(
        PollSummary(
            poll=poll,
            votes=totals.get(poll.id, 0),
            counts=tuple(counts.get(poll.id, ())),
            words=tuple(words.get(poll.id, ())),
            texts=tuple(texts.get(poll.id, ())),
        )
        for poll in polls
    )


def _words(work: Work, poll_ids: list[int]) -> dict[int, list[tuple[str, int]]]:
    # per (poll, casefolded word): votes, and the first given spelling with when it was given
    totals: dict[tuple[int, str], int] = {}
    first: dict[tuple[int, str], tuple[datetime, int, str]] = {}
    for poll_id, text, count, at, vote_id in audience_repository.count_texts_first(
        work, poll_ids=poll_ids
    ):
        key = (poll_id, (text or "").casefold())
        totals[key] = totals.get(key, 0) + count
        given = (at, vote_id, text or "")
        first[key] = min(first.get(key, given), given)
    words: dict[int, list[tuple[str, int]]] = {}
    for key in sorted(totals, key=lambda key: (-totals[key], first[key][:2])):
        words.setdefault(key[0], []).append((first[key][2], totals[key]))
    return words
