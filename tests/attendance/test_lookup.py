"""The kiosk's search among a session's attendees."""

from __future__ import annotations

import pytest

from podium.attendance.lookup import search_preloaded
from podium.attendance.service import perform_checkin, perform_checkout, preload_attendees
from podium.attendance.types import PreloadAttendee
from podium.enums import AttendanceSource
from podium.kit.db import UnitOfWork
from podium.models import Event, EventSession
from tests.factories import make_attendee, make_session

PEOPLE = [
    PreloadAttendee(first_name="Ada", last_name="Lovelace", email="Ada@Example.org"),
    PreloadAttendee(first_name="Alan", last_name="Turing", email="alan@example.org"),
    PreloadAttendee(first_name="Grace", last_name="Hopper", email="grace@navy.example"),
]


@pytest.fixture
async def preloaded(uow: UnitOfWork, session: EventSession) -> EventSession:
    await preload_attendees(uow, session=session, attendees=PEOPLE)
    return session


async def _names(uow: UnitOfWork, session: EventSession, query: str, **kwargs: int) -> list[str]:
    found = await search_preloaded(uow, session=session, query=query, **kwargs)
    return [f"{record.attendee.first_name} {record.attendee.last_name}" for record in found]


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ("ada", ["Ada Lovelace"]),
        ("LOVELACE", ["Ada Lovelace"]),
        ("Ada Lovelace", ["Ada Lovelace"]),
        ("lovelace ada", ["Ada Lovelace"]),
        ("ada@example.org", ["Ada Lovelace"]),
        ("  ove ", ["Ada Lovelace"]),
        ("example.org", ["Ada Lovelace", "Alan Turing"]),
        ("a", ["Grace Hopper", "Ada Lovelace", "Alan Turing"]),
        ("navy", ["Grace Hopper"]),
        ("ada turing", []),
        ("nobody", []),
        ("", []),
        ("   ", []),
        ("%", []),
        ("_", []),
    ],
)
async def test_search_preloaded_matches_names_and_email_in_any_case(
    uow: UnitOfWork, preloaded: EventSession, query: str, names: list[str]
) -> None:
    assert await _names(uow, preloaded, query) == names


async def test_search_preloaded_finds_only_attendees_of_that_session(
    uow: UnitOfWork, event: Event, preloaded: EventSession
) -> None:
    other = await make_session(uow, event, name="Other")
    await preload_attendees(
        uow, session=other, attendees=[PreloadAttendee(first_name="Ada", email="ada2@x.org")]
    )
    await make_attendee(uow, event, first_name="Ada", last_name="Stranger", email="s@x.org")

    assert await _names(uow, preloaded, "ada") == ["Ada Lovelace"]
    assert await _names(uow, other, "ada") == ["Ada "]


async def test_search_preloaded_keeps_people_who_checked_in_or_out(
    uow: UnitOfWork, preloaded: EventSession
) -> None:
    ada = (await search_preloaded(uow, session=preloaded, query="ada"))[0].attendee
    alan = (await search_preloaded(uow, session=preloaded, query="alan"))[0].attendee
    await perform_checkin(uow, session=preloaded, attendee=ada, source=AttendanceSource.KIOSK)
    await perform_checkin(uow, session=preloaded, attendee=alan, source=AttendanceSource.WEB)
    await perform_checkout(uow, session=preloaded, attendee=alan, source=AttendanceSource.WEB)

    found = await search_preloaded(uow, session=preloaded, query="a")

    assert [(r.attendee.first_name, r.checked_in) for r in found] == [
        ("Grace", False),
        ("Ada", True),
        ("Alan", False),
    ]


async def test_search_preloaded_is_bounded_and_ordered_by_name(
    uow: UnitOfWork, session: EventSession
) -> None:
    await preload_attendees(
        uow,
        session=session,
        attendees=[
            PreloadAttendee(first_name=f"P{n:02d}", last_name="Smith", email=f"p{n}@x.org")
            for n in range(60)
        ],
    )

    default = await _names(uow, session, "smith")
    three = await _names(uow, session, "smith", limit=3)
    at_most = await _names(uow, session, "smith", limit=500)

    assert (len(default), three, len(at_most)) == (20, ["P00 Smith", "P01 Smith", "P02 Smith"], 50)


async def test_search_preloaded_runs_one_query(
    uow: UnitOfWork, preloaded: EventSession, count_queries: object
) -> None:
    with count_queries() as counter:  # type: ignore[operator]
        await search_preloaded(uow, session=preloaded, query="ada love")

    assert counter.count == 1
