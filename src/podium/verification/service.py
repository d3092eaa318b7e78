"""Use cases of email proofs: send a code and a sign-in link to an attendee's email for one
device, and take either back.

A proof belongs to a device: the browser's own secret (its CSRF cookie, never stored) keys the
hash of the code, so the table alone cannot be searched for a code, and only the device that
asked can use it. The link's token is long and random, stored as a plain hash, and works on
any device (the one the mail is read on). Both expire after :data:`LIFETIME` and work once,
together: using one uses the other up. A new proof for the same attendee and device replaces
the old one. How many codes may be asked for and guessed is the edge's throttle.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from podium.kit.clock import utcnow
from podium.kit.db import UnitOfWork
from podium.mail.service import queue_mail
from podium.models import Attendee, EmailProof, Event
from podium.verification import repository
from podium.verification.errors import (
    NoCodePending,
    NoEmailToProve,
    SignInLinkNotValid,
    WrongCode,
)
from podium.verification.types import PendingProof, Proven

LIFETIME = timedelta(minutes=15)
CODE_DIGITS = 6
WRONG_CODE = "That is not the code we sent. Check the mail and try again, or ask for a new code."
NO_CODE = "There is no code waiting for this device: it was used, or it expired. Ask for a new one."
LINK_NOT_VALID = (
    "This sign-in link has expired or was already used. Join again with your email to get a "
    "new code."
)


def full_name(attendee: Attendee) -> str:
    return f"{attendee.first_name} {attendee.last_name}".strip() or (attendee.email or "")


def masked_email(email: str) -> str:
    """``m…@example.org``: enough to recognise one's own address, not to learn someone's."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}…@{domain}"


def _device_hash(device: str) -> str:
    return hashlib.sha256(device.encode()).hexdigest()


def _code_hash(device: str, code: str) -> str:
    return hmac.new(device.encode(), code.encode(), hashlib.sha256).hexdigest()


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _typed(code: str) -> str:
    """The code as people type or paste it: spaces and dashes left out."""
    return "".join(ch for ch in code if ch not in " -\u00a0\t")


async def send_email_proof(
    uow: UnitOfWork,
    *,
    event: Event,
    attendee: Attendee,
    device: str,
    next_path: str | None,
    sign_in_url: Callable[[str], str],
    now: datetime | None = None,
) -> PendingProof:
    """Make a new code and sign-in link for ``attendee`` on ``device`` (replacing the one it
    had) and queue the mail that carries them to the attendee's email. ``sign_in_url`` turns
    a link token into the address to put in the mail. Locks the attendee's row; deletes the
    event's proofs that can no longer be used; NoEmailToProve when the attendee has none."""
    if not attendee.email or not attendee.email_key:
        raise NoEmailToProve(
            "This attendee has no email address to send a code to; ask the organizers."
        )
    at = now or utcnow()
    await repository.lock_attendee(uow, attendee=attendee)
    await repository.delete_replaced(
        uow, event=event, attendee=attendee, device_hash=_device_hash(device), now=at
    )
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    token = secrets.token_urlsafe(32)
    proof = EmailProof(
        event_id=event.id,
        attendee_id=attendee.id,
        device_hash=_device_hash(device),
        code_hash=_code_hash(device, code),
        token_hash=_token_hash(token),
        next_path=next_path,
        email_key=attendee.email_key,
        created_at=at,
        expires_at=at + LIFETIME,
    )
    uow.session.add(proof)
    queue_mail(
        uow,
        to=attendee.email,
        subject=f"{code} is your code for {event.name}",
        text=_mail_text(event, attendee, code=code, link=sign_in_url(token)),
    )
    await uow.session.flush()
    return PendingProof(
        attendee=attendee, email=attendee.email, next_path=next_path, expires_at=proof.expires_at
    )


def _mail_text(event: Event, attendee: Attendee, *, code: str, link: str) -> str:
    minutes = int(LIFETIME.total_seconds() // 60)
    greeting = f"Hello {attendee.first_name}," if attendee.first_name else "Hello,"
    return (
        f"{greeting}\n\n"
        f"someone, probably you, asked to continue as {full_name(attendee)} at {event.name} "
        "on a device. Enter this code on that device:\n\n"
        f"    {code}\n\n"
        f"Or open this link on the device you read this on:\n{link}\n\n"
        f"The code and the link work once, within {minutes} minutes. If this was not you, "
        "ignore this mail: nobody can continue as you without them.\n"
    )


async def pending_email_proof(
    uow: UnitOfWork, *, event: Event, device: str, now: datetime | None = None
) -> PendingProof | None:
    """The proof ``device`` is waiting to give at ``event``, if any."""
    found = await repository.pending_for_device(
        uow, event=event, device_hash=_device_hash(device), now=now or utcnow()
    )
    if found is None or not found[1].email:
        return None
    proof, attendee = found
    return PendingProof(
        attendee=attendee,
        email=attendee.email or "",
        next_path=proof.next_path,
        expires_at=proof.expires_at,
    )


async def prove_with_code(
    uow: UnitOfWork, *, event: Event, device: str, code: str, now: datetime | None = None
) -> Proven:
    """Take the code ``device`` was sent: the proof is used up and the attendee proven.
    WrongCode for another code (the proof stays, for the next try); NoCodePending when the
    device has none waiting, or the attendee's email changed since it was sent."""
    at = now or utcnow()
    found = await repository.pending_for_device(
        uow, event=event, device_hash=_device_hash(device), now=at
    )
    if found is None:
        raise NoCodePending(NO_CODE)
    proof, attendee = found
    if not hmac.compare_digest(proof.code_hash, _code_hash(device, _typed(code))):
        raise WrongCode(WRONG_CODE, field="code")
    return await _use(uow, proof, attendee, at=at, gone=NoCodePending(NO_CODE))


async def sign_in_link(
    uow: UnitOfWork, *, event: Event, token: str, now: datetime | None = None
) -> PendingProof:
    """Whom the sign-in link ``token`` is for (nothing is used up: a mail scanner may open
    links); SignInLinkNotValid when it is unknown, used or expired."""
    found = await repository.by_token(
        uow, event=event, token_hash=_token_hash(token), now=now or utcnow()
    )
    if found is None or found[1].email_key != found[0].email_key:
        raise SignInLinkNotValid(LINK_NOT_VALID)
    proof, attendee = found
    return PendingProof(
        attendee=attendee,
        email=attendee.email or "",
        next_path=proof.next_path,
        expires_at=proof.expires_at,
    )


async def prove_with_link(
    uow: UnitOfWork, *, event: Event, token: str, now: datetime | None = None
) -> Proven:
    """Take the sign-in link ``token``: the proof is used up and the attendee proven, on
    whichever device follows it. SignInLinkNotValid when it is unknown, used or expired."""
    at = now or utcnow()
    found = await repository.by_token(uow, event=event, token_hash=_token_hash(token), now=at)
    if found is None:
        raise SignInLinkNotValid(LINK_NOT_VALID)
    proof, attendee = found
    return await _use(uow, proof, attendee, at=at, gone=SignInLinkNotValid(LINK_NOT_VALID))


async def _use(
    uow: UnitOfWork,
    proof: EmailProof,
    attendee: Attendee,
    *,
    at: datetime,
    gone: Exception,
) -> Proven:
    # a proof of an address the attendee no longer has proves nothing
    if attendee.email_key != proof.email_key or not attendee.email:
        raise gone
    if not await repository.mark_used(uow, proof=proof, at=at):
        raise gone
    return Proven(attendee=attendee, email=attendee.email, next_path=proof.next_path)
