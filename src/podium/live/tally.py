"""A poll's running tally: how many voted, and how many chose each choice or rating point.

The realtime hub reads it after ``poll.voted`` messages (a few times a second per poll at most)
and sends it to the session's pages, so it is two short queries whatever the number of votes:
the poll, then the counts of its answers the database keeps as votes are written
(``PollCount``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from podium.enums import PollType
from podium.kit.db import UnitOfWork
from podium.live.errors import PollNotFound
from podium.models import EventSession, Poll, PollCount

_CHOICE_POLLS = frozenset({PollType.MULTIPLE_CHOICE, PollType.MULTIPLE_ANSWER})


@dataclass(frozen=True, kw_only=True)
class PollTally:
    """``counts[i]``: voters who chose choice ``i`` (multiple choice and answer) or rated
    ``i + 1`` (rating); empty for word clouds and open text. ``visible``: the audience may see
    the results."""

    poll: str
    votes: int
    counts: tuple[int, ...]
    visible: bool

    def message(self) -> dict[str, Any]:
        """The ``poll.tally`` message the session's pages receive."""
        return {
            "type": "poll.tally",
            "poll": self.poll,
            "votes": self.votes,
            "counts": list(self.counts),
            "visible": self.visible,
        }


def counts_of(
    polls: Iterable[Poll], rows: Iterable[tuple[int, int, int]]
) -> tuple[dict[int, int], dict[int, list[int]]]:
    """The polls' ``PollCount`` rows (poll id, answer, votes) as a tally: per poll, how many
    voted; per choice or rating poll, how many gave each answer (zeros included)."""
    counts = {
        poll.id: [0] * len(poll.choices)
        for poll in polls
        if PollType(poll.type) in _CHOICE_POLLS or poll.type == PollType.RATING
    }
    totals: dict[int, int] = {}
    for poll_id, answer, votes in rows:
        if answer == PollCount.EVERY_VOTE:
            totals[poll_id] = votes
        elif poll_id in counts and 0 <= answer < len(counts[poll_id]):
            counts[poll_id][answer] = votes
    return totals, counts


async def poll_tally(uow: UnitOfWork, *, session_public_id: str, poll_public_id: str) -> PollTally:
    """The current tally of the poll ``poll_public_id`` of the session ``session_public_id``.

    Reads only. PollNotFound when the session has no such poll.
    """
    poll = await uow.session.scalar(
        select(Poll)
        .join(EventSession, EventSession.id == Poll.session_id)
        .where(EventSession.public_id == session_public_id, Poll.public_id == poll_public_id)
    )
    if poll is None:
        raise PollNotFound(f'There is no poll with the id "{poll_public_id}" in this session.')
    given = await uow.session.execute(
        select(PollCount.poll_id, PollCount.answer, PollCount.votes).where(
            PollCount.poll_id == poll.id
        )
    )
    totals, counts = counts_of([poll], ((row[0], row[1], row[2]) for row in given))
    return PollTally(
        poll=poll.public_id,
        votes=totals.get(poll.id, 0),
        counts=tuple(counts.get(poll.id, ())),
        visible=poll.show_results,
    )
