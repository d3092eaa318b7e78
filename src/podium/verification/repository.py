"""Queries of email proofs; every one is scoped by the event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Select, delete, or_, select, update

from podium.kit.db import UnitOfWork
from podium.models import Attendee, EmailProof, Event


async def lock_attendee(uow: UnitOfWork, *, attendee: Attendee) -> None:
    """Hold ``attendee``'s row until the transaction ends (PostgreSQL; SQLite has one writer),
    so that proofs for one attendee are made one at a time."""
    await uow.session.execute(
        select(Attendee.id).where(Attendee.id == attendee.id).with_for_update()
    )


async def delete_replaced(
    uow: UnitOfWork, *, event: Event, attendee: Attendee, device_hash: str, now: datetime
) -> None:
    """Delete the proofs a new one for ``attendee`` on this device replaces, and with them the
    event's proofs that can no longer be used."""
    await uow.session.execute(
        delete(EmailProof)
        .where(
            EmailProof.event_id == event.id,
            or_(
                (EmailProof.attendee_id == attendee.id) & (EmailProof.device_hash == device_hash),
                EmailProof.expires_at <= now,
                EmailProof.used_at.is_not(None),
            ),
        )
        .execution_options(synchronize_session=False)
    )


def _live_proofs(event: Event, now: datetime) -> Select[EmailProof, Attendee]:
    """The unused, unexpired proofs of ``event``, each with its attendee."""
    return (
        select(EmailProof, Attendee)
        .join(Attendee, Attendee.id == EmailProof.attendee_id)
        .where(
            EmailProof.event_id == event.id,
            EmailProof.used_at.is_(None),
            EmailProof.expires_at > now,
        )
    )


async def pending_for_device(
    uow: UnitOfWork, *, event: Event, device_hash: str, now: datetime
) -> tuple[EmailProof, Attendee] | None:
    """The device's newest unused, unexpired proof at ``event`` with its attendee."""
    row = (
        await uow.session.execute(
            _live_proofs(event, now)
            .where(EmailProof.device_hash == device_hash)
            .order_by(EmailProof.id.desc())
            .limit(1)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def by_token(
    uow: UnitOfWork, *, event: Event, token_hash: str, now: datetime
) -> tuple[EmailProof, Attendee] | None:
    """The unused, unexpired proof of ``event`` whose link token has this hash."""
    row = (
        await uow.session.execute(
            _live_proofs(event, now).where(EmailProof.token_hash == token_hash)
        )
    ).first()
    return (row[0], row[1]) if row is not None else None


async def mark_used(uow: UnitOfWork, *, proof: EmailProof, at: datetime) -> bool:
    """Use ``proof`` up; False when another request used it first (one UPDATE)."""
    result = await uow.session.execute(
        update(EmailProof)
        .where(EmailProof.id == proof.id, EmailProof.used_at.is_(None))
        .values(used_at=at)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
