"""One poll of the attendee's polls section, rendered once for everyone who sees it alike.

When a keynote's audience votes, the express lane answers each htmx vote with the whole polls
section, and every answer of one commit shows the same tallies: the blocks of the polls an
attendee can no longer vote in (voted, or closed) differ only by the attendee's answer. Such a
block is kept (``functools.lru_cache``, by everything it shows), so a commit's hundred answers
render it once per distinct answer instead of once each; a block with a vote form (a fresh
nonce, the browser's CSRF token) is rendered every time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from markupsafe import Markup

from podium.live.service import AudiencePoll
from podium.web.pages.attendee.views import poll_view
from podium.web.pages.templates import ENVIRONMENT

POLL_TEMPLATE = "attendee/_poll.html"
# settled blocks kept: a few per poll (one per distinct answer) of the polls being watched now
SETTLED_BLOCKS_KEPT = 512


def poll_block(shown: AudiencePoll, base: str, csrf_token: str) -> Markup:
    """The poll's ``<div class="poll">`` for the section at ``base`` (the session's URL)."""
    if shown.can_vote:  # a vote form
        return _render(shown, base, csrf_token)
    return _settled_block(_Settled.of(shown, base))


def _render(shown: AudiencePoll, base: str, csrf_token: str) -> Markup:
    html = ENVIRONMENT.get_template(POLL_TEMPLATE).render(
        {"view": poll_view(shown), "base": base, "csrf_token": csrf_token}
    )
    return Markup(html)  # rendered by the autoescaping environment


@dataclass(frozen=True)
class _Settled:
    """What a block without a form shows (compared and hashed: the poll, the attendee's
    answer, the results), and the poll it comes from."""

    base: str
    poll: tuple[object, ...]
    answer: tuple[object, ...] | None
    votes: int
    counts: tuple[int, ...]
    words: tuple[tuple[str, int], ...]
    texts: tuple[str, ...]
    shown: AudiencePoll = field(compare=False, hash=False)

    @classmethod
    def of(cls, shown: AudiencePoll, base: str) -> _Settled:
        poll, vote = shown.poll, shown.my_vote
        return cls(
            base=base,
            poll=(
                poll.public_id,
                poll.name,
                tuple(poll.choices),
                poll.type,
                poll.state,
                poll.show_results,
            ),
            answer=None
            if vote is None
            else (
                tuple(vote.choices) if vote.choices is not None else None,
                vote.rating,
                vote.text,
            ),
            votes=shown.votes,
            counts=shown.counts,
            words=shown.words,
            texts=shown.texts,
            shown=shown,
        )


def _choices(choices: list[int] | None) -> tuple[int, ...] | None:
    return None if choices is None else tuple(choices)


@lru_cache(maxsize=SETTLED_BLOCKS_KEPT)
def _settled_block(settled: _Settled) -> Markup:
    # a settled block has no form: the CSRF token is not part of it
    return _render(settled.shown, settled.base, "")
