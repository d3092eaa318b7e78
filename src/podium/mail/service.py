"""Use cases of mail: queue one, and the steps of delivering what is queued.

A delivery round (the worker's, ``podium.worker.mail``) is three kinds of transaction, none of
them open while a mail server is being talked to: :func:`claim_due_mail`, then for each mail
:func:`record_sent` or :func:`record_failed_try`.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from email.utils import parseaddr

from podium.config import Settings
from podium.enums import MailState
from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.kit.smtp_url import parse_smtp_url
from podium.mail import repository
from podium.mail.errors import MailNotSent
from podium.mail.files import DirectoryTransport
from podium.mail.smtp import SmtpTransport
from podium.mail.types import MailToSend, MailTransport, RetryPolicy
from podium.models import OutboxMail

_ADDRESS = re.compile(r"^[^@\s<>,;\"]+@[^@\s<>,;\"]+\.[^@\s<>,;\".]+$")
MAX_ERROR_LENGTH = 2000


def queue_mail(
    uow: UnitOfWork, *, to: str, subject: str, text: str, html: str | None = None
) -> OutboxMail:
    """Add a mail to ``to`` to the outbox, in the caller's transaction: it is sent (by the
    worker, soon after the commit) only if that transaction commits. InvalidInput when ``to``
    is not one plain address or the subject spans lines (no header can be smuggled in)."""
    address = to.strip()
    if not _ADDRESS.match(address) or parseaddr(address)[1] != address:
        raise InvalidInput(f'to: "{to}" is not one email address', field="to")
    if "\r" in subject or "\n" in subject:
        raise InvalidInput("subject: a subject is one line", field="subject")
    now = utcnow()
    mail = OutboxMail(
        to_address=address,
        subject=subject.strip(),
        text_body=text,
        html_body=html,
        message_key=f"podium.{secrets.token_hex(12)}",
        state=MailState.PENDING.value,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    uow.session.add(mail)
    return mail


async def claim_due_mail(
    uow: UnitOfWork, *, now: datetime, limit: int = 20, lease: timedelta = timedelta(minutes=10)
) -> list[MailToSend]:
    """Claim up to ``limit`` due mails for this worker for ``lease`` (long enough to send
    them; a worker that dies holding them lets them go when it ends). Safe with several
    workers at once: each mail is claimed by one (PostgreSQL skips rows being claimed, SQLite
    has one writer at a time). Commit before sending, so the claim is seen."""
    token = secrets.token_hex(16)
    claimed = await repository.claim_due(uow, now=now, until=now + lease, token=token, limit=limit)
    return [
        MailToSend(
            id=mail.id,
            claim_token=token,
            to=mail.to_address,
            subject=mail.subject,
            text=mail.text_body,
            html=mail.html_body,
            message_key=mail.message_key,
            attempts=mail.attempts,
            created_at=mail.created_at,
        )
        for mail in sorted(claimed, key=lambda row: (row.next_attempt_at, row.id))
    ]


async def record_sent(uow: UnitOfWork, *, mail: MailToSend, now: datetime) -> bool:
    """Mark the claimed ``mail`` sent. False when this worker's claim had run out (another
    may be sending it too: the Message-ID is the same, so receivers can tell)."""
    return await repository.finish(
        uow,
        mail_id=mail.id,
        token=mail.claim_token,
        values={
            "state": MailState.SENT.value,
            "attempts": mail.attempts + 1,
            "sent_at": now,
            "last_error": None,
        },
    )


async def record_failed_try(
    uow: UnitOfWork, *, mail: MailToSend, error: MailNotSent, now: datetime, policy: RetryPolicy
) -> MailState:
    """Count a failed try of the claimed ``mail``: due again after the policy's delay, or
    given up (FAILED) after its last try or a permanent refusal. Returns its new state."""
    attempts = mail.attempts + 1
    gave_up = error.permanent or attempts >= policy.max_attempts
    state = MailState.FAILED if gave_up else MailState.PENDING
    await repository.finish(
        uow,
        mail_id=mail.id,
        token=mail.claim_token,
        values={
            "state": state.value,
            "attempts": attempts,
            "next_attempt_at": now + policy.delay_after(attempts),
            "last_error": error.message[:MAX_ERROR_LENGTH],
        },
    )
    return state


def retry_policy(settings: Settings) -> RetryPolicy:
    return RetryPolicy(
        first_delay=timedelta(seconds=settings.mail_retry_seconds),
        max_attempts=max(1, settings.mail_max_attempts),
    )


def mail_transport(settings: Settings) -> MailTransport:
    """Where mail goes: the SMTP server of ``PODIUM_SMTP_URL``, else .eml files under the
    state directory's ``mail/``."""
    if settings.smtp_url:
        return SmtpTransport(parse_smtp_url(settings.smtp_url), sender=settings.mail_from)
    return DirectoryTransport(settings.mail_directory, sender=settings.mail_from)


def where_mail_goes(settings: Settings) -> str:
    """One sentence for the operator: where this process sends the mail Podium queues."""
    if settings.mail_check_seconds <= 0:
        return (
            "Mail is queued in the database but not sent by this process "
            "(PODIUM_MAIL_CHECK_SECONDS=0)."
        )
    if settings.smtp_url:
        return f"Mail is {mail_transport(settings).label}, from {settings.mail_from}."
    return f"Mail is {mail_transport(settings).label} (set PODIUM_SMTP_URL to send it)."
