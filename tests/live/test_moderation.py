"""Reordering polls and holding a session's questions for approval."""

from __future__ import annotations

import pytest

from podium.enums import PollType, QuestionState
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.live import repository
from podium.live.service import (
    ask_question,
    create_poll,
    move_poll,
    set_questions_moderated,
)
from podium.models import Event, EventSession, Poll
from tests.factories import make_session
from tests.live.conftest import RecordingBroker


async def _polls(uow: UnitOfWork, session: EventSession, count: int) -> list[Poll]:
    return [
        await create_poll(uow, session=session, name=f"Poll {n}", type=PollType.WORD_CLOUD)
        for n in range(1, count + 1)
    ]


async def _order(uow: UnitOfWork, session: EventSession) -> list[str]:
    return [poll.name for poll in await repository.list_polls(uow, session=session)]


async def test_move_poll_up_swaps_it_with_the_one_before(
    uow: UnitOfWork, session: EventSession
) -> None:
    _, second, _ = await _polls(uow, session, 3)

    await move_poll(uow, poll=second, direction="up")

    assert await _order(uow, session) == ["Poll 2", "Poll 1", "Poll 3"]


async def test_move_poll_down_swaps_it_with_the_one_after(
    uow: UnitOfWork, session: EventSession
) -> None:
    _, second, _ = await _polls(uow, session, 3)

    await move_poll(uow, poll=second, direction="down")

    assert await _order(uow, session) == ["Poll 1", "Poll 3", "Poll 2"]


async def test_move_poll_to_a_position(uow: UnitOfWork, session: EventSession) -> None:
    *_, last = await _polls(uow, session, 4)

    await move_poll(uow, poll=last, position=1)

    assert await _order(uow, session) == ["Poll 4", "Poll 1", "Poll 2", "Poll 3"]


async def test_move_poll_renumbers_polls_that_share_a_rank(
    uow: UnitOfWork, session: EventSession
) -> None:
    first = await create_poll(uow, session=session, name="A", type=PollType.OPEN_TEXT, rank=3)
    second = await create_poll(uow, session=session, name="B", type=PollType.OPEN_TEXT, rank=3)

    await move_poll(uow, poll=second, direction="up")

    assert (await _order(uow, session), second.rank, first.rank) == (["B", "A"], 1, 2)


async def test_move_poll_past_either_end_changes_nothing(
    uow: UnitOfWork, session: EventSession, broker: RecordingBroker
) -> None:
    first, _, last = await _polls(uow, session, 3)
    await uow.commit()
    broker.published.clear()

    await move_poll(uow, poll=first, direction="up")
    await move_poll(uow, poll=last, direction="down")
    await uow.commit()

    assert (await _order(uow, session), broker.published) == (
        ["Poll 1", "Poll 2", "Poll 3"],
        [],
    )


async def test_move_poll_broadcasts_poll_reordered_after_commit(
    uow: UnitOfWork, session: EventSession, broker: RecordingBroker
) -> None:
    _, second = await _polls(uow, session, 2)
    await uow.commit()
    broker.published.clear()

    await move_poll(uow, poll=second, direction="up")
    await uow.commit()

    assert broker.published == [
        (f"session:{session.public_id}", {"type": "poll.reordered", "poll": second.public_id})
    ]


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"direction": "up", "position": 1},
        {"direction": "sideways"},
        {"position": 0},
        {"position": 4},
        {"position": True},
    ],
)
async def test_move_poll_refuses_a_move_it_cannot_make(
    uow: UnitOfWork, session: EventSession, kwargs: dict[str, object]
) -> None:
    _, second, _ = await _polls(uow, session, 3)

    with pytest.raises(InvalidInput):
        await move_poll(uow, poll=second, **kwargs)  # type: ignore[arg-type]

    assert await _order(uow, session) == ["Poll 1", "Poll 2", "Poll 3"]


async def test_move_poll_only_reorders_its_own_session(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other = await make_session(uow, event, name="Other")
    await _polls(uow, other, 2)
    _, second = await _polls(uow, session, 2)

    await move_poll(uow, poll=second, direction="up")

    assert (await _order(uow, session), await _order(uow, other)) == (
        ["Poll 2", "Poll 1"],
        ["Poll 1", "Poll 2"],
    )


async def test_set_questions_moderated_holds_new_questions_for_approval(
    uow: UnitOfWork, session: EventSession
) -> None:
    await set_questions_moderated(uow, session=session, moderated=True)
    question = await ask_question(
        uow,
        session=session,
        attendee=None,
        text="Why?",
        moderated=session.questions_moderated,
    )

    assert (session.questions_moderated, question.state) == (True, QuestionState.PENDING)


async def test_set_questions_moderated_leaves_asked_questions_as_they_are(
    uow: UnitOfWork, session: EventSession
) -> None:
    asked = await ask_question(uow, session=session, attendee=None, text="Why?")

    await set_questions_moderated(uow, session=session, moderated=True)

    assert asked.state == QuestionState.APPROVED


async def test_set_questions_moderated_broadcasts_only_a_change(
    uow: UnitOfWork, session: EventSession, broker: RecordingBroker
) -> None:
    await set_questions_moderated(uow, session=session, moderated=False)  # already off
    await set_questions_moderated(uow, session=session, moderated=True)
    await set_questions_moderated(uow, session=session, moderated=True)
    await set_questions_moderated(uow, session=session, moderated=False)
    await uow.commit()

    channel = f"session:{session.public_id}"
    assert broker.published == [
        (
            channel,
            {"type": "session.updated", "session": session.public_id, "questions_moderated": True},
        ),
        (
            channel,
            {
                "type": "session.updated",
                "session": session.public_id,
                "questions_moderated": False,
            },
        ),
    ]
