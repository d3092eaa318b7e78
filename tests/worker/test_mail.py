"""The mail duty: queued mail reaches a real SMTP server (or .eml files), failed tries are
retried with a growing delay and then given up, and two workers never send one mail twice."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from sqlalchemy import select

from podium.config import Settings
from podium.enums import MailState
from podium.kit.clock import utcnow
from podium.kit.db import Database
from podium.kit.pubsub import InMemoryBroker
from podium.kit.smtp_url import parse_smtp_url
from podium.mail.files import DirectoryTransport
from podium.mail.service import claim_due_mail, queue_mail
from podium.mail.smtp import SmtpTransport
from podium.mail.types import RetryPolicy, RoundResult
from podium.models import OutboxMail
from podium.reactions import open_database
from podium.web.app import create_app
from podium.worker.mail import deliver_due_mail
from tests.mail_support import SmtpServer

SENDER = "Podium <podium@events.example>"
POLICY = RetryPolicy(first_delay=timedelta(seconds=30), max_attempts=3)


async def _queue(db: Database, count: int = 1, *, html: str | None = None) -> list[int]:
    async with db.unit_of_work() as uow:
        mails = [
            queue_mail(
                uow,
                to=f"person{n}@example.org",
                subject=f"Your code {n}",
                text=f"Code {n}: 123456",
                html=html,
            )
            for n in range(count)
        ]
        await uow.session.flush()
        return [mail.id for mail in mails]


async def _outbox(db: Database) -> list[OutboxMail]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


def _smtp(server: SmtpServer) -> SmtpTransport:
    return SmtpTransport(parse_smtp_url(server.url), sender=SENDER)


async def test_due_mail_is_sent_through_smtp_and_marked_sent(
    db: Database, smtp_server: SmtpServer
) -> None:
    await _queue(db, 2, html="<p>Code: <b>123456</b></p>")

    result = await deliver_due_mail(db, _smtp(smtp_server), policy=POLICY)

    assert result == RoundResult(sent=2)
    first, second = smtp_server.received
    assert (first.sender, first.recipients) == ("podium@events.example", ["person0@example.org"])
    assert (first.message["From"], first.message["To"], first.message["Subject"]) == (
        SENDER,
        "person0@example.org",
        "Your code 0",
    )
    assert first.text == "Code 0: 123456\n"
    assert first.html == "<p>Code: <b>123456</b></p>\n"
    assert second.recipients == ["person1@example.org"]
    rows = await _outbox(db)
    assert [(m.state, m.attempts, m.claim_token) for m in rows] == [("sent", 1, None)] * 2
    assert first.message["Message-ID"] == f"<{rows[0].message_key}@events.example>"
    assert all(m.sent_at is not None for m in rows)


async def test_sent_mail_is_not_sent_again(db: Database, smtp_server: SmtpServer) -> None:
    await _queue(db)
    await deliver_due_mail(db, _smtp(smtp_server), policy=POLICY)

    again = await deliver_due_mail(db, _smtp(smtp_server), policy=POLICY)

    assert again == RoundResult()
    assert len(smtp_server.received) == 1


async def test_without_smtp_mail_is_written_as_an_eml_file(db: Database, tmp_path: Path) -> None:
    (mail_id,) = await _queue(db)
    transport = DirectoryTransport(tmp_path / "mail", sender=SENDER)

    result = await deliver_due_mail(db, transport, policy=POLICY)

    (written,) = sorted((tmp_path / "mail").iterdir())
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert result == RoundResult(sent=1)
    assert written.name.endswith(f"-{mail_id}.eml")
    assert (message["To"], message["Subject"]) == ("person0@example.org", "Your code 0")
    assert message.get_content() == "Code 0: 123456\n"  # type: ignore[attr-defined]
    assert [m.state for m in await _outbox(db)] == ["sent"]


async def test_mail_while_the_server_is_down_is_retried_once_it_is_up(
    db: Database, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    await _queue(db)
    smtp_server.stop()
    now = utcnow()

    with caplog.at_level(logging.WARNING, logger="podium.worker.mail"):
        down = await deliver_due_mail(db, _smtp(smtp_server), policy=POLICY, now=now)
    (waiting,) = await _outbox(db)
    not_yet = await deliver_due_mail(
        db, _smtp(smtp_server), policy=POLICY, now=now + timedelta(seconds=29)
    )
    smtp_server.start()
    later = await deliver_due_mail(
        db, _smtp(smtp_server), policy=POLICY, now=now + timedelta(seconds=30)
    )

    assert (down, not_yet, later) == (RoundResult(retried=1), RoundResult(), RoundResult(sent=1))
    assert (waiting.state, waiting.attempts, waiting.claim_token) == ("pending", 1, None)
    assert waiting.next_attempt_at == now + timedelta(seconds=30)
    assert waiting.last_error is not None
    assert waiting.last_error.startswith(f"could not talk to smtp://127.0.0.1:{smtp_server.port}")
    assert [record.levelname for record in caplog.records] == ["WARNING"]
    assert "trying again later" in caplog.records[0].getMessage()
    assert [mail.recipients for mail in smtp_server.received] == [["person0@example.org"]]
    assert [(m.state, m.attempts) for m in await _outbox(db)] == [("sent", 2)]


async def test_retries_wait_twice_as_long_each_time_and_then_give_up(
    db: Database, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    (mail_id,) = await _queue(db)
    smtp_server.stop()
    now = utcnow()
    waits = []
    with caplog.at_level(logging.WARNING, logger="podium.worker.mail"):
        for _ in range(POLICY.max_attempts):
            await deliver_due_mail(db, _smtp(smtp_server), policy=POLICY, now=now)
            (mail,) = await _outbox(db)
            waits.append(mail.next_attempt_at - now)
            now = mail.next_attempt_at
    smtp_server.start()

    after = await deliver_due_mail(
        db, _smtp(smtp_server), policy=POLICY, now=now + timedelta(days=1)
    )

    (mail,) = await _outbox(db)
    assert waits[:2] == [timedelta(seconds=30), timedelta(seconds=60)]
    assert (mail.state, mail.attempts, after) == ("failed", 3, RoundResult())
    assert [r.levelname for r in caplog.records] == ["WARNING", "WARNING", "ERROR"]
    assert (
        caplog.records[-1]
        .getMessage()
        .startswith(
            f"gave up mail {mail_id} to person0@example.org after 3 tries: could not talk to"
        )
    )
    assert smtp_server.received == []


async def test_mail_the_server_refuses_for_good_is_given_up_at_once(
    db: Database, smtp_server: SmtpServer, caplog: pytest.LogCaptureFixture
) -> None:
    await _queue(db)
    smtp_server.handler.refuse = "550 5.1.1 No such mailbox"

    with caplog.at_level(logging.ERROR, logger="podium.worker.mail"):
        result = await deliver_due_mail(db, _smtp(smtp_server), policy=POLICY)

    (mail,) = await _outbox(db)
    assert result == RoundResult(failed=1)
    assert (mail.state, mail.attempts) == ("failed", 1)
    assert mail.last_error == "the server refused person0@example.org: 550 5.1.1 No such mailbox"
    assert [r.levelname for r in caplog.records] == ["ERROR"]


async def test_a_claimed_mail_is_left_alone_until_its_claim_runs_out(
    db: Database, smtp_server: SmtpServer
) -> None:
    await _queue(db)
    now = utcnow()
    async with db.unit_of_work() as uow:  # a worker that claimed it and then died
        (claimed,) = await claim_due_mail(uow, now=now, lease=timedelta(minutes=10))

    meanwhile = await deliver_due_mail(
        db, _smtp(smtp_server), policy=POLICY, now=now + timedelta(minutes=9)
    )
    after_the_lease = await deliver_due_mail(
        db, _smtp(smtp_server), policy=POLICY, now=now + timedelta(minutes=10, seconds=1)
    )

    assert claimed.attempts == 0
    assert (meanwhile, after_the_lease) == (RoundResult(), RoundResult(sent=1))
    assert len(smtp_server.received) == 1


async def test_two_workers_never_send_one_mail_twice(db: Database, smtp_server: SmtpServer) -> None:
    """Two processes' worth of engines on one database, delivering in small batches at once."""
    ids = await _queue(db, 40)
    other = open_database(db.url, pool_size=5)

    async def worker(database: Database) -> int:
        sent = 0
        while True:
            result = await deliver_due_mail(database, _smtp(smtp_server), policy=POLICY, batch=3)
            if result == RoundResult():
                return sent
            sent += result.sent

    try:
        counts = await asyncio.gather(worker(db), worker(other))
    finally:
        await other.dispose()

    subjects = sorted(mail.message["Subject"] for mail in smtp_server.received)
    assert subjects == sorted(f"Your code {n}" for n in range(len(ids)))
    assert sum(counts) == len(ids)
    assert [m.state for m in await _outbox(db)] == ["sent"] * len(ids)


async def test_serving_process_sends_queued_mail(
    db: Database, settings: Settings, smtp_server: SmtpServer
) -> None:
    await _queue(db)
    db.broker = db.broker or InMemoryBroker()
    serving = settings.model_copy(update={"smtp_url": smtp_server.url, "mail_check_seconds": 0.05})
    app = create_app(settings=serving, database=db)

    async with app.router.lifespan_context(app):
        received = await smtp_server.wait_for("person0@example.org")

    assert received.message["From"] == "Podium <podium@localhost>"
    assert [m.state for m in await _outbox(db)] == [MailState.SENT.value]
