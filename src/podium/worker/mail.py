"""The delivery of queued mail, a duty of every serving process (``podium.mail``).

Each round claims the mails that are due (committed at once, so no other process takes them),
sends each outside any transaction, then records the outcome of each in a short transaction of
its own: sent; or due again after a growing delay; or, after the last try or a permanent
refusal, given up, which is logged as an error with the address and the reason.

Delivery is at least once: a process that dies after its server accepted a mail and before the
mail is marked sent leaves the claim to run out, and another round sends the mail again (with
the same Message-ID).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from podium.enums import MailState
from podium.kit.clock import utcnow
from podium.kit.db import Database
from podium.mail.errors import MailNotSent
from podium.mail.service import claim_due_mail, record_failed_try, record_sent
from podium.mail.types import MailTransport, RetryPolicy, RoundResult

log = logging.getLogger(__name__)

BATCH = 20


async def deliver_due_mail(
    database: Database,
    transport: MailTransport,
    *,
    policy: RetryPolicy,
    now: datetime | None = None,
    batch: int = BATCH,
) -> RoundResult:
    """One round: the mails due at ``now`` (by default, now), at most ``batch`` of them."""
    at = now or utcnow()
    async with database.unit_of_work() as uow:
        claimed = await claim_due_mail(uow, now=at, limit=batch)
    sent = retried = failed = 0
    for mail in claimed:
        try:
            await transport.send(mail)
        except MailNotSent as error:
            async with database.unit_of_work() as uow:
                state = await record_failed_try(
                    uow, mail=mail, error=error, now=now or utcnow(), policy=policy
                )
            if state is MailState.FAILED:
                failed += 1
                log.error(
                    "gave up mail %s to %s after %s tries: %s",
                    mail.id,
                    mail.to,
                    mail.attempts + 1,
                    error.message,
                )
            else:
                retried += 1
                log.warning(
                    "could not send mail %s to %s (try %s), trying again later: %s",
                    mail.id,
                    mail.to,
                    mail.attempts + 1,
                    error.message,
                )
            continue
        async with database.unit_of_work() as uow:
            kept = await record_sent(uow, mail=mail, now=now or utcnow())
        if not kept:
            log.warning("mail %s was sent after this process's claim on it ran out", mail.id)
        sent += 1
    return RoundResult(sent=sent, retried=retried, failed=failed)


async def send_queued_mail(
    database: Database, transport: MailTransport, *, policy: RetryPolicy, every_seconds: float
) -> None:
    """Every ``every_seconds`` (starting now), deliver the mail that is due, until cancelled; a
    round that sent a whole batch is followed at once by the next. A failed round is logged and
    the next one tries again."""
    while True:
        try:
            result = await deliver_due_mail(database, transport, policy=policy)
        except Exception:
            log.exception("delivering queued mail failed; trying again later")
        else:
            if result.sent + result.retried + result.failed >= BATCH:
                continue
        await asyncio.sleep(every_seconds)
