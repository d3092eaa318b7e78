"""Queueing mail: a row of the outbox in the caller's transaction, nothing sent in it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from podium.enums import MailState
from podium.kit.db import Database
from podium.kit.errors import InvalidInput
from podium.mail.service import queue_mail
from podium.models import OutboxMail


async def _outbox(db: Database) -> list[OutboxMail]:
    async with db.unit_of_work(write=False) as uow:
        return list(await uow.session.scalars(select(OutboxMail).order_by(OutboxMail.id)))


async def test_queue_mail_writes_a_pending_row_when_the_transaction_commits(db: Database) -> None:
    async with db.unit_of_work() as uow:
        queue_mail(
            uow, to=" maya@example.org ", subject="Your code", text="123456", html="<p>123456</p>"
        )

    (mail,) = await _outbox(db)
    assert (mail.to_address, mail.subject, mail.text_body, mail.html_body) == (
        "maya@example.org",
        "Your code",
        "123456",
        "<p>123456</p>",
    )
    assert (mail.state, mail.attempts, mail.sent_at) == (MailState.PENDING.value, 0, None)
    assert mail.next_attempt_at == mail.created_at


async def test_queue_mail_in_a_transaction_that_rolls_back_leaves_nothing(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work() as uow:
            queue_mail(uow, to="maya@example.org", subject="Your code", text="123456")
            await uow.session.flush()
            raise RuntimeError("the change failed")

    assert await _outbox(db) == []


@pytest.mark.parametrize(
    ("to", "message"),
    [
        ("maya", '"maya" is not one email address'),
        (
            "maya@example.org, eve@example.org",
            '"maya@example.org, eve@example.org" is not one email address',
        ),
        ("Maya <maya@example.org>", '"Maya <maya@example.org>" is not one email address'),
    ],
)
async def test_queue_mail_to_something_not_one_address_is_refused(
    db: Database, to: str, message: str
) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(InvalidInput) as refused:
            queue_mail(uow, to=to, subject="Your code", text="123456")

    assert (refused.value.field, refused.value.message) == ("to", f"to: {message}")
    assert await _outbox(db) == []


async def test_queue_mail_with_a_subject_of_two_lines_is_refused(db: Database) -> None:
    async with db.unit_of_work() as uow:
        with pytest.raises(InvalidInput) as refused:
            queue_mail(uow, to="maya@example.org", subject="Hi\r\nBcc: eve@example.org", text="x")

    assert refused.value.message == "subject: a subject is one line"
