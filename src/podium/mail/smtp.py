"""Sending through an SMTP server (``PODIUM_SMTP_URL``, see :mod:`podium.kit.smtp_url`).

Python's own ``smtplib``, in a thread so the event loop goes on: one connection per mail, which
suits the few mails an event sends (codes, sign-in links). A 5xx answer (the server will never
take this mail) gives the mail up at once; anything else is tried again later.
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage

from podium.kit.smtp_url import SmtpUrl
from podium.mail.errors import MailNotSent
from podium.mail.message import build_message
from podium.mail.types import MailToSend

TIMEOUT_SECONDS = 30


class SmtpTransport:
    def __init__(self, server: SmtpUrl, *, sender: str) -> None:
        self.server = server
        self.sender = sender

    @property
    def label(self) -> str:
        return f"sent through {self.server.label}"

    async def send(self, mail: MailToSend) -> None:
        message = build_message(mail, sender=self.sender)
        await asyncio.to_thread(self._send, message)

    def _send(self, message: EmailMessage) -> None:
        server = self.server
        try:
            connection = self._connect()
            with connection:
                if server.starttls:
                    connection.starttls(context=ssl.create_default_context())
                if server.username is not None:
                    connection.login(server.username, server.password or "")
                refused = connection.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            raise _refused(error.recipients) from error
        except smtplib.SMTPResponseException as error:
            raw = error.smtp_error
            text = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
            raise MailNotSent(
                f"{server.label} answered {error.smtp_code} {text}".strip(),
                permanent=500 <= error.smtp_code < 600,
            ) from error
        except (smtplib.SMTPException, OSError) as error:
            raise MailNotSent(f"could not talk to {server.label}: {error}") from error
        if refused:
            raise _refused(refused)

    def _connect(self) -> smtplib.SMTP:
        server = self.server
        if server.implicit_tls:
            return smtplib.SMTP_SSL(
                server.host,
                server.port,
                timeout=TIMEOUT_SECONDS,
                context=ssl.create_default_context(),
            )
        return smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)


def _refused(recipients: dict[str, tuple[int, bytes]]) -> MailNotSent:
    address, (code, text) = next(iter(recipients.items()))
    return MailNotSent(
        f"the server refused {address}: {code} {text.decode(errors='replace')}",
        permanent=500 <= code < 600,
    )
