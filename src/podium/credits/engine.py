"""Deciding credit: the rules applied to one attendee's records, with the reasons. Pure and
deterministic: the same records and rules give the same decisions, whenever and wherever.

Time counts only between a session's start and end (a check-in at most
``late_checkin_minutes`` after the start counts from the start, a check-out at most
``early_checkout_minutes`` before the end to the end), summed over every check-in → check-out
stretch. A stretch still open counts nothing yet: time is earned at check-out, which the
session's end makes at the latest. Where two sessions' counted stretches overlap, each moment
counts once, for the session checked in to last (moving to another room is what a later
check-in means; equal check-ins go to the session with the smaller id).

A codeword counts when it was entered during the session (between its start and end, when it
has them) while the attendee was checked in.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from decimal import ROUND_FLOOR, Decimal

from podium.credits.types import (
    CodewordRule,
    CreditDecision,
    CreditRules,
    EvaluationRule,
    FieldFacts,
    Outcome,
    Reason,
    RecordFacts,
)

_ZERO = Decimal(0)
_PLACES = Decimal("0.0001")


def decide_credits(records: Sequence[RecordFacts]) -> list[CreditDecision]:
    """The decision for every field of study of every record of one attendee (``records``
    are all of theirs that can overlap: their records of one event), in the records' order."""
    counted = _counted_seconds(records)
    decisions = []
    for record in records:
        seconds, lost, lost_to = counted.get(record.checkin_id, (0, 0, ()))
        for field in record.session.fields:
            decisions.append(_decide(record, field, seconds, lost, lost_to))
    return decisions


def format_credits(credits: Decimal) -> str:
    """Credits as people write them: "2", "1.5", "0.25"."""
    text = f"{credits.quantize(_PLACES).normalize():f}"
    return text


def missing_for(decision: CreditDecision, *, checked_in: bool = False) -> tuple[str, ...]:
    """What stands between the attendee and the field's full credit, each as the words that
    end "You still need …" ("1 codeword", "your evaluation"); ``checked_in``: they are in the
    session now (their time so far counts at check-out)."""
    missing = ["to check out (your time counts when you do)"] if checked_in else []
    required = decision.seconds_required
    if checked_in:
        pass  # their time so far is not counted yet: what is missing of it is not known
    elif required is not None and decision.seconds_attended < required:
        short = math.ceil((required - decision.seconds_attended) / 60)
        missing.append(f"{short} more minute{'s' if short != 1 else ''} in the session")
    elif required is None and decision.seconds_attended == 0:
        missing.append("time in the session")
    if decision.codewords_valid < decision.codewords_required:
        needed = decision.codewords_required - decision.codewords_valid
        more = " more" if decision.codewords_valid else ""
        missing.append(f"{needed}{more} codeword{'s' if needed != 1 else ''}")
    if decision.evaluation_required and not decision.evaluation_submitted:
        missing.append("your evaluation")
    return tuple(missing)


def still_needed(missing: Sequence[str]) -> str:
    """:func:`missing_for`'s words as one sentence: "You still need 2 more codewords and your
    evaluation."; "" when nothing is missing."""
    if not missing:
        return ""
    listed = missing[0] if len(missing) == 1 else f"{', '.join(missing[:-1])} and {missing[-1]}"
    return f"You still need {listed}."


def _decide(
    record: RecordFacts, field: FieldFacts, seconds: int, lost: int, lost_to: tuple[str, ...]
) -> CreditDecision:
    rules = record.session.rules
    possible = field.credits
    reasons: list[Reason] = []
    if lost:
        reasons.append(
            Reason(
                code="overlap",
                text=f"{_minutes(lost)} counted for {', '.join(lost_to)} instead "
                "(the session checked in to last), not here.",
            )
        )
    credits, seconds_required = _time_credits(record, rules, possible, seconds, reasons)
    valid = _valid_codewords(record, field)
    required = _codewords_required(rules, len(field.codeword_ids))
    if field.codeword_ids or required:
        entered = f"{valid} of {len(field.codeword_ids)} codewords entered; {required} needed"
        if valid < required:
            credits = _ZERO
            reasons.append(Reason(code="codewords_short", text=f"{entered}: no credit."))
        elif required:
            reasons.append(Reason(code="codewords_met", text=f"{entered}."))
    evaluation_required = rules.evaluation_rule != EvaluationRule.NONE
    if evaluation_required:
        if record.evaluation_submitted:
            reasons.append(Reason(code="evaluation_submitted", text="Evaluation submitted."))
        else:
            credits = _ZERO
            reasons.append(
                Reason(
                    code="evaluation_missing",
                    text="Evaluation not submitted: no credit until it is.",
                )
            )
    credits = min(credits, possible).quantize(_PLACES)
    if credits >= possible:
        outcome = Outcome.AWARDED
    elif credits > 0:
        outcome = Outcome.PARTIAL
    else:
        outcome = Outcome.WITHHELD
    return CreditDecision(
        checkin_id=record.checkin_id,
        session_id=record.session.id,
        field_of_study_id=field.id,
        credits=credits.normalize(),
        possible=possible,
        outcome=outcome,
        seconds_attended=seconds,
        seconds_required=seconds_required,
        codewords_valid=valid,
        codewords_required=required,
        codewords_possible=len(field.codeword_ids),
        evaluation_required=evaluation_required,
        evaluation_submitted=record.evaluation_submitted,
        reasons=tuple(reasons),
    )


def _time_credits(
    record: RecordFacts,
    rules: CreditRules,
    possible: Decimal,
    seconds: int,
    reasons: list[Reason],
) -> tuple[Decimal, int | None]:
    """The credits time alone earns, and the seconds full credit needs (None: any)."""
    if rules.minutes_per_credit is None:
        if seconds > 0:
            reasons.append(
                Reason(code="time_met", text=f"Attended {_minutes(seconds)} of the session.")
            )
            return possible, None
        reasons.append(Reason(code="no_time", text=_no_time(record)))
        return _ZERO, None
    per_credit = rules.minutes_per_credit * 60
    required = math.ceil(possible * per_credit)
    if seconds >= required:
        reasons.append(
            Reason(
                code="time_met",
                text=f"Attended {_minutes(seconds)}; full credit needs {_minutes(required)}.",
            )
        )
        return possible, required
    if seconds == 0:
        reasons.append(Reason(code="no_time", text=_no_time(record)))
        return _ZERO, required
    step = rules.partial_credit_step
    earned = _ZERO
    if step > 0:
        earned = (Decimal(seconds) / per_credit / step).to_integral_value(ROUND_FLOOR) * step
    if earned > 0:
        reasons.append(
            Reason(
                code="time_partial",
                text=f"Attended {_minutes(seconds)} of the {_minutes(required)} full credit "
                f"needs: partial credit in steps of {format_credits(step)}.",
            )
        )
    else:
        reasons.append(
            Reason(
                code="time_short",
                text=f"Attended {_minutes(seconds)} of the {_minutes(required)} credit needs"
                + (": no partial credit." if step <= 0 else ": too short for a first step."),
            )
        )
    return earned, required


def _no_time(record: RecordFacts) -> str:
    if not record.stays:
        return "Never checked in."
    if all(stay.left is None for stay in record.stays):
        return "No time counted yet."
    return "No time within the session's hours."


def _valid_codewords(record: RecordFacts, field: FieldFacts) -> int:
    if not field.codeword_ids:
        return 0
    own = set(field.codeword_ids)
    starts, ends = record.session.starts_at, record.session.ends_at
    valid = set()
    for submission in record.submissions:
        at = submission.at
        if submission.codeword_id not in own or submission.codeword_id in valid:
            continue
        if (starts is not None and at < starts) or (ends is not None and at > ends):
            continue
        for stay in record.stays:  # a loop, not any(): this runs for every codeword entered
            if stay.arrived <= at and (stay.left is None or at <= stay.left):
                valid.add(submission.codeword_id)
                break
    return len(valid)


def _codewords_required(rules: CreditRules, possible: int) -> int:
    if rules.codeword_rule == CodewordRule.ALL:
        return possible
    if rules.codeword_rule == CodewordRule.COUNT:
        return min(math.ceil(rules.codeword_minimum), possible)
    if rules.codeword_rule == CodewordRule.RATIO:
        return min(math.ceil(rules.codeword_minimum * possible), possible)
    return 0


# an interval of counted time: start, end, who wins an overlap (later check-in, then smaller
# session id), the record
_Interval = tuple[datetime, datetime, tuple[datetime, int], int]


def _counted_seconds(
    records: Iterable[RecordFacts],
) -> dict[int, tuple[int, int, tuple[str, ...]]]:
    """Per record: the seconds counted, the seconds lost to overlapping sessions, and those
    sessions' names."""
    intervals: list[_Interval] = []
    names = {}
    for record in records:
        names[record.checkin_id] = record.session.name
        intervals.extend(_intervals(record))
    intervals.sort(key=lambda interval: interval[0])
    counted: dict[int, float] = {}
    lost: dict[int, float] = {}
    lost_to: dict[int, list[str]] = {}
    if _disjoint(intervals):
        for start, end, _key, checkin_id in intervals:
            counted[checkin_id] = counted.get(checkin_id, 0.0) + (end - start).total_seconds()
    else:
        _sweep(intervals, counted, lost, lost_to, names)
    result = {}
    for checkin_id in names:
        result[checkin_id] = (
            int(counted.get(checkin_id, 0.0)),
            int(lost.get(checkin_id, 0.0)),
            tuple(lost_to.get(checkin_id, ())),
        )
    return result


def _intervals(record: RecordFacts) -> list[_Interval]:
    session = record.session
    starts, ends = session.starts_at, session.ends_at
    late = timedelta(minutes=session.rules.late_checkin_minutes)
    early = timedelta(minutes=session.rules.early_checkout_minutes)
    result = []
    for stay in record.stays:
        if stay.left is None:
            continue
        start, end = stay.arrived, stay.left
        if starts is not None:
            if starts < start <= starts + late:
                start = starts
            start = max(start, starts)
        if ends is not None:
            if ends - early <= end < ends:
                end = ends
            end = min(end, ends)
        if end > start:
            result.append((start, end, (stay.arrived, -session.id), record.checkin_id))
    return result


def _disjoint(intervals: Sequence[_Interval]) -> bool:
    reached: datetime | None = None
    for start, end, _key, _checkin_id in intervals:
        if reached is not None and start < reached:
            return False
        reached = end if reached is None else max(reached, end)
    return True


def _sweep(
    intervals: Sequence[_Interval],
    counted: dict[int, float],
    lost: dict[int, float],
    lost_to: dict[int, list[str]],
    names: dict[int, str],
) -> None:
    """Give each moment covered by several intervals to the one that wins it."""
    points = sorted({point for start, end, _key, _id in intervals for point in (start, end)})
    for left, right in itertools.pairwise(points):
        active = []
        for interval in intervals:  # sorted by start: none after this one starts by ``left``
            if interval[0] > left:
                break
            if interval[1] > left:
                active.append(interval)
        if not active:
            continue
        seconds = (right - left).total_seconds()
        winner = max(active, key=lambda interval: interval[2])
        counted[winner[3]] = counted.get(winner[3], 0.0) + seconds
        for interval in active:
            checkin_id = interval[3]
            if checkin_id == winner[3]:
                continue
            lost[checkin_id] = lost.get(checkin_id, 0.0) + seconds
            others = lost_to.setdefault(checkin_id, [])
            if names[winner[3]] not in others:
                others.append(names[winner[3]])


def _minutes(seconds: int) -> str:
    minutes = seconds // 60
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
