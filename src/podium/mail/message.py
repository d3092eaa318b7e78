"""A queued mail as an RFC 5322 message."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from podium.mail.types import MailToSend


def build_message(mail: MailToSend, *, sender: str) -> EmailMessage:
    """The message of ``mail`` from ``sender``: plain text, with an HTML alternative when the
    mail has one. Its Message-ID and Date are the same on every try."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(mail.created_at)
    domain = parseaddr(sender)[1].rpartition("@")[2] or "podium.invalid"
    message["Message-ID"] = f"<{mail.message_key}@{domain}>"
    message["Auto-Submitted"] = "auto-generated"  # no vacation replies to a code
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message
