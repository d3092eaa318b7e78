from __future__ import annotations

import pytest

from podium.enums import PollState, PollType
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind, InvalidInput
from podium.live.errors import PollNotFound, PollStateConflict
from podium.live.service import (
    close_poll,
    create_poll,
    get_poll,
    open_poll,
    set_poll_results_visible,
)
from podium.models import Event, EventSession, Poll
from tests.factories import make_session
from tests.live.conftest import RecordingBroker


async def _poll(uow: UnitOfWork, session: EventSession, **kwargs: object) -> Poll:
    arguments: dict[str, object] = {
        "name": "Which topic next?",
        "type": PollType.MULTIPLE_CHOICE,
        "choices": ["Audit", "Tax"],
    }
    arguments.update(kwargs)
    return await create_poll(uow, session=session, **arguments)  # type: ignore[arg-type]


async def test_create_poll_makes_a_draft_with_trimmed_name_and_choices(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _poll(uow, session, name="  Which topic next? ", choices=[" Audit ", "Tax"])

    assert (poll.name, poll.type, poll.choices, poll.state) == (
        "Which topic next?",
        "multiple_choice",
        ["Audit", "Tax"],
        "draft",
    )
    assert (poll.show_results, poll.opened_at, poll.closed_at) == (False, None, None)
    assert len(poll.public_id) == 12


async def test_create_poll_ranks_each_new_poll_after_the_others(
    uow: UnitOfWork, session: EventSession
) -> None:
    first = await _poll(uow, session)
    second = await _poll(uow, session)
    placed = await _poll(uow, session, rank=10)
    after = await _poll(uow, session)

    assert [first.rank, second.rank, placed.rank, after.rank] == [1, 2, 10, 11]


async def test_create_poll_ranks_per_session(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    await _poll(uow, session)
    other = await make_session(uow, event, name="Other")

    assert (await _poll(uow, other)).rank == 1


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "x" * 1001}, "name"),
        ({"type": "quiz"}, "type"),
        ({"choices": ["Only one"]}, "choices"),
        ({"choices": None}, "choices"),
        ({"choices": ["Audit", "  "]}, "choices"),
        ({"choices": ["Audit", "audit "]}, "choices"),
        ({"choices": [str(n) for n in range(21)]}, "choices"),
        ({"choices": "Audit,Tax"}, "choices"),
        ({"choices": ["Audit", "Tax"], "scale": 3}, "scale"),
        ({"rank": -1}, "rank"),
        ({"type": PollType.RATING, "choices": ["Bad", "Good"], "scale": 2}, "scale"),
        ({"type": PollType.RATING, "choices": None, "scale": 1}, "scale"),
        ({"type": PollType.RATING, "choices": None, "scale": 11}, "scale"),
        ({"type": PollType.RATING, "choices": ["Only"]}, "choices"),
        ({"type": PollType.WORD_CLOUD, "choices": ["Audit", "Tax"]}, "choices"),
        ({"type": PollType.OPEN_TEXT, "choices": None, "scale": 5}, "choices"),
    ],
)
async def test_create_poll_rejects_bad_input_naming_the_field(
    uow: UnitOfWork, session: EventSession, kwargs: dict[str, object], field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await _poll(uow, session, **kwargs)

    assert caught.value.field == field
    assert caught.value.message.startswith(f"{field}: ")


async def test_create_poll_rating_defaults_to_a_five_point_scale(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _poll(uow, session, type=PollType.RATING, choices=None)

    assert poll.choices == ["1", "2", "3", "4", "5"]


async def test_create_poll_rating_takes_a_scale_size_or_labels(
    uow: UnitOfWork, session: EventSession
) -> None:
    sized = await _poll(uow, session, type="rating", choices=None, scale=3)
    labelled = await _poll(uow, session, type="rating", choices=["Poor", "Fine", "Great"])

    assert (sized.choices, labelled.choices) == (["1", "2", "3"], ["Poor", "Fine", "Great"])


@pytest.mark.parametrize("poll_type", [PollType.WORD_CLOUD, PollType.OPEN_TEXT])
async def test_create_poll_text_polls_have_no_choices(
    uow: UnitOfWork, session: EventSession, poll_type: PollType
) -> None:
    poll = await _poll(uow, session, type=poll_type, choices=None)

    assert poll.choices == []


async def test_open_poll_opens_a_draft(uow: UnitOfWork, session: EventSession) -> None:
    poll = await _poll(uow, session)

    await open_poll(uow, poll=poll)

    assert poll.state == PollState.OPEN
    assert poll.opened_at is not None


async def test_close_poll_closes_an_open_poll(uow: UnitOfWork, session: EventSession) -> None:
    poll = await open_poll(uow, poll=await _poll(uow, session))

    await close_poll(uow, poll=poll)

    assert poll.state == PollState.CLOSED
    assert poll.closed_at is not None


async def test_open_poll_reopens_a_closed_poll(uow: UnitOfWork, session: EventSession) -> None:
    poll = await close_poll(uow, poll=await open_poll(uow, poll=await _poll(uow, session)))

    await open_poll(uow, poll=poll)

    assert (poll.state, poll.closed_at) == (PollState.OPEN, None)


async def test_close_poll_rejects_a_draft(uow: UnitOfWork, session: EventSession) -> None:
    poll = await _poll(uow, session)

    with pytest.raises(PollStateConflict) as caught:
        await close_poll(uow, poll=poll)

    assert caught.value.kind == ErrorKind.CONFLICT
    assert caught.value.message == "This poll is draft; it cannot be closed now."
    assert poll.state == PollState.DRAFT


async def test_open_poll_rejects_an_open_poll(uow: UnitOfWork, session: EventSession) -> None:
    poll = await open_poll(uow, poll=await _poll(uow, session))

    with pytest.raises(PollStateConflict):
        await open_poll(uow, poll=poll)


async def test_close_poll_rejects_a_closed_poll(uow: UnitOfWork, session: EventSession) -> None:
    poll = await close_poll(uow, poll=await open_poll(uow, poll=await _poll(uow, session)))

    with pytest.raises(PollStateConflict):
        await close_poll(uow, poll=poll)


async def test_set_poll_results_visible_toggles_show_results(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _poll(uow, session)

    await set_poll_results_visible(uow, poll=poll, visible=True)
    shown = poll.show_results
    await set_poll_results_visible(uow, poll=poll, visible=False)

    assert (shown, poll.show_results) == (True, False)


async def test_get_poll_finds_the_poll_of_its_session(
    uow: UnitOfWork, session: EventSession
) -> None:
    poll = await _poll(uow, session)

    assert await get_poll(uow, session=session, public_id=poll.public_id) is poll


async def test_get_poll_does_not_find_another_sessions_poll(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    poll = await _poll(uow, session)
    other = await make_session(uow, event, name="Other")

    with pytest.raises(PollNotFound) as caught:
        await get_poll(uow, session=other, public_id=poll.public_id)

    assert caught.value.kind == ErrorKind.NOT_FOUND


async def test_poll_changes_broadcast_on_the_session_channel_after_commit(
    uow: UnitOfWork, session: EventSession, broker: RecordingBroker
) -> None:
    poll = await _poll(uow, session)
    await open_poll(uow, poll=poll)
    await set_poll_results_visible(uow, poll=poll, visible=True)
    await set_poll_results_visible(uow, poll=poll, visible=True)  # no change, no message
    await close_poll(uow, poll=poll)
    sent_before_commit = list(broker.published)

    await uow.commit()

    channel = f"session:{session.public_id}"
    assert sent_before_commit == []
    assert broker.published == [
        (channel, {"type": "poll.created", "poll": poll.public_id}),
        (channel, {"type": "poll.opened", "poll": poll.public_id}),
        (channel, {"type": "poll.results", "poll": poll.public_id, "visible": True}),
        (channel, {"type": "poll.closed", "poll": poll.public_id}),
    ]


async def test_poll_broadcasts_are_dropped_on_rollback(
    uow: UnitOfWork, session: EventSession, broker: RecordingBroker
) -> None:
    await _poll(uow, session)

    await uow.rollback()

    assert broker.published == []
