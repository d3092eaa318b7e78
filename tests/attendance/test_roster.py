from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from podium.attendance.service import (
    clear_attendance,
    list_attendance,
    perform_checkin,
    perform_checkout,
    preload_attendees,
    remove_checkins,
    submit_codeword,
    total_time_attended,
)
from podium.attendance.types import PreloadAttendee, RemovalFilters
from podium.enums import AttendanceSource
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import (
    Attendee,
    Checkin,
    CheckinHistoryEntry,
    CodewordSubmission,
    Event,
    EventSession,
)
from tests.attendance.helpers import T0, count_rows, minutes
from tests.factories import make_attendee, make_session

WEB = AttendanceSource.WEB


@dataclass
class _Entry:
    action: str
    at: datetime


def test_total_time_attended_without_a_complete_interval_is_none() -> None:
    assert total_time_attended([]) is None
    assert total_time_attended([_Entry("checkin", T0)]) is None


def test_total_time_attended_sums_completed_intervals_and_skips_an_open_one() -> None:
    history = [
        _Entry("checkin", T0),
        _Entry("checkout", minutes(45)),
        _Entry("checkin", minutes(105)),
        _Entry("checkout", minutes(135)),
        _Entry("checkin", minutes(200)),
    ]

    assert total_time_attended(reversed(history)) == timedelta(minutes=75)


def test_total_time_attended_ignores_a_checkout_before_any_checkin() -> None:
    history = [
        _Entry("checkout", T0),
        _Entry("checkin", minutes(1)),
        _Entry("checkout", minutes(3)),
    ]

    assert total_time_attended(history) == timedelta(minutes=2)


async def test_list_attendance_orders_by_checkin_time_then_name_never_checked_in_last(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    late = await make_attendee(uow, event, first_name="Ann", last_name="Zed", email="z@x.org")
    early = await make_attendee(uow, event, first_name="Bob", last_name="Young", email="y@x.org")
    await preload_attendees(
        uow,
        session=session,
        attendees=[
            PreloadAttendee(email="b@x.org", last_name="beta"),
            PreloadAttendee(email="a@x.org", last_name="Alpha"),
        ],
    )
    await perform_checkin(uow, session=session, attendee=late, source=WEB, at=minutes(5))
    await perform_checkin(uow, session=session, attendee=early, source=WEB, at=T0)

    records = await list_attendance(uow, session=session)

    assert [r.attendee.last_name for r in records] == ["Young", "Zed", "Alpha", "beta"]


async def test_list_attendance_builds_fields_history_and_total_time(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await submit_codeword(
        uow, session=session, attendee=attendee, field_of_study_name="Accounting", word="code2"
    )
    await perform_checkout(uow, session=session, attendee=attendee, source=WEB, at=minutes(75))

    (record,) = await list_attendance(uow, session=session)

    assert [(h.action, h.at) for h in record.history] == [
        ("checkin", T0),
        ("checkout", minutes(75)),
    ]
    assert record.total_time_attended == timedelta(minutes=75)
    assert [(f.name, f.codewords.valid, f.codewords.missed) for f in record.fields_of_study] == [
        ("Accounting", ("Code2",), ("code1",)),
        ("Taxes", (), ("code5",)),
    ]
    assert record.evaluation_complete is False


async def test_preload_attendees_creates_attendees_and_preloaded_records(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    count = await preload_attendees(
        uow,
        session=session,
        attendees=[
            PreloadAttendee(email="alex@example.com", first_name="Alex", field_1="North"),
            PreloadAttendee(external_id="ATT-2", last_name="Example"),
        ],
    )

    assert count == 2
    records = await list_attendance(uow, session=session)
    assert [(r.attendee.email, r.attendee.external_id, r.attendee.field_1) for r in records] == [
        ("alex@example.com", None, "North"),
        (None, "ATT-2", None),
    ]
    assert [
        (r.checkin.preloaded, r.checkin.checked_in, r.checkin.checkin_time) for r in records
    ] == [
        (True, False, None),
        (True, False, None),
    ]


async def test_preload_attendees_never_removes_or_changes_existing_records(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB, at=T0)
    await preload_attendees(uow, session=session, attendees=[PreloadAttendee(email="b@x.org")])

    count = await preload_attendees(
        uow,
        session=session,
        attendees=[PreloadAttendee(email="ATTENDEE@example.com"), PreloadAttendee(email="c@x.org")],
    )

    assert count == 2
    records = await list_attendance(uow, session=session)
    assert [(r.attendee.email, r.checkin.preloaded, r.checkin.checkin_time) for r in records] == [
        ("attendee@example.com", False, T0),
        ("b@x.org", True, None),
        ("c@x.org", True, None),
    ]
    assert await count_rows(uow, CheckinHistoryEntry) == 1


async def test_preload_attendees_counts_a_person_repeated_in_the_request_once(
    uow: UnitOfWork, session: EventSession
) -> None:
    count = await preload_attendees(
        uow,
        session=session,
        attendees=[
            PreloadAttendee(email="alex@example.com", external_id="A-1"),
            PreloadAttendee(external_id="a-1"),
            PreloadAttendee(email="ALEX@example.com"),
        ],
    )

    assert count == 1
    assert await count_rows(uow, Attendee) == 1
    assert await count_rows(uow, Checkin) == 1


async def test_preload_attendees_of_nobody_is_zero(uow: UnitOfWork, session: EventSession) -> None:
    assert await preload_attendees(uow, session=session, attendees=[]) == 0


async def test_preload_attendees_entry_without_email_or_external_id_names_it_and_writes_nothing(
    uow: UnitOfWork, session: EventSession
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await preload_attendees(
            uow,
            session=session,
            attendees=[PreloadAttendee(email="a@x.org"), PreloadAttendee(first_name="Nobody")],
        )

    assert raised.value.field == "[1].email"
    assert raised.value.message.startswith("[1].email:")
    assert (await count_rows(uow, Attendee), await count_rows(uow, Checkin)) == (0, 0)


async def test_preload_attendees_with_a_malformed_email_names_the_entry(
    uow: UnitOfWork, session: EventSession
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await preload_attendees(uow, session=session, attendees=[PreloadAttendee(email="nope")])

    assert raised.value.field == "[0].email"


async def test_clear_attendance_removes_every_record_and_returns_the_count(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    other_session = await make_session(uow, event, name="Other")
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)
    await submit_codeword(
        uow, session=session, attendee=attendee, field_of_study_name="Taxes", word="code5"
    )
    await perform_checkin(uow, session=other_session, attendee=attendee, source=WEB)
    await preload_attendees(
        uow,
        session=session,
        attendees=[PreloadAttendee(email="b@x.org"), PreloadAttendee(email="c@x.org")],
    )

    removed = await clear_attendance(uow, session=session)

    assert removed == 3
    assert await list_attendance(uow, session=session) == []
    assert len(await list_attendance(uow, session=other_session)) == 1
    assert await count_rows(uow, CheckinHistoryEntry) == 1
    assert await count_rows(uow, CodewordSubmission) == 0
    assert await count_rows(uow, Attendee) == 3


async def test_clear_attendance_of_an_empty_session_is_zero(
    uow: UnitOfWork, session: EventSession
) -> None:
    assert await clear_attendance(uow, session=session) == 0


@pytest.mark.parametrize(
    ("filters", "second"),
    [
        ({"all": True, "email": "a@x.org"}, "email"),
        ({"all": True, "external_id": "A-1"}, "external_id"),
        ({"email": "a@x.org", "external_id": "A-1"}, "external_id"),
    ],
)
async def test_remove_checkins_with_combined_filters_is_too_many(
    uow: UnitOfWork,
    session: EventSession,
    attendee: Attendee,
    filters: dict[str, object],
    second: str,
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)

    with pytest.raises(InvalidInput) as raised:
        await remove_checkins(uow, session=session, **filters)  # type: ignore[arg-type]

    assert raised.value.message.startswith("Too many possible filters")
    assert raised.value.message == "Too many possible filters"  # the vendor's words, exactly
    assert raised.value.detail is not None
    assert raised.value.detail.startswith("Pass only one of all, email and external_id")
    assert raised.value.field == second
    assert await count_rows(uow, Checkin) == 1


@pytest.mark.parametrize(
    "filters",
    [{}, {"all": False}, {"email": None, "external_id": None}, {"email": " ", "external_id": ""}],
)
async def test_remove_checkins_without_a_usable_filter_is_refused(
    uow: UnitOfWork, session: EventSession, filters: dict[str, object]
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await remove_checkins(uow, session=session, **filters)  # type: ignore[arg-type]

    assert raised.value.message.startswith("No valid filters were passed")
    assert (raised.value.message, raised.value.detail) == (
        "No valid filters were passed",
        'Pass "all": true, an email or an external_id.',
    )


async def test_remove_checkins_all_with_a_blank_email_uses_all(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)

    result = await remove_checkins(uow, session=session, all=True, email="")

    assert result.found == 1
    assert result.filters == RemovalFilters(all=True, email=None, external_id=None)
    assert await count_rows(uow, Checkin) == 0


async def test_remove_checkins_by_email_matches_exactly_and_case_insensitively(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    await preload_attendees(
        uow,
        session=session,
        attendees=[
            PreloadAttendee(email="alex@example.com"),
            PreloadAttendee(email="alex@example.com.au"),
            PreloadAttendee(email="xalex@example.com"),
        ],
    )

    result = await remove_checkins(uow, session=session, email=" ALEX@Example.com ")

    assert [r.attendee.email for r in result.records] == ["alex@example.com"]
    assert result.filters == RemovalFilters(all=False, email="ALEX@Example.com", external_id=None)
    remaining = await list_attendance(uow, session=session)
    assert [r.attendee.email for r in remaining] == ["alex@example.com.au", "xalex@example.com"]


async def test_remove_checkins_by_external_id_matches_case_insensitively(
    uow: UnitOfWork, session: EventSession
) -> None:
    await preload_attendees(
        uow,
        session=session,
        attendees=[PreloadAttendee(external_id="ATT-1"), PreloadAttendee(external_id="ATT-10")],
    )

    result = await remove_checkins(uow, session=session, external_id="att-1")

    assert [r.attendee.external_id for r in result.records] == ["ATT-1"]
    assert [r.attendee.external_id for r in await list_attendance(uow, session=session)] == [
        "ATT-10"
    ]


async def test_remove_checkins_removes_both_attendees_sharing_an_email(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    first = await make_attendee(uow, event, email="shared@example.com", external_id="S-1")
    second = await make_attendee(uow, event, email="Shared@Example.com", external_id="S-2")
    await perform_checkin(uow, session=session, attendee=first, source=WEB, at=T0)
    await perform_checkin(uow, session=session, attendee=second, source=WEB, at=minutes(1))

    result = await remove_checkins(uow, session=session, email="shared@example.com")

    assert [r.attendee.external_id for r in result.records] == ["S-1", "S-2"]
    assert (result.found, result.preview) == (2, False)
    assert await count_rows(uow, Checkin) == 0
    assert await count_rows(uow, CheckinHistoryEntry) == 0


async def test_remove_checkins_preview_removes_nothing_and_reports_what_it_would(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)

    result = await remove_checkins(uow, session=session, all=True, preview=True)

    assert (result.found, result.preview) == (1, True)
    assert [r.attendee.id for r in result.records] == [attendee.id]
    assert await count_rows(uow, Checkin) == 1


async def test_remove_checkins_leaves_other_sessions_alone(
    uow: UnitOfWork, event: Event, session: EventSession, attendee: Attendee
) -> None:
    other_session = await make_session(uow, event, name="Other")
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)
    await perform_checkin(uow, session=other_session, attendee=attendee, source=WEB)

    result = await remove_checkins(uow, session=session, email=attendee.email)

    assert result.found == 1
    remaining = list(await uow.session.scalars(select(Checkin.session_id)))
    assert remaining == [other_session.id]


@pytest.mark.parametrize(("fields", "queries"), [(None, 3), ({"Ethics": ("1", ["word"])}, 6)])
async def test_list_attendance_of_600_records_runs_a_fixed_number_of_queries(
    uow: UnitOfWork,
    event: Event,
    count_queries: Any,
    fields: dict[str, tuple[str, list[str]]] | None,
    queries: int,
) -> None:
    session = await make_session(uow, event, name="Big", fields_of_study=fields)
    await preload_attendees(
        uow,
        session=session,
        attendees=[PreloadAttendee(email=f"p{n}@x.org") for n in range(600)],
    )

    with count_queries() as counter:
        records = await list_attendance(uow, session=session)

    assert (len(records), counter.count) == (600, queries)
