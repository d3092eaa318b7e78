"""What happened: every domain event Podium's writes emit, in one place.

These are things that happened — an attendee checked in, a vote was cast, a session's times
moved — not the conference "events" of :mod:`podium.events` (those are ``event_id`` here).
A use case emits them on its unit of work (``await uow.emit(...)``) and a group-commit job on
its :class:`~podium.kit.writer.Work` (``work.emit(...)``); nobody builds a message by hand.

Each is a frozen, slotted dataclass of plain ids and values, never ORM objects: a subscriber
may keep one after the transaction, and a job that runs twice emits equal events. Who hears
them (:mod:`podium.kit.subscribers`):

- inside the transaction, the reactions of :mod:`podium.reactions` — the credit recompute
  hears the events that change what credit decides (``credits.subscriber.CREDIT_EVENTS``);
- after the commit, the realtime relay (``podium.web.realtime.messages``), which turns them
  into the session channel's messages.

A rollback, or a job that fails, drops them.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from podium.enums import AttendanceSource, QuestionState


@dataclass(frozen=True, slots=True, kw_only=True)
class InSession:
    """An event of one session: its conference event, its id and its public id (the realtime
    channel's name)."""

    event_id: int
    session_id: int
    session_public_id: str


# --- attendance ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedIn(InSession):
    """An attendee checked in (a first check-in, a preloaded record's, or again after a
    check-out); not emitted for a replayed nonce."""

    attendee_id: int
    checkin_id: int
    source: AttendanceSource
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class Departure:
    """One record checked out by a :class:`CheckedOut`."""

    session_id: int
    session_public_id: str
    attendee_id: int
    checkin_id: int
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckedOut:
    """Records of one conference event checked out together, by one ``source``: an
    attendee's own check-out (web, kiosk, …: one departure), the sessions an attendee left by
    checking in to an overlapping one (``other_session``), or everyone still in a session that
    ended (``session_end``: everyone of the event checked out in that round)."""

    event_id: int
    source: AttendanceSource
    departures: tuple[Departure, ...]

    @property
    def attendee_ids(self) -> tuple[int, ...]:
        """The attendees who left, each once, in order."""
        return tuple(dict.fromkeys(departure.attendee_id for departure in self.departures))

    @property
    def session_public_ids(self) -> tuple[str, ...]:
        """The sessions they left, each once, in order."""
        return tuple(dict.fromkeys(departure.session_public_id for departure in self.departures))


@dataclass(frozen=True, slots=True, kw_only=True)
class AttendeesPreloaded(InSession):
    """Attendees were given a (preloaded, not checked-in) record of the session, so that a
    kiosk can check them in; ``attendee_ids``: every attendee of the request, new or not."""

    attendee_ids: tuple[int, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class CheckinsRemoved(InSession):
    """Records of the session were deleted (with their history, codewords and credits):
    those of ``checkin_ids``, or every one (``all_records``, ``checkin_ids`` empty)."""

    checkin_ids: tuple[int, ...]
    all_records: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class CodewordAccepted(InSession):
    """An attendee entered one of a field of study's codewords for the first time."""

    attendee_id: int
    checkin_id: int
    field_of_study_id: int
    codeword_id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EvaluationSubmitted(InSession):
    """An attendee submitted (or replaced) their evaluation of the session.
    ``first_on_record``: this submission marked their check-in record evaluated (False when
    it already was, or when they have no record)."""

    attendee_id: int
    checkin_id: int | None
    first_on_record: bool


# --- the program ---------------------------------------------------------------------------


class SessionFact(enum.StrEnum):
    """What about a session a :class:`SessionChanged` changed."""

    TIMES = "times"  # date, start or end time
    FIELDS_OF_STUDY = "fields_of_study"  # the fields, their names or credits
    CODEWORDS = "codewords"  # a field's codewords
    QUESTIONS_MODERATED = "questions_moderated"


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionChanged(InSession):
    """Facts of a session changed (``changed``, never empty); ``questions_moderated`` is the
    session's setting after the change."""

    changed: frozenset[SessionFact]
    questions_moderated: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class CodewordAnnounced(InSession):
    """A moderator marked the moment a codeword of ``field_of_study`` was said in the room."""

    field_of_study: str
    codeword_id: int


# --- events and credit rules ---------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class EventTimezoneChanged:
    """The conference event's time zone changed, which moves when every session runs."""

    event_id: int
    timezone: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreditRulesChanged:
    """The credit rules of an event (``session_id`` None: every session without its own) or
    of one session changed; ``changed`` names the rules."""

    event_id: int
    session_id: int | None
    changed: tuple[str, ...]


# --- polls ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class InPoll(InSession):
    poll_public_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class PollCreated(InPoll):
    """A draft poll was added to the session."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PollOpened(InPoll):
    """A poll was opened (or reopened) for votes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PollClosed(InPoll):
    """A poll stopped taking votes."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PollReordered(InPoll):
    """The poll moved among the session's polls (the others may have been renumbered)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PollResultsShown(InPoll):
    """The poll's results were shown to the audience (``visible``) or hidden again."""

    visible: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class VoteCast(InPoll):
    """An attendee's vote was recorded (not emitted for a replayed nonce)."""

    attendee_id: int
    vote_id: int


# --- questions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, kw_only=True)
class InQuestion(InSession):
    question_public_id: str


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionAsked(InQuestion):
    """A question was asked: shown at once (``approved``) or held for a moderator
    (``pending``)."""

    state: QuestionState


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionApproved(InQuestion):
    """A pending or dismissed question was shown to the audience."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionDismissed(InQuestion):
    """A question was hidden from the audience (and unpinned)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionAnswered(InQuestion):
    """A question was marked answered, or not answered again."""

    answered: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionPinned(InQuestion):
    """A question was pinned to the top of the Q&A, or unpinned."""

    pinned: bool


@dataclass(frozen=True, slots=True, kw_only=True)
class QuestionUpvoted(InQuestion):
    """An attendee upvoted a question; ``upvotes`` is its count afterwards."""

    attendee_id: int
    upvotes: int
