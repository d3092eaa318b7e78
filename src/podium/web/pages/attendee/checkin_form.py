"""The check-in form of a session's page, checked in one place for both of its ways in: the
express lane (``express.py``, before the framework) and the page's own route (``actions.py``).

:func:`admit_checkin` checks what needs no database — the form's CSRF token against this
browser's cookie, the attendee this browser joined the event as, and for a form that guesses at
a check-in code the wrong-attempt limit — and returns the job (:mod:`podium.kit.writer`) that
checks the rest inside the write's own transaction: the session at the address, the event's app
password, how the attendee attends, then ``record_checkin`` (the code, the nonce) writes.

A refusal raises :class:`CheckinRefused`, saying which; what the attendance package refuses
raises its own errors. The express lane hands either to the full route, which answers it the
page's way: a refusal as the page answers one (the join page, 403, 404, 429), a domain error in
the attendance section, a wrong code counted.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from starlette.requests import HTTPConnection

from podium.attendance.service import Arriving, record_checkins
from podium.enums import AttendanceSource
from podium.kit.writer import Job, Work
from podium.program.service import visited_session
from podium.program.types import SessionFacts
from podium.web.auth import csrf, identity, throttle
from podium.web.pages.attendee.forms import chosen_delivery_format
from podium.web.runtime import Runtime

THROTTLE_KIND = "checkin-code"


@dataclass(frozen=True, slots=True)
class CheckinForm:
    """What a check-in form gave (each field's last value; None when absent)."""

    csrf_token: str | None
    code: str | None
    delivery_format: str | None
    nonce: str | None

    @classmethod
    def of(cls, field: Callable[[str], str | None]) -> CheckinForm:
        """The form whose field ``name`` has the value ``field(name)``."""
        return cls(
            csrf_token=field(csrf.FIELD),
            code=field("code"),
            delivery_format=field("delivery_format"),
            nonce=field("nonce"),
        )

    @property
    def guesses_a_code(self) -> bool:
        """A code was typed: a guess at the session's code (a blank one is a slip)."""
        return bool(self.code and self.code.strip())


class Refusal(enum.Enum):
    FORGED = "forged"  # the form's token is not this browser's
    NOT_JOINED = "not_joined"  # not joined as an attendee of the event, or the app password
    NOT_FOUND = "not_found"  # no such session at this address
    THROTTLED = "throttled"  # too many wrong check-in codes: ``retry_after`` seconds


@dataclass(frozen=True, slots=True)
class CheckedInHere:
    """What an admitted check-in did: the record, of which attendee, in which session (what
    its page's attendance section shows of it)."""

    checkin_id: int
    attendee_id: int
    session: SessionFacts


class CheckinRefused(Exception):
    def __init__(self, refusal: Refusal, *, retry_after: int | None = None) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal
        self.retry_after = retry_after


async def admit_checkin(
    runtime: Runtime,
    connection: HTTPConnection,
    *,
    event_uri: str,
    session_public_id: str,
    form: CheckinForm,
) -> Job[CheckedInHere]:
    """The job that checks the asking browser's attendee in to the session at
    ``/e/<event_uri>/s/<session_public_id>``, once the form passed the checks that need no
    database; CheckinRefused (FORGED, NOT_JOINED, THROTTLED) when it does
    not. The job itself raises CheckinRefused (NOT_FOUND, NOT_JOINED, THROTTLED) and the
    domain's errors (InvalidInput for the delivery format, WrongCheckinCode, …)."""
    browser = csrf.browser_cookie(connection.scope)
    if browser is None or not csrf.token_matches(runtime.secret_key, browser, form.csrf_token):
        raise CheckinRefused(Refusal.FORGED)
    joined = identity.joined(connection)
    if joined is None:
        raise CheckinRefused(Refusal.NOT_JOINED)
    event_id, attendee_id = joined
    wait = None
    if form.guesses_a_code:  # only a guess is limited: no round trip to Redis for the others
        try:
            await throttle.ensure_allowed_for(
                runtime,
                THROTTLE_KIND,
                scope=throttle.event_scope(event_id),
                address=connection.client.host if connection.client else None,
                browser=browser,
                attendee_id=attendee_id,
            )
        except throttle.TooManyAttempts as exc:
            wait = exc.retry_after

    return _CheckIn(
        connection=connection,
        event_id=event_id,
        event_uri=event_uri,
        session_public_id=session_public_id,
        attendee_id=attendee_id,
        form=form,
        wait=wait,
    )


def _check_in_together(works: Sequence[Work], jobs: Sequence[_CheckIn]) -> list[CheckedInHere]:
    """The forms' check-ins, each checked as it would be alone, written by ``record_checkins``
    (set statements for a crowd at the doors)."""
    arriving = [job.arriving(work) for work, job in zip(works, jobs, strict=True)]
    ids = record_checkins(works, arriving)
    return [
        CheckedInHere(
            checkin_id=checkin_id, attendee_id=checkin.attendee_id, session=checkin.session
        )
        for checkin_id, checkin in zip(ids, arriving, strict=True)
    ]


@dataclass(frozen=True, slots=True)
class _CheckIn:
    """The job of an admitted form (:func:`admit_checkin`); the forms that arrive together are
    written together (``together``)."""

    connection: HTTPConnection
    event_id: int
    event_uri: str
    session_public_id: str
    attendee_id: int
    form: CheckinForm
    wait: int | None  # seconds until a code may be guessed again, if it may not now

    together = staticmethod(_check_in_together)

    def __call__(self, work: Work) -> CheckedInHere:
        return _check_in_together([work], [self])[0]

    def arriving(self, work: Work) -> Arriving:
        """The check-in this form asks for, once the session at its address is found and the
        browser may use it."""
        visited = visited_session(
            work,
            event_id=self.event_id,
            event_uri=self.event_uri,
            session_public_id=self.session_public_id,
        )
        if visited is None:
            raise CheckinRefused(Refusal.NOT_FOUND)
        if not identity.gave_app_password(self.connection, self.event_id, visited.app_password):
            raise CheckinRefused(Refusal.NOT_JOINED)
        session = visited.session
        if self.wait is not None and session.checkin_code:
            raise CheckinRefused(Refusal.THROTTLED, retry_after=self.wait)
        return Arriving(
            session=session,
            attendee_id=self.attendee_id,
            code=self.form.code,
            source=AttendanceSource.WEB,
            delivery_format=chosen_delivery_format(
                session.delivery_format, self.form.delivery_format
            ),
            nonce=self.form.nonce,
        )
