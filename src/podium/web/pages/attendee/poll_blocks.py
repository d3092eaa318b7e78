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

from podium.web.pages.attendee.views import ChoiceTally, PollView, WordCount
from podium.web.pages.templates import ENVIRONMENT

POLL_TEMPLATE = "attendee/_poll.html"
# settled blocks kept: a few per poll (one per distinct answer) of the polls being watched now
SETTLED_BLOCKS_KEPT = 512


def poll_block(view: PollView, base: str, csrf_token: str) -> Markup:
    """The poll's ``<div class="poll">`` for the section at ``base`` (the session's URL)."""
    if view.can_vote:
        return _render(view, base, csrf_token)
    return _settled_block(_Settled.of(view, base))


def _render(view: PollView, base: str, csrf_token: str) -> Markup:
    html = ENVIRONMENT.get_template(POLL_TEMPLATE).render(
        {"view": view, "base": base, "csrf_token": csrf_token}
    )
    return Markup(html)  # rendered by the autoescaping environment


@dataclass(frozen=True)
class _Settled:
    """What a block without a form shows (compared and hashed), and the view it comes from."""

    base: str
    poll: tuple[object, ...]
    my_answer: str | None
    total: int
    tallies: tuple[ChoiceTally, ...]
    words: tuple[WordCount, ...]
    texts: tuple[str, ...]
    view: PollView = field(compare=False, hash=False)

    @classmethod
    def of(cls, view: PollView, base: str) -> _Settled:
        poll = view.poll
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
            my_answer=view.my_answer,
            total=view.total,
            tallies=view.tallies,
            words=view.words,
            texts=view.texts,
            view=view,
        )


@lru_cache(maxsize=SETTLED_BLOCKS_KEPT)
def _settled_block(settled: _Settled) -> Markup:
    # a settled block has no form: the CSRF token is not part of it
    return _render(settled.view, settled.base, "")
