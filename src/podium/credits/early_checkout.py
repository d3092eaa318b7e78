"""What checking out early costs: for an attendee checked in to a session that has not ended,
the credit the rules (``engine.decide_credits``) award for leaving now, against staying until
the session ends — so that the check-out form can say so before they leave.

Both are decided for this one record alone (time in an overlapping session the attendee left
does not come into it: their current stay, checked in to last, wins any overlap anyway), with
the codewords entered so far and the evaluation counted as submitted (it can be submitted after
checking out, so it is no reason to stay). Pure: the caller passes what it read.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime

from podium.credits.engine import decide_credits
from podium.credits.types import (
    CreditAtStake,
    CreditRules,
    FieldFacts,
    RecordFacts,
    SessionFacts,
    Stay,
    Submission,
)
from podium.enums import CheckinAction


def credit_at_stake(
    *,
    checkin_id: int,
    session_id: int,
    session_name: str,
    starts_at: datetime | None,
    ends_at: datetime | None,
    rules: CreditRules,
    fields: Sequence[FieldFacts],
    history: Iterable[tuple[str, datetime]],
    submissions: Iterable[tuple[int, datetime]],
    now: datetime,
) -> tuple[CreditAtStake, ...]:
    """The fields of study (with the ids of their codewords) where leaving ``now`` earns less than
    staying to the session's end; none unless the record is checked in (its last history entry
    a check-in), the session has hours and has not ended. ``history``: the record's (action,
    at); ``submissions``: (codeword id, at) of its valid codewords."""
    if starts_at is None or ends_at is None or now >= ends_at or not fields:
        return ()
    stays = _stays(history)
    if not stays or stays[-1].left is not None:
        return ()
    session = SessionFacts(
        id=session_id,
        name=session_name,
        starts_at=starts_at,
        ends_at=ends_at,
        fields=tuple(fields),
        rules=rules,
    )
    record = RecordFacts(
        checkin_id=checkin_id,
        session=session,
        stays=stays,
        submissions=tuple(Submission(codeword_id=c, at=at) for c, at in submissions),
        evaluation_submitted=True,
    )
    leaving = decide_credits([_leaving_at(record, now)])
    staying = decide_credits([_leaving_at(record, ends_at)])
    return tuple(
        CreditAtStake(
            field_of_study=field.name,
            possible=field.credits,
            now=early.credits,
            at_end=late.credits,
        )
        for field, early, late in zip(session.fields, leaving, staying, strict=True)
        if early.credits < late.credits
    )


def _stays(history: Iterable[tuple[str, datetime]]) -> tuple[Stay, ...]:
    """Check-in → check-out stretches, as ``ledger.load_records`` reads them."""
    stays: list[Stay] = []
    arrived: datetime | None = None
    for action, at in sorted(history, key=lambda entry: entry[1]):
        if action == CheckinAction.CHECKIN:
            arrived = arrived or at
        elif arrived is not None:
            stays.append(Stay(arrived=arrived, left=at))
            arrived = None
    if arrived is not None:
        stays.append(Stay(arrived=arrived, left=None))
    return tuple(stays)


def _leaving_at(record: RecordFacts, at: datetime) -> RecordFacts:
    """The record as if its open stay ended at ``at``."""
    *closed, last = record.stays
    return dataclasses.replace(record, stays=(*closed, Stay(arrived=last.arrived, left=at)))
