"""attendee_session_status: what one attendee sees about themselves in one session."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from podium.attendance.service import (
    adjust_credits,
    perform_checkin,
    perform_checkout,
    set_attendee_note,
    submit_codeword,
)
from podium.attendance.status import attendee_session_status, session_ends_at
from podium.enums import AttendanceSource
from podium.evaluations.service import define_evaluation_question, submit_evaluation
from podium.evaluations.types import EvaluationAnswer
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Event, EventSession
from podium.people.errors import AttendeeNotFound
from tests.attendance.helpers import T0, minutes
from tests.factories import add_presenter, make_attendee, make_session

WEB = AttendanceSource.WEB


async def test_status_without_a_record_shows_the_fields_and_nothing_done(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    status = await attendee_session_status(uow, session=session, attendee=attendee, at=T0)

    assert (status.checkin, status.checked_in, status.checked_in_since) == (None, False, None)
    assert (status.checked_out_at, status.note, status.evaluation_submitted_at) == (
        None,
        None,
        None,
    )
    assert [
        (f.name, f.credits, f.codewords.possible, f.codewords.valid) for f in status.fields_of_study
    ] == [
        ("Accounting", Decimal("2"), 2, ()),
        ("Taxes", Decimal("1.5"), 1, ()),
    ]
    assert (status.session_ended, status.evaluation_open) == (False, False)


async def test_status_checked_in_shows_since_when(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(2))

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=minutes(3))

    assert (status.checked_in, status.checked_in_since, status.checked_out_at) == (
        True,
        minutes(2),
        None,
    )
    assert status.evaluation_open is False


async def test_status_checked_out_shows_when_and_opens_the_evaluation(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(2))
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(20))

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=minutes(21))

    assert (status.checked_in, status.checked_in_since, status.checked_out_at) == (
        False,
        None,
        minutes(20),
    )
    assert (status.checked_out, status.evaluation_open) == (True, True)


async def test_status_after_checking_in_again_counts_from_the_latest_check_in(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(2))
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(10))
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(15))

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=minutes(16))

    assert (status.checked_in_since, status.checked_out_at) == (minutes(15), None)


async def test_status_tallies_codewords_and_shows_adjusted_credits(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    record = await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await submit_codeword(
        uow, session=session, attendee=attendee, field_of_study_name="accounting", word="CODE2"
    )
    await submit_codeword(
        uow, session=session, attendee=attendee, field_of_study_name="Accounting", word="nope"
    )
    await adjust_credits(uow, checkin=record, field_of_study_name="Taxes", credits=Decimal("0.5"))

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=T0)

    assert [
        (f.name, f.credits, f.credits_adjusted, f.codewords.valid, f.codewords.missed)
        for f in status.fields_of_study
    ] == [
        ("Accounting", Decimal("2"), False, ("Code2",), ("code1",)),
        ("Taxes", Decimal("0.5"), True, (), ("code5",)),
    ]


async def test_status_shows_the_attendees_note(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    record = await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await set_attendee_note(uow, checkin=record, note=" bring slides ")

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=T0)

    assert status.note == "bring slides"


async def test_status_shows_the_evaluation_answers_in_the_forms_order(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    presenter = await add_presenter(uow, session, "Jordan Lee")
    second = await define_evaluation_question(
        uow, event=event, text="Clarity", kind="rating", per_presenter=True, position=2
    )
    first = await define_evaluation_question(
        uow, event=event, text="Format?", kind="choice", choices=["Talk", "Panel"], position=1
    )
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await submit_evaluation(
        uow,
        session=session,
        attendee=attendee,
        answers=[
            EvaluationAnswer(question_id=second.id, presenter_id=presenter.id, value=4),
            EvaluationAnswer(question_id=first.id, value="panel"),
        ],
        at=minutes(50),
    )

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=minutes(51))

    assert status.evaluation_submitted_at == minutes(50)
    assert [(a.question_text, a.presenter_name, a.response) for a in status.evaluation_answers] == [
        ("Format?", None, "Panel"),
        ("Clarity", "Jordan Lee", "4"),
    ]


@pytest.mark.parametrize(
    ("instant", "ended"),
    [
        (dt.datetime(2026, 6, 1, 14, 14, 59, tzinfo=dt.UTC), False),  # 09:14:59 in Chicago
        (dt.datetime(2026, 6, 1, 14, 15, tzinfo=dt.UTC), True),  # 09:15
    ],
)
async def test_status_session_ends_at_its_end_time_in_the_events_time_zone(
    uow: UnitOfWork, event: Event, attendee: Attendee, instant: dt.datetime, ended: bool
) -> None:
    session = await make_session(uow, event)  # 08:30-09:15 on 2026-06-01

    status = await attendee_session_status(uow, session=session, attendee=attendee, at=instant)

    assert (status.session_ended, status.evaluation_open) == (ended, ended)


@pytest.mark.parametrize(
    ("attributes", "timezone", "expected"),
    [
        ({}, "America/Chicago", dt.datetime(2026, 6, 1, 14, 15, tzinfo=dt.UTC)),
        ({"end_time": None}, "America/Chicago", dt.datetime(2026, 6, 2, 5, 0, tzinfo=dt.UTC)),
        ({}, None, dt.datetime(2026, 6, 1, 9, 15, tzinfo=dt.UTC)),
        ({"session_date": None}, "America/Chicago", None),
    ],
)
async def test_session_ends_at_its_end_time_or_the_end_of_its_day(
    uow: UnitOfWork,
    event: Event,
    attributes: dict[str, Any],
    timezone: str | None,
    expected: dt.datetime | None,
) -> None:
    session = await make_session(uow, event, **attributes)

    assert session_ends_at(session, timezone) == expected


async def test_status_of_another_events_attendee_is_refused(
    uow: UnitOfWork, session: EventSession
) -> None:
    other = await create_event(uow, uri="other", name="Other")
    stranger = await make_attendee(uow, other)

    with pytest.raises(AttendeeNotFound):
        await attendee_session_status(uow, session=session, attendee=stranger)


async def test_status_runs_as_many_queries_for_many_records_as_for_one(
    uow: UnitOfWork, event: Event, attendee: Attendee, count_queries: Any
) -> None:
    async def queries(n: int) -> int:
        session = await make_session(
            uow,
            event,
            name=f"S{n}",
            session_date=None,
            fields_of_study={f"Field {i}": ("1", [f"w{i}a", f"w{i}b"]) for i in range(n)},
        )
        record = await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
        await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(9))
        answers = []
        for i in range(n):
            await perform_checkin(
                uow, session=session, attendee=attendee, source=WEB, at=minutes(10 + i)
            )
            await submit_codeword(
                uow,
                session=session,
                attendee=attendee,
                field_of_study_name=f"Field {i}",
                word=f"w{i}a",
            )
            await perform_checkout(
                uow, session=session, attendee=attendee, source=WEB, at=minutes(10.5 + i)
            )
            await adjust_credits(
                uow, checkin=record, field_of_study_name=f"Field {i}", credits=Decimal("0.5")
            )
            evaluation = await define_evaluation_question(
                uow, event=event, text=f"E{n}-{i}", kind="text", session=session
            )
            answers.append(EvaluationAnswer(question_id=evaluation.id, value="ok"))
        await submit_evaluation(uow, session=session, attendee=attendee, answers=answers)
        uow.session.expunge_all()
        reloaded = await uow.session.get(EventSession, session.id)
        me = await uow.session.get(Attendee, attendee.id)
        await uow.session.get(Event, event.id)
        assert reloaded is not None and me is not None
        with count_queries() as counter:
            await attendee_session_status(uow, session=reloaded, attendee=me, at=T0)
        return counter.count

    assert await queries(1) == await queries(10)
