from __future__ import annotations

import pytest
from sqlalchemy import func, select

from podium.enums import QuestionState
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind, InvalidInput
from podium.live import repository
from podium.live.errors import OwnQuestionUpvote, QuestionNotFound, QuestionStateConflict
from podium.live.service import (
    approve_question,
    ask_question,
    dismiss_question,
    get_question,
    mark_question_answered,
    pin_question,
    upvote_question,
)
from podium.models import Attendee, Event, EventSession, Question, QuestionUpvote
from tests.factories import make_attendee, make_session
from tests.live.conftest import RecordingBroker


async def _upvote_rows(uow: UnitOfWork, question: Question) -> int:
    count = await uow.session.scalar(
        select(func.count()).where(QuestionUpvote.question_id == question.id)
    )
    return int(count or 0)


async def test_ask_question_is_approved_and_trimmed(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="  Why?\n")

    assert (question.text, question.state, question.attendee_id) == (
        "Why?",
        "approved",
        attendee.id,
    )
    assert (question.answered, question.pinned, question.upvote_count) == (False, False, 0)
    assert question.attendee is attendee


async def test_ask_question_waits_for_a_moderator_when_moderated(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(
        uow, session=session, attendee=attendee, text="Why?", moderated=True
    )

    assert question.state == QuestionState.PENDING


async def test_ask_question_may_be_anonymous(uow: UnitOfWork, session: EventSession) -> None:
    question = await ask_question(uow, session=session, attendee=None, text="Why?")

    assert (question.attendee_id, question.attendee) == (None, None)


@pytest.mark.parametrize("text", ["", "   \n", "x" * 1001])
async def test_ask_question_rejects_blank_or_long_text(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, text: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await ask_question(uow, session=session, attendee=attendee, text=text)

    assert caught.value.field == "text"


async def test_ask_question_accepts_the_longest_text(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="x" * 1000)

    assert len(question.text) == 1000


async def test_get_question_does_not_find_another_sessions_question(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="Why?")
    other = await make_session(uow, event, name="Other")

    found = await get_question(uow, session=session, public_id=question.public_id)
    with pytest.raises(QuestionNotFound) as caught:
        await get_question(uow, session=other, public_id=question.public_id)

    assert found is question
    assert caught.value.kind == ErrorKind.NOT_FOUND


async def test_upvote_question_counts_each_attendee_once(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=None, text="Why?")
    other = await make_attendee(uow, event, email="other@example.com")

    counts = [
        await upvote_question(uow, question=question, attendee=attendee),
        await upvote_question(uow, question=question, attendee=other),
        await upvote_question(uow, question=question, attendee=attendee),
    ]

    assert counts == [1, 2, 2]
    assert question.upvote_count == 2
    assert await _upvote_rows(uow, question) == 2


async def test_upvote_question_repeat_returns_the_current_count(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=None, text="Why?")
    await upvote_question(uow, question=question, attendee=attendee)
    await dismiss_question(uow, question=question)

    assert await upvote_question(uow, question=question, attendee=attendee) == 1


async def test_upvote_question_losing_a_race_to_its_own_repeat_is_a_no_op(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, monkeypatch: pytest.MonkeyPatch
) -> None:
    question = await ask_question(uow, session=session, attendee=None, text="Why?")
    await upvote_question(uow, question=question, attendee=attendee)
    real = repository.has_upvoted
    calls = 0

    async def has_upvoted(uow: UnitOfWork, *, question: Question, attendee: Attendee) -> bool:
        nonlocal calls
        calls += 1
        return False if calls == 1 else await real(uow, question=question, attendee=attendee)

    monkeypatch.setattr(repository, "has_upvoted", has_upvoted)

    assert await upvote_question(uow, question=question, attendee=attendee) == 1
    assert await _upvote_rows(uow, question) == 1


async def test_upvote_question_refuses_the_askers_own(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="Why?")

    with pytest.raises(OwnQuestionUpvote) as caught:
        await upvote_question(uow, question=question, attendee=attendee)

    assert (caught.value.kind, caught.value.message) == (
        ErrorKind.CONFLICT,
        "You cannot upvote your own question; the others can.",
    )
    assert (question.upvote_count, await _upvote_rows(uow, question)) == (0, 0)


@pytest.mark.parametrize("moderation", ["pending", "dismissed"])
async def test_upvote_question_rejects_a_question_the_audience_does_not_see(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, moderation: str
) -> None:
    question = await ask_question(uow, session=session, attendee=None, text="Why?", moderated=True)
    if moderation == "dismissed":
        await dismiss_question(uow, question=question)

    with pytest.raises(QuestionStateConflict) as caught:
        await upvote_question(uow, question=question, attendee=attendee)

    assert caught.value.kind == ErrorKind.CONFLICT
    assert await _upvote_rows(uow, question) == 0


async def test_approve_question_shows_a_pending_question(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(
        uow, session=session, attendee=attendee, text="Why?", moderated=True
    )

    await approve_question(uow, question=question)

    assert question.state == QuestionState.APPROVED


async def test_approve_question_restores_a_dismissed_question(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="Why?")
    await dismiss_question(uow, question=question)

    await approve_question(uow, question=question)

    assert question.state == QuestionState.APPROVED


async def test_dismiss_question_hides_and_unpins_it(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="Why?")
    await pin_question(uow, question=question)

    await dismiss_question(uow, question=question)

    assert (question.state, question.pinned) == (QuestionState.DISMISSED, False)


async def test_mark_question_answered_records_when_and_can_be_undone(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="Why?")

    await mark_question_answered(uow, question=question)
    answered = (question.answered, question.answered_at is not None)
    await mark_question_answered(uow, question=question, answered=False)

    assert answered == (True, True)
    assert (question.answered, question.answered_at) == (False, None)


async def test_pin_question_pins_and_unpins_an_approved_question(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(uow, session=session, attendee=attendee, text="Why?")

    await pin_question(uow, question=question)
    pinned = question.pinned
    await pin_question(uow, question=question, pinned=False)

    assert (pinned, question.pinned) == (True, False)


async def test_pin_question_rejects_a_pending_question(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    question = await ask_question(
        uow, session=session, attendee=attendee, text="Why?", moderated=True
    )

    with pytest.raises(QuestionStateConflict) as caught:
        await pin_question(uow, question=question)

    assert caught.value.message == "Approve this question before pinning it."
    assert question.pinned is False


async def test_question_changes_broadcast_ids_and_flags_after_commit(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, broker: RecordingBroker
) -> None:
    question = await ask_question(
        uow, session=session, attendee=None, text="Secret?", moderated=True
    )
    await approve_question(uow, question=question)
    await approve_question(uow, question=question)  # no change, no message
    await upvote_question(uow, question=question, attendee=attendee)
    await upvote_question(uow, question=question, attendee=attendee)  # repeat, no message
    await pin_question(uow, question=question)
    await mark_question_answered(uow, question=question)
    await dismiss_question(uow, question=question)

    await uow.commit()

    q = question.public_id
    assert broker.published == [
        (f"session:{session.public_id}", message)
        for message in [
            {"type": "question.asked", "question": q, "state": "pending"},
            {"type": "question.approved", "question": q},
            {"type": "question.upvoted", "question": q, "upvotes": 1},
            {"type": "question.pinned", "question": q, "pinned": True},
            {"type": "question.answered", "question": q, "answered": True},
            {"type": "question.dismissed", "question": q},
        ]
    ]
