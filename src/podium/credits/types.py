"""The rules of credit, the facts they are applied to, and the decisions they make."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal


class CodewordRule(enum.StrEnum):
    """How many of a field of study's codewords an attendee must enter for its credit."""

    NONE = "none"
    ALL = "all"
    COUNT = "count"  # at least ``codeword_minimum`` of them (all, when there are fewer)
    RATIO = "ratio"  # at least that share of them, rounded up


class EvaluationRule(enum.StrEnum):
    """Whether the session's evaluation must be submitted."""

    NONE = "none"
    FOR_CREDIT = "for_credit"  # no credit without it
    FOR_CHECKOUT = "for_checkout"  # no check-out without it (and no credit)


class Outcome(enum.StrEnum):
    AWARDED = "awarded"
    PARTIAL = "partial"
    WITHHELD = "withheld"


@dataclass(frozen=True, kw_only=True)
class CreditRules:
    """The rules one session's credit is decided by (its own, else its event's, else these
    defaults: any time in the session earns its full credits, no codewords, no evaluation).

    ``minutes_per_credit``: minutes in the session for one credit (None: any time counts
    fully). ``partial_credit_step``: short of full time, credit in steps of this many credits
    (0: nothing short of full time). ``late_checkin_minutes``/``early_checkout_minutes``: a
    check-in at most that long after the start counts from the start; a check-out at most that
    long before the end counts to the end.
    """

    minutes_per_credit: int | None = None
    partial_credit_step: Decimal = Decimal(0)
    codeword_rule: CodewordRule = CodewordRule.NONE
    codeword_minimum: Decimal = Decimal(0)
    evaluation_rule: EvaluationRule = EvaluationRule.NONE
    late_checkin_minutes: int = 0
    early_checkout_minutes: int = 0


class _Unchanged(enum.Enum):
    UNCHANGED = "unchanged"


UNCHANGED = _Unchanged.UNCHANGED


@dataclass(frozen=True, kw_only=True)
class RulesChange:
    """The rules to set on an event or a session; a field left at ``UNCHANGED`` keeps its
    value, None clears it (a session then takes the event's, an event the default)."""

    minutes_per_credit: int | _Unchanged | None = UNCHANGED
    partial_credit_step: Decimal | _Unchanged | None = UNCHANGED
    codeword_rule: CodewordRule | _Unchanged | None = UNCHANGED
    codeword_minimum: Decimal | _Unchanged | None = UNCHANGED
    evaluation_rule: EvaluationRule | _Unchanged | None = UNCHANGED
    late_checkin_minutes: int | _Unchanged | None = UNCHANGED
    early_checkout_minutes: int | _Unchanged | None = UNCHANGED


@dataclass(frozen=True, kw_only=True, slots=True)
class Stay:
    """One check-in → check-out stretch of a record (``left`` None while still checked in)."""

    arrived: datetime
    left: datetime | None


@dataclass(frozen=True, kw_only=True, slots=True)
class FieldFacts:
    id: int
    name: str
    credits: Decimal
    codeword_ids: tuple[int, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class SessionFacts:
    """A session as its credit sees it: when it runs (instants; None without a date), its
    fields of study and its rules."""

    id: int
    name: str
    starts_at: datetime | None
    ends_at: datetime | None
    fields: tuple[FieldFacts, ...]
    rules: CreditRules


@dataclass(frozen=True, kw_only=True, slots=True)
class Submission:
    codeword_id: int
    at: datetime


@dataclass(frozen=True, kw_only=True, slots=True)
class RecordFacts:
    """One attendance record of an attendee, with everything its credit depends on."""

    checkin_id: int
    session: SessionFacts
    stays: tuple[Stay, ...]
    submissions: tuple[Submission, ...]
    evaluation_submitted: bool


@dataclass(frozen=True, kw_only=True, slots=True)
class Reason:
    """Why credit was awarded, reduced or withheld: a stable ``code`` and a sentence."""

    code: str
    text: str


@dataclass(frozen=True, kw_only=True, slots=True)
class CreditDecision:
    """What the rules award one record in one field of study, and why (``reasons``)."""

    checkin_id: int
    session_id: int
    field_of_study_id: int
    credits: Decimal
    possible: Decimal
    outcome: Outcome
    seconds_attended: int
    seconds_required: int | None
    codewords_valid: int
    codewords_required: int
    codewords_possible: int
    evaluation_required: bool
    evaluation_submitted: bool
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, kw_only=True, slots=True)
class CreditAtStake:
    """What checking out of a session now would cost in one field of study: the credits the
    rules award for leaving ``now``, against staying until the session ends (``at_end``)."""

    field_of_study: str
    possible: Decimal
    now: Decimal
    at_end: Decimal


@dataclass(frozen=True, kw_only=True)
class TranscriptLine:
    """One session and field of study of an attendee's transcript.

    ``computed`` is what the rules award; ``adjusted`` what an administrator set instead (None
    when nobody did); ``credits`` the one that counts. ``missing`` names what stands between
    the attendee and the full credit ("2 of 4 codewords", "evaluation not submitted").
    """

    session_public_id: str
    session_name: str
    date: date | None
    start_time: time | None
    end_time: time | None
    field_of_study: str
    possible: Decimal
    computed: Decimal
    adjusted: Decimal | None
    credits: Decimal
    outcome: Outcome
    minutes_attended: int
    missing: tuple[str, ...]
    reasons: tuple[Reason, ...]
    still_checked_in: bool


@dataclass(frozen=True, kw_only=True)
class Transcript:
    """An attendee's credits at an event: a line per session and field of study they have a
    record of (in schedule order), and the total per field of study (in first-seen order)."""

    event_name: str
    event_uri: str
    organizer: str | None
    start_date: date | None
    end_date: date | None
    attendee_id: int
    attendee_name: str
    attendee_email: str | None
    lines: tuple[TranscriptLine, ...]
    totals: tuple[tuple[str, Decimal], ...]

    @property
    def total(self) -> Decimal:
        return sum((credits for _name, credits in self.totals), Decimal(0))
