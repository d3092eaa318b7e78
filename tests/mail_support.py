"""A real SMTP server for the tests (aiosmtpd, on 127.0.0.1 and a free port, in a thread of
its own): what Podium sends is read back from it, as a person's mail program would."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.processes import free_port

CODE = re.compile(r"\b(\d{6})\b")
LINK = re.compile(r"(https?://\S+/signin/\S+)")


@dataclass
class Received:
    """One mail as the server received it."""

    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def text(self) -> str:
        body = self.message.get_body(("plain",))
        assert body is not None
        content: str = body.get_content()  # type: ignore[attr-defined]
        return content.replace("\r\n", "\n")  # as SMTP carries it: CRLF line ends

    @property
    def html(self) -> str | None:
        body = self.message.get_body(("html",))
        if body is None:
            return None
        content: str = body.get_content()  # type: ignore[attr-defined]
        return content.replace("\r\n", "\n")

    @property
    def code(self) -> str:
        found = CODE.search(self.text)
        assert found is not None, self.text
        return found.group(1)

    @property
    def link(self) -> str:
        found = LINK.search(self.text)
        assert found is not None, self.text
        return found.group(1)


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: str | None = None  # answer every RCPT with this (e.g. "550 no such user")
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if self.refuse is not None:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                Received(
                    sender=envelope.mail_from, recipients=list(envelope.rcpt_tos), message=message
                )
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """The server; ``stop()`` and ``start()`` again on the same port to be down for a while."""

    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Handler()
        self._controller: Controller | None = None

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    def start(self) -> None:
        controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def to(self, address: str) -> list[Received]:
        return [mail for mail in self.received if mail.recipients == [address]]

    async def wait_for(self, address: str, *, count: int = 1, seconds: float = 15) -> Received:
        """The ``count``-th mail to ``address``, once it has arrived (fails after ``seconds``)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while len(self.to(address)) < count:
            if asyncio.get_running_loop().time() > deadline:
                pytest.fail(f"no mail number {count} to {address} after {seconds}s")
            await asyncio.sleep(0.05)
        return self.to(address)[count - 1]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
