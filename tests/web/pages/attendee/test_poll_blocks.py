"""poll_block: a poll's block without a form is rendered once for everyone who sees it alike,
and never shown stale; a block with a vote form is rendered for each browser."""

from __future__ import annotations

from podium.enums import PollState, PollType
from podium.live.service import AudiencePoll
from podium.live.types import CastVote
from podium.models import Poll
from podium.web.pages.attendee import poll_blocks

BASE = "/e/conf/s/abc123"


def _poll(state: PollState = PollState.OPEN) -> Poll:
    return Poll(
        id=1,
        public_id="p1",
        name="Coffee?",
        type=PollType.MULTIPLE_CHOICE.value,
        choices=["Yes", "No"],
        state=state.value,
        show_results=True,
    )


def _shown(poll: Poll, *, choice: int | None, counts: tuple[int, int]) -> AudiencePoll:
    vote = None if choice is None else CastVote(1, poll.id, 1, [choice], None, None)
    return AudiencePoll(poll=poll, my_vote=vote, votes=sum(counts), counts=counts)


def test_voters_who_see_a_poll_alike_share_one_rendering() -> None:
    poll_blocks._settled_block.cache_clear()
    poll = _poll()

    first = poll_blocks.poll_block((_shown(poll, choice=1, counts=(3, 5))), BASE, "token-a")
    again = poll_blocks.poll_block((_shown(_poll(), choice=1, counts=(3, 5))), BASE, "token-b")

    assert first == again
    assert "Your answer: <strong>No</strong>" in first and ">5<" in first
    assert poll_blocks._settled_block.cache_info().misses == 1
    assert poll_blocks._settled_block.cache_info().hits == 1


def test_a_block_shows_what_is_true_now() -> None:
    poll = _poll()
    before = poll_blocks.poll_block((_shown(poll, choice=1, counts=(3, 5))), BASE, "t")
    later = poll_blocks.poll_block((_shown(poll, choice=1, counts=(3, 6))), BASE, "t")
    other = poll_blocks.poll_block((_shown(poll, choice=0, counts=(3, 6))), BASE, "t")
    closed = poll_blocks.poll_block(
        (_shown(_poll(PollState.CLOSED), choice=0, counts=(3, 6))), BASE, "t"
    )

    assert ">6<" in later and ">6<" not in before
    assert "Your answer: <strong>Yes</strong>" in other
    assert "Closed" in closed and "Closed" not in other


def test_a_vote_form_is_rendered_for_each_browser_with_its_token_and_a_fresh_nonce() -> None:
    poll = _poll()
    mine = poll_blocks.poll_block((_shown(poll, choice=None, counts=(3, 5))), BASE, "a")
    theirs = poll_blocks.poll_block((_shown(poll, choice=None, counts=(3, 5))), BASE, "b")

    assert 'name="csrf_token" value="a"' in mine and 'name="csrf_token" value="b"' in theirs
    nonce = 'name="nonce" value="'
    assert mine.split(nonce)[1][:22] != theirs.split(nonce)[1][:22]
