"""attendance_section: what the attendance section of a session's page shows one attendee, read
in a fixed number of Core statements, the same through a unit of work and ``Database.read``."""

from __future__ import annotations

import asyncio
import datetime as dt
from decimal import Decimal
from functools import partial
from typing import Any

from podium.attendance.section import AttendanceSection, SectionRead, attendance_section
from podium.attendance.service import perform_checkin, perform_checkout, submit_codeword
from podium.attendance.types import OtherSession
from podium.credits.service import set_credit_rules
from podium.credits.types import CreditAtStake, RulesChange
from podium.enums import AttendanceSource
from podium.kit.db import Database, UnitOfWork
from podium.kit.writer import Work
from podium.models import Attendee, Event, EventSession
from tests.attendance.helpers import T0, minutes
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


async def _section(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, now: dt.datetime
) -> AttendanceSection:
    return await uow.run(
        partial(attendance_section, session_id=session.id, attendee_id=attendee.id, now=now)
    )


async def test_without_a_record_nothing_is_done_and_the_end_is_known(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(uow, event)  # 08:30-09:15 in Chicago on 2026-06-01

    section = await _section(uow, session, attendee, T0)

    assert section == AttendanceSection(
        timezone="America/Chicago",
        checked_in=False,
        delivery_format=None,
        checked_in_since=None,
        checked_out_at=None,
        session_ends_at=dt.datetime(2026, 6, 1, 14, 15, tzinfo=dt.UTC),
    )


async def test_checked_in_counts_from_the_latest_check_in_and_shows_the_credit_at_stake(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(
        uow,
        event,
        end_time=dt.time(10, 30),  # two hours
        delivery_format="hybrid",
        fields_of_study={"Accounting": ("2", [])},
    )
    # 60 minutes a credit, in steps of half a credit
    change = RulesChange(minutes_per_credit=60, partial_credit_step=Decimal("0.5"))
    await set_credit_rules(uow, event=event, change=change)
    checkin = partial(perform_checkin, uow, session=session, attendee=attendee, source=WEB)
    await checkin(at=minutes(1), delivery_format="virtual")
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(5))
    await checkin(at=minutes(7), delivery_format="virtual")

    section = await _section(uow, session, attendee, minutes(8))

    assert (section.checked_in, section.checked_in_since, section.checked_out_at) == (
        True,
        minutes(7),
        None,
    )
    assert section.delivery_format == "virtual"
    # 5 minutes so far earn nothing; staying to the end (1 h 59 min in all) earns 1.5
    assert [(s.field_of_study, s.possible, s.now, s.at_end) for s in section.credit_at_stake] == [
        ("Accounting", Decimal(2), Decimal(0), Decimal("1.5"))
    ]
    assert isinstance(section.credit_at_stake[0], CreditAtStake)


async def test_checked_out_shows_when(uow: UnitOfWork, event: Event, attendee: Attendee) -> None:
    session = await make_session(uow, event)
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(1))
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(5))

    section = await _section(uow, session, attendee, minutes(6))

    assert (section.checked_in, section.checked_out, section.checked_out_at) == (
        False,
        True,
        minutes(5),
    )
    assert section.credit_at_stake == ()


async def test_names_the_sessions_a_check_in_here_leaves_and_left(
    uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    keynote = await make_session(uow, event, name="Keynote")  # 08:30-09:15
    workshop = await make_session(
        uow, event, name="Workshop", start_time=dt.time(9), end_time=dt.time(10)
    )
    await perform_checkin(uow, session=keynote, attendee=attendee, source=WEB, at=minutes(1))

    before = await _section(uow, workshop, attendee, minutes(2))
    await perform_checkin(uow, session=workshop, attendee=attendee, source=WEB, at=minutes(31))
    after = await _section(uow, workshop, attendee, minutes(32))

    named = OtherSession(
        public_id=keynote.public_id,
        name="Keynote",
        date=keynote.date,
        start_time=keynote.start_time,
        end_time=keynote.end_time,
    )
    assert (before.overlapping, before.left_for_this) == ((named,), ())
    assert (after.overlapping, after.left_for_this) == ((), (named,))


async def test_reads_as_many_statements_for_a_long_history_as_for_none(
    uow: UnitOfWork, event: Event, attendee: Attendee, count_queries: Any
) -> None:
    session = await make_session(
        uow, event, fields_of_study={"Accounting": ("2", ["one", "two"]), "Taxes": ("1", [])}
    )
    elsewhere = [
        await make_session(uow, event, name=f"Room {n}", start_time=dt.time(8, 30 + n))
        for n in range(3)
    ]

    async def statements(now: dt.datetime) -> int:
        with count_queries() as counter:
            await _section(uow, session, attendee, now)
        return int(counter.count)

    none = await statements(T0)
    for other in elsewhere:  # each check-in elsewhere checks the attendee out of the last
        await perform_checkin(uow, session=other, attendee=attendee, source=WEB, at=minutes(1))
    for n in range(5):
        await perform_checkin(
            uow, session=session, attendee=attendee, source=WEB, at=minutes(2 + n)
        )
        await perform_checkout(
            uow, session=session, attendee=attendee, source=WEB, at=minutes(2.5 + n)
        )
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(9))
    await submit_codeword(
        uow,
        session=session,
        attendee=attendee,
        field_of_study_name="Accounting",
        word="one",
        at=minutes(9.5),
    )
    long_history = await statements(minutes(10))

    # the session's hours, zone and rules; its fields and codewords; the record with its
    # history; the other sessions' records; while credit is at stake, the codewords entered
    assert (none, long_history) == (4, 5)


async def test_the_sessions_part_is_read_once_for_every_attendee_of_a_batch(
    db: Database, uow: UnitOfWork, event: Event, attendee: Attendee, count_queries: Any
) -> None:
    session = await make_session(uow, event, fields_of_study={"Accounting": ("1", [])})
    others = [
        await perform_checkin(
            uow, session=session, attendee=await _attendee(uow, event, n), source=WEB, at=T0
        )
        for n in range(3)
    ]
    await uow.commit()

    def sections(work: Work) -> list[AttendanceSection]:
        return [
            attendance_section(
                work, session_id=session.id, attendee_id=record.attendee_id, now=minutes(1)
            )
            for record in others
        ]

    with count_queries() as counter:
        read = await db.read(sections)

    assert counter.count == 2 + 3 * 3  # the session once; each record, its others, codewords
    assert [section.checked_in_since for section in read] == [T0, T0, T0]


async def test_database_read_sees_what_a_unit_of_work_sees(
    db: Database, uow: UnitOfWork, event: Event, attendee: Attendee
) -> None:
    session = await make_session(uow, event, fields_of_study={"Accounting": ("1", [])})
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=minutes(1))
    await uow.commit()
    job = partial(attendance_section, session_id=session.id, attendee_id=attendee.id, now=T0)

    async with db.unit_of_work(write=False) as reading:
        in_a_unit_of_work = await reading.run(job)

    assert await db.read(job) == in_a_unit_of_work
    assert in_a_unit_of_work.checked_in_since == minutes(1)


async def _attendee(uow: UnitOfWork, event: Event, n: int) -> Attendee:
    return await make_attendee(uow, event, email=f"batch{n}@example.com")


async def test_sections_read_together_are_those_read_one_by_one_in_fewer_statements(
    db: Database, uow: UnitOfWork, event: Event, count_queries: Any
) -> None:
    session = await make_session(
        uow, event, end_time=dt.time(10, 30), fields_of_study={"Accounting": ("2", ["one"])}
    )
    elsewhere = await make_session(uow, event, name="Elsewhere", start_time=dt.time(9))
    change = RulesChange(minutes_per_credit=60, partial_credit_step=Decimal("0.5"))
    await set_credit_rules(uow, event=event, change=change)
    people = [await _attendee(uow, event, n) for n in range(6)]
    checkin = partial(perform_checkin, uow, source=WEB)
    await checkin(session=session, attendee=people[0], at=minutes(1))  # in, credit at stake
    await submit_codeword(
        uow,
        session=session,
        attendee=people[0],
        field_of_study_name="Accounting",
        word="one",
        at=minutes(2),
    )
    await checkin(session=session, attendee=people[1], at=minutes(1))
    await perform_checkout(uow, session=session, attendee=people[1], source=WEB, at=minutes(3))
    await checkin(session=elsewhere, attendee=people[2], at=minutes(1))  # overlapping
    await checkin(session=elsewhere, attendee=people[3], at=minutes(1))
    await checkin(session=session, attendee=people[3], at=minutes(4))  # left elsewhere for it
    # people[4] and people[5]: no record
    await uow.commit()
    reads = [SectionRead(session.id, person.id, minutes(5)) for person in people]
    alone = [await db.read(read) for read in reads]

    with count_queries() as counter:
        together = await asyncio.gather(*(db.read(read) for read in reads))

    assert together == alone
    assert [s.checked_in for s in together] == [True, False, False, True, False, False]
    assert together[0].credit_at_stake and together[2].overlapping and together[3].left_for_this
    # the session (two), the records, their other sessions, the codewords entered: the same
    # for six attendees as for one
    assert counter.count == 2 + 3
