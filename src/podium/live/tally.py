"""A poll's running tally: how many voted, and how many chose each choice or rating point.

The realtime hub reads it after ``poll.voted`` messages (a few times a second per poll at most)
and sends it to the session's pages, so it is two short queries whatever the number of votes:
the poll, then the counts of its answers the database keeps as votes are written
(``PollCount``).
"""

from __future__ import annotations

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
    poll_type = PollType(poll.type)
    size = len(poll.choices) if poll_type in _CHOICE_POLLS or poll_type is PollType.RATING else 0
    counts = [0] * size
    votes = 0
    given = await uow.session.execute(
        select(PollCount.answer, PollCount.votes).where(PollCount.poll_id == poll.id)
    )
    for answer, count in given:
        if answer == PollCount.EVERY_VOTE:
            votes = count
        elif 0 <= answer < size:
            counts[answer] = count
    return PollTally(
        poll=poll.public_id, votes=votes, counts=tuple(counts), visible=poll.show_results
    )
