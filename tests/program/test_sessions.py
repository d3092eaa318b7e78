from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

import pytest

from podium.enums import DeliveryFormat
from podium.kit import ids
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import (
    Codeword,
    Event,
    EventSession,
    FieldOfStudy,
    Presenter,
    Room,
    SessionPresenter,
)
from podium.program import repository, service
from podium.program.errors import SessionNotFound
from podium.program.types import FieldOfStudyDraft, PresenterRef, SessionChanges, SessionDraft
from tests.program.helpers import count_rows, fields, presenter_names, reloaded


async def test_create_session_stores_every_field(uow: UnitOfWork, event: Event) -> None:
    draft = SessionDraft(
        name="  Opening Keynote ",
        external_id=" S-1 ",
        location="Ballroom A",
        description="The first talk.",
        date=date(2026, 6, 1),
        start_time=time(8, 30),
        end_time=time(9, 15),
        access_code="KEY",
        moderator_password=" mod secret ",
        checkin_required=True,
        checkout_required=True,
        checkin_code="IN",
        checkout_code="OUT",
        delivery_format=DeliveryFormat.HYBRID,
        learning_objectives=[" Learn one thing ", "", "Learn another"],
        presenters=[PresenterRef(name="Jordan Example", external_id="P-1")],
        fields_of_study=[FieldOfStudyDraft(name="Accounting", credits=Decimal("2.50"))],
    )

    created = await service.create_session(uow, event=event, draft=draft)

    session = await reloaded(uow, created)
    assert session.public_id == created.public_id
    assert (session.name, session.external_id, session.description) == (
        "Opening Keynote",
        "S-1",
        "The first talk.",
    )
    assert session.room is not None and session.room.name == "Ballroom A"
    assert (session.date, session.start_time, session.end_time) == (
        date(2026, 6, 1),
        time(8, 30),
        time(9, 15),
    )
    assert (session.access_code, session.moderator_password) == ("KEY", " mod secret ")
    assert (session.checkin_required, session.checkout_required) == (True, True)
    assert (session.checkin_code, session.checkout_code) == ("IN", "OUT")
    assert session.delivery_format == "hybrid"
    assert session.learning_objectives == ["Learn one thing", "Learn another"]
    assert [(p.presenter.name, p.presenter.external_id) for p in session.presenter_links] == [
        ("Jordan Example", "P-1")
    ]
    assert fields(session) == [("Accounting", "2.5")]


async def test_create_session_gives_a_short_public_id(uow: UnitOfWork, event: Event) -> None:
    session = await service.create_session(uow, event=event, draft=SessionDraft(name="Talk"))

    assert len(session.public_id) == 6
    assert session.presenter_links == []
    assert session.fields_of_study == []
    assert session.room is None


async def test_create_session_draws_another_id_when_one_is_taken(
    uow: UnitOfWork, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await service.create_session(uow, event=event, draft=SessionDraft(name="First"))
    drawn = iter([first.public_id, first.public_id, "zzzzzz"])
    monkeypatch.setattr(ids, "session_id", lambda: next(drawn))

    second = await service.create_session(uow, event=event, draft=SessionDraft(name="Second"))

    assert second.public_id == "zzzzzz"


@pytest.mark.parametrize("name", ["", "   "])
async def test_create_session_without_a_name_is_refused(
    uow: UnitOfWork, event: Event, name: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await service.create_session(uow, event=event, draft=SessionDraft(name=name))

    assert caught.value.message == "name: a session needs a name"
    assert await count_rows(uow, EventSession) == 0


async def test_create_session_refuses_an_end_before_the_start_and_writes_nothing(
    uow: UnitOfWork, event: Event
) -> None:
    draft = SessionDraft(
        name="Talk",
        location="New Room",
        start_time=time(10, 0),
        end_time=time(9, 0),
        presenters=[PresenterRef(name="New Person")],
        fields_of_study=[FieldOfStudyDraft(name="Ethics", credits=Decimal(1))],
    )

    with pytest.raises(InvalidInput) as caught:
        await service.create_session(uow, event=event, draft=draft)

    assert caught.value.message.startswith("end_time:")
    assert caught.value.field == "end_time"
    counts = [await count_rows(uow, model) for model in (EventSession, Room, Presenter)]
    assert counts == [0, 0, 0]


@pytest.mark.parametrize("day", [date(9999, 12, 31), date(1899, 12, 31)])
async def test_create_session_refuses_a_date_outside_1900_to_2200_and_writes_nothing(
    uow: UnitOfWork, event: Event, day: date
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await service.create_session(
            uow, event=event, draft=SessionDraft(name="Talk", date=day, location="New Room")
        )

    assert (caught.value.message, caught.value.field) == (
        f"date: {day.isoformat()} is not between the years 1900 and 2200",
        "date",
    )
    assert [await count_rows(uow, model) for model in (EventSession, Room)] == [0, 0]


async def test_update_session_refuses_a_date_outside_1900_to_2200(
    uow: UnitOfWork, event: Event
) -> None:
    session = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Talk", date=date(2026, 6, 1))
    )

    with pytest.raises(InvalidInput) as caught:
        await service.update_session(
            uow, event=event, session=session, changes=SessionChanges(date=date(9999, 12, 31))
        )

    assert caught.value.message == "date: 9999-12-31 is not between the years 1900 and 2200"
    assert (await reloaded(uow, session)).date == date(2026, 6, 1)


async def test_create_session_allows_an_end_equal_to_the_start(
    uow: UnitOfWork, event: Event
) -> None:
    draft = SessionDraft(name="Talk", start_time=time(0, 0), end_time=time(0, 0))

    session = await service.create_session(uow, event=event, draft=draft)

    assert (session.start_time, session.end_time) == (time(0, 0), time(0, 0))


_TOO_LONG = "x" * 256


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (SessionDraft(name="x" * 501), "name"),
        (SessionDraft(name="Talk", external_id=_TOO_LONG), "external_id"),
        (SessionDraft(name="Talk", location=_TOO_LONG), "location"),
        (SessionDraft(name="Talk", checkin_code=_TOO_LONG), "checkin_code"),
        (
            SessionDraft(name="Talk", presenters=[PresenterRef(name=_TOO_LONG)]),
            "presenters[0].name",
        ),
        (
            SessionDraft(
                name="Talk", fields_of_study=[FieldOfStudyDraft(name=_TOO_LONG, credits=Decimal(1))]
            ),
            "fields_of_study[0].name",
        ),
    ],
)
async def test_create_session_refuses_text_too_long_to_store(
    uow: UnitOfWork, event: Event, draft: SessionDraft, field: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await service.create_session(uow, event=event, draft=draft)

    assert caught.value.message.startswith(f"{field}: ")
    assert await count_rows(uow, EventSession) == 0


async def test_create_session_refuses_an_unknown_delivery_format(
    uow: UnitOfWork, event: Event
) -> None:
    draft: Any = SessionDraft(name="Talk", delivery_format="telepathy")  # type: ignore[arg-type]

    with pytest.raises(InvalidInput) as caught:
        await service.create_session(uow, event=event, draft=draft)

    assert caught.value.message.startswith("delivery_format:")


async def test_create_session_uses_the_room_of_the_same_name_case_insensitively(
    uow: UnitOfWork, event: Event
) -> None:
    first = await service.create_session(
        uow, event=event, draft=SessionDraft(name="One", location="Ballroom A")
    )

    second = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Two", location=" ballroom a ")
    )

    assert first.room is not None and second.room is not None
    assert second.room.id == first.room.id
    assert await count_rows(uow, Room) == 1


async def test_create_session_makes_a_room_per_event(
    uow: UnitOfWork, event: Event, other_event: Event
) -> None:
    await service.create_session(uow, event=event, draft=SessionDraft(name="A", location="Hall"))

    other = await service.create_session(
        uow, event=other_event, draft=SessionDraft(name="B", location="Hall")
    )

    assert other.room is not None and other.room.event_id == other_event.id
    assert await count_rows(uow, Room) == 2


async def test_create_session_finds_a_room_another_transaction_just_made(
    uow: UnitOfWork, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    room = Room(event_id=event.id, name="Hall")
    uow.session.add(room)
    await uow.session.flush()

    async def no_rooms_yet(_uow: UnitOfWork, *, event: Event) -> list[Room]:
        return []  # as it was when we looked, before the other transaction committed

    monkeypatch.setattr(repository, "rooms_of_event", no_rooms_yet)

    session = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Talk", location="Hall")
    )

    assert session.room is not None and session.room.id == room.id
    assert await count_rows(uow, Room) == 1


async def test_update_session_keeps_what_is_not_given_and_unsets_none(
    uow: UnitOfWork, event: Event
) -> None:
    created = await service.create_session(
        uow,
        event=event,
        draft=SessionDraft(
            name="Talk",
            external_id="S-1",
            location="Hall",
            description="About",
            date=date(2026, 6, 1),
            start_time=time(8),
            end_time=time(9),
            access_code="A",
            checkin_required=True,
            checkin_code="IN",
            delivery_format=DeliveryFormat.VIRTUAL,
            learning_objectives=["One"],
        ),
    )
    changes = SessionChanges(
        external_id=None,
        location=None,
        description="New about",
        date=None,
        end_time=None,
        checkin_required=False,
        delivery_format=None,
        learning_objectives=None,
    )

    await service.update_session(uow, event=event, session=created, changes=changes)

    session = await reloaded(uow, created)
    assert session.name == "Talk"
    assert session.external_id is None
    assert session.room is None
    assert session.description == "New about"
    assert (session.date, session.start_time, session.end_time) == (None, time(8), None)
    assert (session.access_code, session.checkin_code) == ("A", "IN")
    assert session.checkin_required is False
    assert session.delivery_format is None
    assert session.learning_objectives is None


async def test_update_session_refuses_to_unset_the_name(uow: UnitOfWork, event: Event) -> None:
    session = await service.create_session(uow, event=event, draft=SessionDraft(name="Talk"))

    with pytest.raises(InvalidInput) as caught:
        await service.update_session(
            uow,
            event=event,
            session=session,
            changes=SessionChanges(name="  "),
        )

    assert caught.value.message.startswith("name:")


async def test_update_session_checks_the_end_against_the_stored_start(
    uow: UnitOfWork, event: Event
) -> None:
    session = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Talk", start_time=time(10))
    )

    with pytest.raises(InvalidInput) as caught:
        await service.update_session(
            uow, event=event, session=session, changes=SessionChanges(end_time=time(9, 59))
        )

    assert caught.value.field == "end_time"


async def test_update_session_moves_to_another_room(uow: UnitOfWork, event: Event) -> None:
    created = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Talk", location="Hall")
    )

    await service.update_session(
        uow, event=event, session=created, changes=SessionChanges(location="Annex")
    )

    session = await reloaded(uow, created)
    assert session.room is not None and session.room.name == "Annex"
    assert await count_rows(uow, Room) == 2


async def test_update_session_of_another_event_is_not_found(
    uow: UnitOfWork, event: Event, other_event: Event
) -> None:
    session = await service.create_session(uow, event=event, draft=SessionDraft(name="Talk"))

    with pytest.raises(SessionNotFound):
        await service.update_session(
            uow, event=other_event, session=session, changes=SessionChanges(name="Taken")
        )


async def test_update_session_writes_nothing_when_a_later_part_is_wrong(
    uow: UnitOfWork, event: Event
) -> None:
    created = await service.create_session(
        uow,
        event=event,
        draft=SessionDraft(
            name="Talk",
            presenters=[PresenterRef(name="Ann")],
            fields_of_study=[FieldOfStudyDraft(name="Ethics", credits=Decimal(1))],
        ),
    )
    changes = SessionChanges(
        name="Renamed",
        location="New Room",
        fields_of_study=[FieldOfStudyDraft(name="Tax", credits=Decimal(2))],
        presenters=[PresenterRef(name="Bob"), PresenterRef(public_id="nosuchpresenter")],
    )

    with pytest.raises(InvalidInput) as caught:
        await service.update_session(uow, event=event, session=created, changes=changes)

    assert caught.value.message.startswith("presenters[1].id:")
    session = await reloaded(uow, created)
    assert session.name == "Talk"
    assert session.room is None
    assert presenter_names(session) == ["Ann"]
    assert fields(session) == [("Ethics", "1")]
    assert await count_rows(uow, Presenter) == 1
    assert await count_rows(uow, Room) == 0


async def test_load_session_of_another_event_is_not_found(
    uow: UnitOfWork, event: Event, other_event: Event
) -> None:
    session = await service.create_session(uow, event=event, draft=SessionDraft(name="Talk"))

    with pytest.raises(SessionNotFound):
        await service.load_session(uow, event=other_event, public_id=session.public_id)


async def test_delete_session_takes_its_parts_and_leaves_presenters_and_rooms(
    uow: UnitOfWork, event: Event
) -> None:
    session = await service.create_session(
        uow,
        event=event,
        draft=SessionDraft(
            name="Talk",
            location="Hall",
            presenters=[PresenterRef(name="Ann")],
            fields_of_study=[FieldOfStudyDraft(name="Ethics", credits=Decimal(1))],
        ),
    )
    await service.set_codewords(uow, session=session, field_of_study_name="Ethics", words=["a"])
    uow.session.expunge_all()
    session = await service.get_session(uow, event=event, public_id=session.public_id)

    await service.delete_session(uow, session=session)

    models = (EventSession, SessionPresenter, FieldOfStudy, Codeword, Presenter, Room)
    assert [await count_rows(uow, model) for model in models] == [0, 0, 0, 0, 1, 1]


async def test_list_sessions_orders_by_date_start_name_with_blanks_last(
    uow: UnitOfWork, event: Event, other_event: Event
) -> None:
    async def make(name: str, day: date | None, start: time | None) -> None:
        draft = SessionDraft(name=name, date=day, start_time=start)
        await service.create_session(uow, event=event, draft=draft)

    await make("no date", None, time(8))
    await make("b late", date(2026, 6, 1), time(10))
    await make("no start", date(2026, 6, 1), None)
    await make("Second day", date(2026, 6, 2), time(8))
    await make("b early", date(2026, 6, 1), time(8))
    await make("A early", date(2026, 6, 1), time(8))
    await make("b early", date(2026, 6, 1), time(8))
    await service.create_session(uow, event=other_event, draft=SessionDraft(name="elsewhere"))

    sessions = await service.list_sessions(uow, event=event)

    assert [s.name for s in sessions] == [
        "A early",
        "b early",
        "b early",
        "b late",
        "no start",
        "Second day",
        "no date",
    ]
    assert sessions[1].id < sessions[2].id


async def _make_full_sessions(uow: UnitOfWork, event: Event, count: int) -> None:
    for number in range(count):
        await service.create_session(
            uow,
            event=event,
            draft=SessionDraft(
                name=f"Talk {number}",
                location=f"Room {number % 3}",
                presenters=[PresenterRef(name=f"Speaker {number}"), PresenterRef(name="Host")],
                fields_of_study=[FieldOfStudyDraft(name="Ethics", credits=Decimal(1))],
            ),
        )


async def test_list_sessions_runs_as_many_queries_for_50_sessions_as_for_1(
    uow: UnitOfWork, event: Event, count_queries: Any
) -> None:
    await _make_full_sessions(uow, event, 1)
    uow.session.expunge_all()
    with count_queries() as one:
        listed = await service.list_sessions(uow, event=event)
        assert [presenter_names(s) for s in listed] == [["Speaker 0", "Host"]]
    await _make_full_sessions(uow, event, 49)
    uow.session.expunge_all()

    with count_queries() as fifty:
        listed = await service.list_sessions(uow, event=event)
        assert [len(fields(s)) + len(presenter_names(s)) for s in listed] == [3] * 50
        assert all(s.room is not None for s in listed)

    assert fifty.count == one.count
