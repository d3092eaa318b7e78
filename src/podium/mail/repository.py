"""Queries of the mail outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update

from podium.enums import MailState
from podium.kit.db import UnitOfWork
from podium.models import OutboxMail


async def claim_due(
    uow: UnitOfWork, *, now: datetime, until: datetime, token: str, limit: int
) -> Sequence[OutboxMail]:
    """Claim up to ``limit`` pending mails that are due and that no live claim holds, oldest
    first, in one UPDATE: on PostgreSQL the rows another transaction is claiming are skipped
    (``FOR UPDATE SKIP LOCKED``). Returns the claimed mails."""
    due = (
        select(OutboxMail.id)
        .where(
            OutboxMail.state == MailState.PENDING.value,
            OutboxMail.next_attempt_at <= now,
            or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
        )
        .order_by(OutboxMail.next_attempt_at, OutboxMail.id)
        .limit(limit)
        # PostgreSQL skips the rows another transaction is claiming; SQLite has no such
        # clause (SQLAlchemy leaves it out) and needs none: one writer at a time
        .with_for_update(skip_locked=True)
    )
    claim = (
        update(OutboxMail)
        .where(OutboxMail.id.in_(due.scalar_subquery()))
        .values(claim_token=token, claimed_until=until)
        .returning(OutboxMail)
        .execution_options(synchronize_session=False)
    )
    return (await uow.session.scalars(claim)).all()


async def finish(uow: UnitOfWork, *, mail_id: int, token: str, values: dict[str, object]) -> bool:
    """Set ``values`` on the mail while ``token`` still holds its claim (and let the claim go);
    False when the claim was lost (it ran out and another worker took the mail)."""
    result = await uow.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, OutboxMail.claim_token == token)
        .values(claim_token=None, claimed_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
