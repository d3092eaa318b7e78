"""How a session's presenters list finds, makes and updates presenters (the vendor's PresenterRef
rules)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from sqlalchemy import select

from podium.kit.changes import KEEP
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Event, EventSession, Presenter
from podium.program import repository, service
from podium.program.types import PresenterRef, SessionChanges, SessionDraft
from tests.program.helpers import count_rows, presenter_names, reloaded


async def _session(uow: UnitOfWork, event: Event, *refs: PresenterRef) -> EventSession:
    session = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Talk", presenters=refs)
    )
    return await reloaded(uow, session)


async def _set(
    uow: UnitOfWork, event: Event, session: EventSession, refs: Sequence[PresenterRef]
) -> EventSession:
    await service.update_session(
        uow, event=event, session=session, changes=SessionChanges(presenters=refs)
    )
    return await reloaded(uow, session)


async def _presenters(uow: UnitOfWork) -> list[tuple[str, str | None]]:
    rows = await uow.session.scalars(select(Presenter).order_by(Presenter.id))
    return [(p.name, p.external_id) for p in rows]


async def test_presenters_keep_the_order_given(uow: UnitOfWork, event: Event) -> None:
    session = await _session(
        uow, event, PresenterRef(name="Cy"), PresenterRef(name="Ann"), PresenterRef(name="Bo")
    )

    assert presenter_names(session) == ["Cy", "Ann", "Bo"]


async def test_presenters_by_name_find_the_one_of_the_same_name(
    uow: UnitOfWork, event: Event
) -> None:
    first = await _session(uow, event, PresenterRef(name="Jordan Example"))

    second = await _session(uow, event, PresenterRef(name="  jordan EXAMPLE "))

    assert second.presenter_links[0].presenter_id == first.presenter_links[0].presenter_id
    assert await _presenters(uow) == [("Jordan Example", None)]


async def test_presenters_by_name_are_made_when_the_event_has_none_of_that_name(
    uow: UnitOfWork, event: Event, other_event: Event
) -> None:
    await _session(uow, other_event, PresenterRef(name="Jordan Example"))

    session = await _session(uow, event, PresenterRef(name="Jordan Example"))

    assert session.presenter_links[0].presenter.event_id == event.id
    assert len(session.presenter_links[0].presenter.public_id) == 24
    assert await count_rows(uow, Presenter) == 2


async def test_presenters_named_twice_in_one_list_appear_once(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(
        uow,
        event,
        PresenterRef(name="Ann"),
        PresenterRef(name="Bo"),
        PresenterRef(name="ANN"),
    )

    assert presenter_names(session) == ["Ann", "Bo"]
    assert await count_rows(uow, Presenter) == 2


async def test_presenters_by_external_id_find_the_one_with_it(
    uow: UnitOfWork, event: Event
) -> None:
    first = await _session(uow, event, PresenterRef(name="Ann Lee", external_id="P-1"))

    second = await _session(uow, event, PresenterRef(name="Someone Else", external_id="P-1"))

    assert second.presenter_links[0].presenter_id == first.presenter_links[0].presenter_id
    # the spec updates the name only when the internal id is given
    assert await _presenters(uow) == [("Ann Lee", "P-1")]


async def test_presenters_by_external_id_are_made_when_none_has_it(
    uow: UnitOfWork, event: Event
) -> None:
    await _session(uow, event, PresenterRef(name="Ann Lee"))

    await _session(uow, event, PresenterRef(name="Ann Lee", external_id="P-1"))

    assert await _presenters(uow) == [("Ann Lee", None), ("Ann Lee", "P-1")]


async def test_presenters_by_external_id_only_need_a_name_to_be_made(
    uow: UnitOfWork, event: Event
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await _session(uow, event, PresenterRef(name="Ann"), PresenterRef(external_id="P-9"))

    assert caught.value.message.startswith("presenters[1].name:")
    assert await count_rows(uow, Presenter) == 0


async def test_presenters_by_external_id_only_find_an_existing_one(
    uow: UnitOfWork, event: Event
) -> None:
    await _session(uow, event, PresenterRef(name="Ann", external_id="P-1"))

    session = await _session(uow, event, PresenterRef(external_id="P-1"))

    assert presenter_names(session) == ["Ann"]


async def test_presenters_by_id_update_name_and_external_id(uow: UnitOfWork, event: Event) -> None:
    first = await _session(uow, event, PresenterRef(name="Ann", external_id="P-1"))
    public_id = first.presenter_links[0].presenter.public_id

    second = await _session(
        uow, event, PresenterRef(public_id=public_id, name="Dr. Ann Lee", external_id="P-2")
    )

    assert second.presenter_links[0].presenter.public_id == public_id
    assert await _presenters(uow) == [("Dr. Ann Lee", "P-2")]


async def test_presenters_by_id_keep_what_is_not_given_and_unset_none(
    uow: UnitOfWork, event: Event
) -> None:
    first = await _session(uow, event, PresenterRef(name="Ann", external_id="P-1"))
    public_id = first.presenter_links[0].presenter.public_id

    await _session(uow, event, PresenterRef(public_id=public_id, external_id=KEEP))
    kept = await _presenters(uow)
    await _session(uow, event, PresenterRef(public_id=public_id, external_id=None))

    assert kept == [("Ann", "P-1")]
    assert await _presenters(uow) == [("Ann", None)]


async def test_presenters_by_id_of_another_event_are_refused(
    uow: UnitOfWork, event: Event, other_event: Event
) -> None:
    elsewhere = await _session(uow, other_event, PresenterRef(name="Ann"))
    public_id = elsewhere.presenter_links[0].presenter.public_id

    with pytest.raises(InvalidInput) as caught:
        await _session(uow, event, PresenterRef(name="Bo"), PresenterRef(public_id=public_id))

    assert caught.value.message == (
        f'presenters[1].id: there is no presenter with the id "{public_id}" in this app'
    )
    assert await count_rows(uow, EventSession) == 1


async def test_presenters_by_id_cannot_take_an_external_id_another_has(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(
        uow,
        event,
        PresenterRef(name="Ann", external_id="P-1"),
        PresenterRef(name="Bo", external_id="P-2"),
    )
    ann = session.presenter_links[0].presenter.public_id

    with pytest.raises(InvalidInput) as caught:
        await _set(uow, event, session, [PresenterRef(public_id=ann, external_id="P-2")])

    assert caught.value.message.startswith("presenters[0].external_id:")


async def test_presenters_external_ids_can_move_between_presenters_in_one_list(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(
        uow,
        event,
        PresenterRef(name="Bo", external_id="P-2"),
        PresenterRef(name="Ann", external_id="P-1"),
    )
    bo, ann = (link.presenter.public_id for link in session.presenter_links)

    session = await _set(
        uow,
        event,
        session,
        [
            PresenterRef(public_id=ann, external_id="P-3"),
            PresenterRef(public_id=bo, external_id="P-1"),
        ],
    )

    links = session.presenter_links
    assert [(link.presenter.name, link.presenter.external_id) for link in links] == [
        ("Ann", "P-3"),
        ("Bo", "P-1"),
    ]


async def test_presenters_renamed_by_id_are_found_by_name_later_in_the_list(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, PresenterRef(name="Ann"))
    ann = session.presenter_links[0].presenter.public_id

    session = await _set(
        uow,
        event,
        session,
        [PresenterRef(public_id=ann, name="Ann Lee"), PresenterRef(name="ann lee")],
    )

    assert presenter_names(session) == ["Ann Lee"]
    assert await count_rows(uow, Presenter) == 1


@pytest.mark.parametrize(
    "ref", [PresenterRef(), PresenterRef(name="  "), PresenterRef(external_id=None)]
)
async def test_presenters_with_nothing_to_go_by_are_refused(
    uow: UnitOfWork, event: Event, ref: PresenterRef
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await _session(uow, event, PresenterRef(name="Ann"), ref)

    assert caught.value.message == "presenters[1]: give the presenter's name, external_id or id"


async def test_presenters_empty_list_removes_them_all_and_keep_leaves_them(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, PresenterRef(name="Ann"), PresenterRef(name="Bo"))
    await service.update_session(
        uow, event=event, session=session, changes=SessionChanges(name="Renamed")
    )
    kept = presenter_names(await reloaded(uow, session))

    session = await _set(uow, event, session, [])

    assert kept == ["Ann", "Bo"]
    assert presenter_names(session) == []
    assert await count_rows(uow, Presenter) == 2


async def test_presenters_replacement_reorders_adds_and_drops(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, PresenterRef(name="Ann"), PresenterRef(name="Bo"))

    session = await _set(uow, event, session, [PresenterRef(name="Cy"), PresenterRef(name="Bo")])

    assert presenter_names(session) == ["Cy", "Bo"]


async def test_presenters_by_external_id_find_one_another_transaction_just_made(
    uow: UnitOfWork, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    await _session(uow, event, PresenterRef(name="Ann", external_id="P-1"))

    async def none_yet(*_args: Any, **_kwargs: Any) -> list[Presenter]:
        return []  # as it was when we looked, before the other transaction committed

    monkeypatch.setattr(repository, "presenters_matching", none_yet)

    session = await _session(uow, event, PresenterRef(name="Ann", external_id="P-1"))

    assert presenter_names(session) == ["Ann"]
    assert await count_rows(uow, Presenter) == 1
