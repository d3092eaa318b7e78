"""Test data made straight through the models, for tests of code that reads it.

Tests of the code that writes it (services, endpoints) make it through that code instead.
"""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal
from typing import Any

from podium.kit import ids
from podium.kit.db import UnitOfWork
from podium.models import (
    Attendee,
    Codeword,
    Event,
    EventSession,
    FieldOfStudy,
    Presenter,
    SessionPresenter,
)


async def make_session(
    uow: UnitOfWork,
    event: Event,
    *,
    name: str = "Example Session",
    session_date: date | None = date(2026, 6, 1),
    start_time: time | None = time(8, 30),
    end_time: time | None = time(9, 15),
    fields_of_study: dict[str, tuple[str, list[str]]] | None = None,
    **attributes: Any,
) -> EventSession:
    """A session; ``fields_of_study`` maps a name to (credits, codewords)."""
    session = EventSession(
        event_id=event.id,
        public_id=ids.session_id(),
        name=name,
        date=session_date,
        start_time=start_time,
        end_time=end_time,
        **attributes,
    )
    uow.session.add(session)
    await uow.session.flush()
    for position, (field_name, (credits, words)) in enumerate((fields_of_study or {}).items()):
        field = FieldOfStudy(
            session_id=session.id,
            name=field_name,
            name_key=field_name.casefold(),
            credits=Decimal(credits),
            position=position,
        )
        uow.session.add(field)
        await uow.session.flush()
        for word_position, word in enumerate(words):
            uow.session.add(
                Codeword(
                    field_of_study_id=field.id,
                    word=word,
                    word_key=word.casefold(),
                    position=word_position,
                )
            )
    await uow.session.flush()
    return session


async def make_attendee(
    uow: UnitOfWork,
    event: Event,
    *,
    first_name: str = "Alex",
    last_name: str = "Example",
    email: str | None = "attendee@example.com",
    external_id: str | None = None,
    **fields: Any,
) -> Attendee:
    attendee = Attendee(
        event_id=event.id,
        first_name=first_name,
        last_name=last_name,
        email=email,
        email_key=email.casefold() if email else None,
        external_id=external_id,
        external_id_key=external_id.casefold() if external_id else None,
        **fields,
    )
    uow.session.add(attendee)
    await uow.session.flush()
    return attendee


async def add_presenter(
    uow: UnitOfWork,
    session: EventSession,
    name: str,
    *,
    position: int = 0,
    external_id: str | None = None,
) -> Presenter:
    """A new presenter of the session's event, presenting ``session`` at ``position``."""
    presenter = Presenter(
        event_id=session.event_id,
        public_id=ids.presenter_id(),
        external_id=external_id,
        name=name,
        name_key=name.casefold(),
    )
    uow.session.add(presenter)
    await uow.session.flush()
    uow.session.add(
        SessionPresenter(session_id=session.id, presenter_id=presenter.id, position=position)
    )
    await uow.session.flush()
    return presenter
