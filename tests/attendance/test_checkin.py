from __future__ import annotations

from typing import Any

import pytest

from podium.attendance.errors import (
    AlreadyCheckedIn,
    NonceReused,
    NotCheckedIn,
    WrongCheckinCode,
    WrongCheckoutCode,
)
from podium.attendance.service import perform_checkin, perform_checkout, preload_attendees
from podium.attendance.types import PreloadAttendee
from podium.enums import AttendanceSource, CheckinAction, DeliveryFormat
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind, InvalidInput
from podium.models import Attendee, Checkin, CheckinHistoryEntry, Event, EventSession
from podium.people.errors import AttendeeNotFound
from tests.attendance.helpers import T0, count_rows, minutes
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


def _on_postgresql(uow: UnitOfWork) -> bool:
    bind = uow.session.bind
    return bind is not None and bind.dialect.name == "postgresql"


async def _history(uow: UnitOfWork) -> list[tuple[str, object, str | None]]:
    from sqlalchemy import select

    rows = await uow.session.scalars(
        select(CheckinHistoryEntry).order_by(CheckinHistoryEntry.at, CheckinHistoryEntry.id)
    )
    return [(row.action, row.at, row.source) for row in rows]


async def test_perform_checkin_creates_a_checked_in_record_and_a_history_entry(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    record = await perform_checkin(
        uow,
        session=session,
        attendee=attendee,
        source=AttendanceSource.KIOSK,
        delivery_format=DeliveryFormat.VIRTUAL,
        at=T0,
    )

    assert (record.checked_in, record.preloaded) == (True, False)
    assert (record.checkin_time, record.checkin_time_actual) == (T0, T0)
    assert (record.checkin_source, record.delivery_format) == ("kiosk", "virtual")
    assert (record.checkout_time, record.checkout_source) == (None, None)
    assert await _history(uow) == [("checkin", T0, "kiosk")]


async def test_perform_checkin_without_the_sessions_code_is_refused(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(uow, event, checkin_code="Lion")

    with pytest.raises(WrongCheckinCode) as raised:
        await perform_checkin(uow, session=session, attendee=attendee, source=WEB)

    assert (raised.value.kind, raised.value.field) == (ErrorKind.INVALID, "code")
    assert "needs a code" in raised.value.message
    assert await count_rows(uow, Checkin) == 0


async def test_perform_checkin_with_a_wrong_code_is_refused(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(uow, event, checkin_code="Lion")

    with pytest.raises(WrongCheckinCode) as raised:
        await perform_checkin(uow, session=session, attendee=attendee, code="tiger", source=WEB)

    assert "not this session's code" in raised.value.message
    assert await count_rows(uow, CheckinHistoryEntry) == 0


async def test_perform_checkin_matches_the_code_trimmed_and_case_insensitively(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(uow, event, checkin_code="Lion")

    record = await perform_checkin(
        uow, session=session, attendee=attendee, code="  lION ", source=WEB
    )

    assert record.checked_in is True


async def test_perform_checkin_when_already_checked_in_is_a_conflict(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)

    with pytest.raises(AlreadyCheckedIn) as raised:
        await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(1))

    assert raised.value.kind == ErrorKind.CONFLICT
    assert await count_rows(uow, CheckinHistoryEntry) == 1


async def test_perform_checkin_after_a_checkout_grows_the_history_and_keeps_the_first_time(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(60))

    record = await perform_checkin(
        uow, session=session, attendee=attendee, source=AttendanceSource.KIOSK, at=minutes(90)
    )

    assert record.checked_in is True
    assert (record.checkin_time, record.checkin_time_actual, record.checkin_source) == (
        T0,
        T0,
        "web",
    )
    assert await _history(uow) == [
        ("checkin", T0, "web"),
        ("checkout", minutes(60), "web"),
        ("checkin", minutes(90), "kiosk"),
    ]
    assert await count_rows(uow, Checkin) == 1


async def test_perform_checkin_replaying_a_nonce_creates_nothing(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    first = await perform_checkin(
        uow, session=session, attendee=attendee, source=WEB, nonce="n-1", at=T0
    )

    replay = await perform_checkin(
        uow, session=session, attendee=attendee, source=WEB, nonce="n-1", at=minutes(5)
    )

    assert replay.id == first.id
    assert replay.checkin_time == T0
    assert await count_rows(uow, CheckinHistoryEntry) == 1
    assert await count_rows(uow, Checkin) == 1


async def test_perform_checkin_replaying_a_nonce_after_checkout_creates_nothing(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="in-1")
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, nonce="out-1")

    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="in-1")
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, nonce="out-1")

    assert await count_rows(uow, CheckinHistoryEntry) == 2


async def test_perform_checkin_with_a_nonce_used_for_a_checkout_is_a_conflict(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="a")
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, nonce="b")

    with pytest.raises(NonceReused):
        await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="b")


async def test_perform_checkin_rejects_an_overlong_nonce(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="n" * 65)

    assert raised.value.field == "nonce"


async def test_perform_checkin_turns_a_preloaded_record_into_a_checkin(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await preload_attendees(uow, session=session, attendees=[PreloadAttendee(email=attendee.email)])

    record = await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)

    assert (record.preloaded, record.checked_in, record.checkin_time) == (False, True, T0)
    assert await count_rows(uow, Checkin) == 1


async def test_perform_checkin_takes_the_sessions_delivery_format_when_there_is_one_way(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    in_person = await make_session(uow, event, delivery_format="in-person")
    hybrid = await make_session(uow, event, delivery_format="hybrid")

    first = await perform_checkin(uow, session=in_person, attendee=attendee, source=WEB)
    second = await perform_checkin(uow, session=hybrid, attendee=attendee, source=WEB)

    assert (first.delivery_format, second.delivery_format) == ("in-person", None)


async def test_perform_checkin_of_another_events_attendee_is_not_found(
    uow: UnitOfWork, session: EventSession
) -> None:
    other_event = await create_event(uow, uri="other", name="Other")
    stranger = await make_attendee(uow, other_event)

    with pytest.raises(AttendeeNotFound):
        await perform_checkin(uow, session=session, attendee=stranger, source=WEB)


async def test_perform_checkout_records_the_latest_checkout(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(30))
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(40))

    record = await perform_checkout(
        uow, session=session, attendee=attendee, source=AttendanceSource.ADMIN, at=minutes(70)
    )

    assert record.checked_in is False
    assert (record.checkout_time, record.checkout_time_actual, record.checkout_source) == (
        minutes(70),
        minutes(70),
        "admin",
    )
    assert [action for action, _, _ in await _history(uow)] == [
        CheckinAction.CHECKIN,
        CheckinAction.CHECKOUT,
        CheckinAction.CHECKIN,
        CheckinAction.CHECKOUT,
    ]


async def test_perform_checkout_when_not_checked_in_is_a_conflict(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    with pytest.raises(NotCheckedIn) as raised:
        await perform_checkout(uow, session=session, attendee=attendee, source=WEB)

    assert raised.value.kind == ErrorKind.CONFLICT


async def test_perform_checkout_twice_is_a_conflict(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB)

    with pytest.raises(NotCheckedIn):
        await perform_checkout(uow, session=session, attendee=attendee, source=WEB)


async def test_perform_checkout_with_a_wrong_code_is_refused(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(uow, event, checkout_code="Bye")
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)

    with pytest.raises(WrongCheckoutCode) as missing:
        await perform_checkout(uow, session=session, attendee=attendee, source=WEB)
    with pytest.raises(WrongCheckoutCode) as wrong:
        await perform_checkout(uow, session=session, attendee=attendee, code="hi", source=WEB)
    record = await perform_checkout(
        uow, session=session, attendee=attendee, code=" bye ", source=WEB
    )

    assert (missing.value.field, wrong.value.field) == ("code", "code")
    assert record.checked_in is False


async def test_perform_checkout_replaying_a_nonce_creates_nothing(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await perform_checkout(
        uow, session=session, attendee=attendee, source=WEB, nonce="out", at=minutes(10)
    )

    record = await perform_checkout(
        uow, session=session, attendee=attendee, source=WEB, nonce="out", at=minutes(20)
    )

    assert record.checkout_time == minutes(10)
    assert await count_rows(uow, CheckinHistoryEntry) == 2


async def test_perform_checkin_of_a_new_record_is_three_statements_and_a_reread(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, count_queries: Any
) -> None:
    with count_queries() as counter:
        record = await perform_checkin(
            uow, session=session, attendee=attendee, source=WEB, nonce="n1", at=T0
        )

    # the check-in (record_checkin, also what the group commit runs): the record and its
    # history entry, no savepoint (one statement on PostgreSQL, WITH … INSERT … INSERT); the
    # look for other sessions the attendee is checked in to (to leave overlapping ones); then
    # perform_checkin reads the record back for its caller
    first_checkin = ["WITH"] if _on_postgresql(uow) else ["INSERT", "INSERT"]
    assert [statement.split()[0].upper() for statement in counter.statements] == [
        *first_checkin,
        "SELECT",
        "SELECT",
    ]
    assert (record.checked_in, record.preloaded, record.checkin_time) == (True, False, T0)
    assert await _history(uow) == [("checkin", T0, "web")]


async def test_perform_checkin_again_after_checkout_is_six_statements_and_a_reread(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, count_queries: Any
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, nonce="n1", at=T0)
    await perform_checkout(
        uow, session=session, attendee=attendee, source=WEB, nonce="n2", at=minutes(5)
    )

    with count_queries() as counter:
        record = await perform_checkin(
            uow, session=session, attendee=attendee, source=WEB, nonce="n3", at=minutes(9)
        )

    # insert that does nothing, locked read, nonce lookup, update and history, other sessions
    # the attendee is in; the re-read
    assert [statement.split()[0].upper() for statement in counter.statements] == [
        "WITH" if _on_postgresql(uow) else "INSERT",
        "SELECT",
        "SELECT",
        "UPDATE",
        "INSERT",
        "SELECT",
        "SELECT",
    ]
    assert (record.checked_in, record.checkin_time) == (True, T0)
    assert await count_rows(uow, CheckinHistoryEntry) == 3
