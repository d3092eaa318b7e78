from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from podium.kit.db import UnitOfWork
from podium.kit.pubsub import Message


@dataclass
class RecordingBroker:
    """A broker that remembers what was published, for asserting on broadcasts."""

    published: list[tuple[str, Message]] = field(default_factory=list)

    async def publish(self, channel: str, message: Message) -> None:
        self.published.append((channel, message))

    def subscribe(self, channel: str) -> Any:
        raise NotImplementedError


@pytest.fixture
def broker(uow: UnitOfWork) -> RecordingBroker:
    recording = RecordingBroker()
    uow.broker = recording
    return recording
