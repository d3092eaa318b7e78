from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.kit.pubsub import Message
from podium.models import Attendee, Event, EventSession
from tests.factories import make_attendee, make_session


@dataclass
class RecordingBroker:
    """A broker that remembers what was published, for asserting on broadcasts."""

    published: list[tuple[str, Message]] = field(default_factory=list)

    async def publish(self, channel: str, message: Message) -> None:
        self.published.append((channel, message))

    def subscribe(self, channel: str) -> Any:
        raise NotImplementedError


@pytest.fixture
async def event(uow: UnitOfWork) -> Event:
    return await create_event(uow, uri="example", name="Example Event", timezone="America/Chicago")


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(uow, event)


@pytest.fixture
async def attendee(uow: UnitOfWork, event: Event) -> Attendee:
    return await make_attendee(uow, event)


@pytest.fixture
def broker(uow: UnitOfWork) -> RecordingBroker:
    recording = RecordingBroker()
    uow.broker = recording
    return recording
