"""count_checked_in, and the ``attendance.changed`` message check-in and check-out emit."""

from __future__ import annotations

import asyncio
from functools import partial

import pytest

from podium.attendance.checkin import perform_checkin, perform_checkout, record_checkout
from podium.attendance.errors import NotCheckedIn, WrongCheckoutCode
from podium.attendance.presence import count_checked_in
from podium.enums import AttendanceSource
from podium.kit.db import Database, UnitOfWork
from podium.kit.pubsub import InMemoryBroker, Message, session_channel
from podium.models import Attendee, Event, EventSession
from podium.program.types import SessionFacts
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB
CHANGED: Message = {"type": "attendance.changed"}


def _drain(queue: asyncio.Queue[Message]) -> list[Message]:
    messages = []
    while not queue.empty():
        messages.append(queue.get_nowait())
    return messages


async def test_count_checked_in_counts_who_is_checked_in_now(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    second = await make_attendee(uow, event, email="second@example.com")
    third = await make_attendee(uow, event, email="third@example.com")
    elsewhere = await make_session(uow, event, name="Elsewhere")
    for person in (attendee, second, third):
        await perform_checkin(uow, session=session, attendee=person, source=WEB)
    await perform_checkout(uow, session=session, attendee=third, source=WEB)
    await perform_checkin(uow, session=elsewhere, attendee=third, source=WEB)

    counts = (
        await count_checked_in(uow, session_public_id=session.public_id),
        await count_checked_in(uow, session_public_id=elsewhere.public_id),
        await count_checked_in(uow, session_public_id="nosuch"),
    )

    assert counts == (2, 1, 0)


async def test_checkin_and_checkout_emit_attendance_changed_once_committed(
    db: Database, event: Event, session: EventSession, attendee: Attendee, uow: UnitOfWork
) -> None:
    await uow.commit()
    broker = InMemoryBroker()
    async with broker.subscribe(session_channel(session.public_id)) as queue:
        checkin = db.unit_of_work()
        checkin.broker = broker
        async with checkin:
            await perform_checkin(checkin, session=session, attendee=attendee, source=WEB)
            before_commit = _drain(queue)
        after_checkin = _drain(queue)
        checkout = db.unit_of_work()
        checkout.broker = broker
        async with checkout:
            await perform_checkout(checkout, session=session, attendee=attendee, source=WEB)
        after_checkout = _drain(queue)

    assert (before_commit, after_checkin, after_checkout) == ([], [CHANGED], [CHANGED])


async def test_checkin_replay_and_rollback_emit_nothing(
    db: Database, event: Event, session: EventSession, attendee: Attendee, uow: UnitOfWork
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="n-1")
    await uow.commit()
    other = await make_attendee(uow, event, email="other@example.com")
    await uow.commit()
    broker = InMemoryBroker()
    async with broker.subscribe(session_channel(session.public_id)) as queue:
        replay = db.unit_of_work()
        replay.broker = broker
        async with replay:
            await perform_checkin(
                replay, session=session, attendee=attendee, source=WEB, nonce="n-1"
            )
        after_replay = _drain(queue)
        rolled_back = db.unit_of_work()
        rolled_back.broker = broker
        await perform_checkin(rolled_back, session=session, attendee=other, source=WEB)
        await rolled_back.rollback()
        await rolled_back.close()
        after_rollback = _drain(queue)

    assert (after_replay, after_rollback) == ([], [])


async def test_checkout_that_is_refused_emits_nothing(
    db: Database, event: Event, attendee: Attendee, uow: UnitOfWork
) -> None:
    session = await make_session(uow, event, checkout_code="BYE")
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)
    await uow.commit()
    broker = InMemoryBroker()
    async with broker.subscribe(session_channel(session.public_id)) as queue:
        refused = db.unit_of_work()
        refused.broker = broker
        async with refused:
            with pytest.raises(WrongCheckoutCode):
                await perform_checkout(
                    refused, session=session, attendee=attendee, code="HI", source=WEB
                )
            events = refused.events
        after_refusal = _drain(queue)

    assert (events, after_refusal) == ([], [])


async def test_a_failed_checkout_job_in_the_group_commit_sends_nothing(
    db: Database, event: Event, session: EventSession, attendee: Attendee, uow: UnitOfWork
) -> None:
    await uow.commit()
    broker = InMemoryBroker()
    previous, db.broker = db.broker, broker
    try:
        async with broker.subscribe(session_channel(session.public_id)) as queue:
            with pytest.raises(NotCheckedIn):
                await db.group_commit.run(
                    partial(
                        record_checkout,
                        session=SessionFacts.of(session),
                        attendee_id=attendee.id,
                        code=None,
                        source=WEB,
                    )
                )
            sent = _drain(queue)
    finally:
        db.broker = previous

    assert sent == []
