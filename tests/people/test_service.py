from __future__ import annotations

import pytest
from sqlalchemy import func, select

from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Attendee, Event
from podium.people.errors import AttendeeNotFound
from podium.people.service import (
    attendee_details,
    find_or_create_attendee,
    find_or_create_attendees,
    get_attendee,
)
from tests.factories import make_attendee


async def _attendee_count(uow: UnitOfWork) -> int:
    return await uow.session.scalar(select(func.count()).select_from(Attendee)) or 0


async def test_find_or_create_attendee_creates_a_new_attendee_with_keys(
    uow: UnitOfWork, event: Event
) -> None:
    attendee = await find_or_create_attendee(
        uow,
        event=event,
        email=" Alex@Example.com ",
        first_name=" Alex ",
        last_name="Example",
        external_id="ATT-1",
        fields={"field_1": "North", "field_2": " "},
    )

    assert (attendee.first_name, attendee.last_name, attendee.email) == (
        "Alex",
        "Example",
        "Alex@Example.com",
    )
    assert (attendee.email_key, attendee.external_id_key) == ("alex@example.com", "att-1")
    assert (attendee.field_1, attendee.field_2) == ("North", None)
    assert attendee.id is not None


async def test_find_or_create_attendee_matches_email_case_insensitively(
    uow: UnitOfWork, event: Event
) -> None:
    existing = await make_attendee(uow, event, email="alex@example.com")

    found = await find_or_create_attendee(
        uow, event=event, email="ALEX@example.COM", first_name="Other", last_name="Name"
    )

    assert found.id == existing.id
    assert (found.first_name, found.last_name) == ("Alex", "Example")
    assert await _attendee_count(uow) == 1


async def test_find_or_create_attendee_matches_external_id_before_email(
    uow: UnitOfWork, event: Event
) -> None:
    by_email = await make_attendee(uow, event, email="alex@example.com", external_id="A-1")
    by_external_id = await make_attendee(uow, event, email="old@example.com", external_id="A-2")

    found = await find_or_create_attendee(
        uow, event=event, email="alex@example.com", first_name="", last_name="", external_id="a-2"
    )

    assert found.id == by_external_id.id
    assert found.id != by_email.id


async def test_find_or_create_attendee_gives_an_external_id_to_the_same_email_without_one(
    uow: UnitOfWork, event: Event
) -> None:
    existing = await make_attendee(uow, event, email="alex@example.com", external_id=None)

    found = await find_or_create_attendee(
        uow, event=event, email="alex@example.com", first_name="", last_name="", external_id="A-9"
    )

    assert found.id == existing.id
    assert (found.external_id, found.external_id_key) == ("A-9", "a-9")


async def test_find_or_create_attendee_with_another_external_id_creates_a_new_attendee(
    uow: UnitOfWork, event: Event
) -> None:
    existing = await make_attendee(uow, event, email="alex@example.com", external_id="A-1")

    found = await find_or_create_attendee(
        uow, event=event, email="alex@example.com", first_name="", last_name="", external_id="A-2"
    )

    assert found.id != existing.id
    assert await _attendee_count(uow) == 2


async def test_find_or_create_attendee_fills_blank_values_and_keeps_the_others(
    uow: UnitOfWork, event: Event
) -> None:
    existing = await make_attendee(
        uow, event, first_name="", last_name="Example", email=None, external_id="A-1", field_2="Y"
    )

    found = await find_or_create_attendee(
        uow,
        event=event,
        email="alex@example.com",
        first_name="Alex",
        last_name="Changed",
        external_id="A-1",
        fields={"field_1": "North", "field_2": "Changed"},
    )

    assert found.id == existing.id
    assert (found.first_name, found.last_name, found.email, found.email_key) == (
        "Alex",
        "Example",
        "alex@example.com",
        "alex@example.com",
    )
    assert (found.field_1, found.field_2) == ("North", "Y")


async def test_find_or_create_attendee_with_a_shared_email_matches_the_oldest(
    uow: UnitOfWork, event: Event
) -> None:
    oldest = await make_attendee(uow, event, email="shared@example.com", first_name="First")
    await make_attendee(uow, event, email="shared@example.com", first_name="Second")

    found = await find_or_create_attendee(
        uow, event=event, email="shared@example.com", first_name="", last_name=""
    )

    assert found.id == oldest.id


async def test_find_or_create_attendee_ignores_another_events_attendee(
    uow: UnitOfWork, event: Event
) -> None:
    other_event = await create_event(uow, uri="other", name="Other")
    other = await make_attendee(uow, other_event, email="alex@example.com")

    found = await find_or_create_attendee(
        uow, event=event, email="alex@example.com", first_name="", last_name=""
    )

    assert found.id != other.id
    assert found.event_id == event.id


@pytest.mark.parametrize("email", ["alex", "alex@", "@example.com", "alex@example", "a b@x.org"])
async def test_find_or_create_attendee_rejects_a_malformed_email_naming_it(
    uow: UnitOfWork, event: Event, email: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await find_or_create_attendee(uow, event=event, email=email, first_name="", last_name="")

    assert raised.value.field == "email"
    assert raised.value.message.startswith("email:")
    assert await _attendee_count(uow) == 0


async def test_find_or_create_attendee_needs_an_email_or_an_external_id(
    uow: UnitOfWork, event: Event
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await find_or_create_attendee(
            uow, event=event, email=" ", first_name="Alex", last_name="", external_id=""
        )

    assert raised.value.field == "email"


async def test_attendee_details_rejects_a_value_longer_than_its_column() -> None:
    with pytest.raises(InvalidInput) as raised:
        attendee_details(email="alex@example.com", fields={"field_3": "x" * 256})

    assert raised.value.field == "field_3"


async def test_attendee_details_rejects_an_unknown_custom_field() -> None:
    with pytest.raises(InvalidInput) as raised:
        attendee_details(email="alex@example.com", fields={"field_6": "x"})

    assert raised.value.field == "field_6"


async def test_find_or_create_attendees_gives_one_attendee_for_the_same_person_twice(
    uow: UnitOfWork, event: Event
) -> None:
    people = [
        attendee_details(email="alex@example.com", first_name="Alex"),
        attendee_details(email="ALEX@example.com", external_id="A-1"),
        attendee_details(email="other@example.com", external_id="a-1"),
    ]

    attendees = await find_or_create_attendees(uow, event=event, people=people)

    assert len({a.id for a in attendees}) == 1
    assert (attendees[0].first_name, attendees[0].external_id) == ("Alex", "A-1")
    assert await _attendee_count(uow) == 1


async def test_get_attendee_of_another_event_is_not_found(uow: UnitOfWork, event: Event) -> None:
    other_event = await create_event(uow, uri="other", name="Other")
    other = await make_attendee(uow, other_event)

    with pytest.raises(AttendeeNotFound):
        await get_attendee(uow, event=event, attendee_id=other.id)

    assert (await get_attendee(uow, event=other_event, attendee_id=other.id)).id == other.id
