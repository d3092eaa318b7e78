"""Without an SMTP server: each mail is written as an .eml file (``var/mail/`` by default),
which any mail program opens. Written whole or not at all (a temporary file, then renamed), and
named by its time and id, so a second try replaces the first."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from podium.mail.errors import MailNotSent
from podium.mail.message import build_message
from podium.mail.types import MailToSend


class DirectoryTransport:
    def __init__(self, directory: Path, *, sender: str) -> None:
        self.directory = directory
        self.sender = sender

    @property
    def label(self) -> str:
        return f"written to {self.directory}/"

    def path_of(self, mail: MailToSend) -> Path:
        return self.directory / f"{mail.created_at:%Y%m%dT%H%M%SZ}-{mail.id}.eml"

    async def send(self, mail: MailToSend) -> None:
        data = build_message(mail, sender=self.sender).as_bytes()
        try:
            await asyncio.to_thread(self._write, self.path_of(mail), data)
        except OSError as error:
            raise MailNotSent(f"could not write {self.path_of(mail)}: {error}") from error

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_bytes(data)
        os.replace(partial, path)
