"""The credit engine, case by case: one row per rule and edge of the issue."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from podium.credits.engine import decide_credits, format_credits, missing_for, still_needed
from podium.credits.types import (
    CodewordRule,
    CreditRules,
    EvaluationRule,
    FieldFacts,
    Outcome,
    RecordFacts,
    SessionFacts,
    Stay,
    Submission,
)

DAY = datetime(2026, 11, 30, tzinfo=UTC)


def at(clock: str) -> datetime:
    hours, minutes = clock.split(":")
    return DAY + timedelta(hours=int(hours), minutes=int(minutes))


def session(
    rules: CreditRules = CreditRules(),
    *,
    id: int = 1,
    name: str = "Lease accounting",
    starts: str | None = "10:00",
    ends: str | None = "11:00",
    credits: str = "1",
    codewords: int = 0,
) -> SessionFacts:
    return SessionFacts(
        id=id,
        name=name,
        starts_at=at(starts) if starts else None,
        ends_at=at(ends) if ends else None,
        fields=(
            FieldFacts(
                id=id * 10,
                name="Accounting",
                credits=Decimal(credits),
                codeword_ids=tuple(range(id * 100, id * 100 + codewords)),
            ),
        ),
        rules=rules,
    )


@dataclass
class Case:
    """One record in one session; ``stays`` as "10:00-10:50" ("10:00-" still in)."""

    stays: list[str]
    rules: CreditRules = field(default_factory=CreditRules)
    credits: str = "1"
    codewords: int = 0
    entered: list[tuple[int, str]] = field(default_factory=list)
    evaluated: bool = False
    starts: str | None = "10:00"
    ends: str | None = "11:00"


def record(case: Case, facts: SessionFacts | None = None, checkin_id: int = 1) -> RecordFacts:
    facts = facts or session(
        case.rules,
        credits=case.credits,
        codewords=case.codewords,
        starts=case.starts,
        ends=case.ends,
    )
    stays = []
    for text in case.stays:
        arrived, _, left = text.partition("-")
        stays.append(Stay(arrived=at(arrived), left=at(left) if left else None))
    return RecordFacts(
        checkin_id=checkin_id,
        session=facts,
        stays=tuple(stays),
        submissions=tuple(
            Submission(codeword_id=facts.id * 100 + index, at=at(clock))
            for index, clock in case.entered
        ),
        evaluation_submitted=case.evaluated,
    )


FIFTY = CreditRules(minutes_per_credit=50)
FIFTY_STEPS = CreditRules(minutes_per_credit=50, partial_credit_step=Decimal("0.2"))

CASES = {
    # time
    "any time earns full credit by default": (Case(["10:00-10:30"]), "1", Outcome.AWARDED),
    "a stay still open counts nothing yet": (Case(["10:00-"]), "0", Outcome.WITHHELD),
    "never checked in": (Case([]), "0", Outcome.WITHHELD),
    "fifty minutes earn a credit": (Case(["10:00-10:50"], FIFTY), "1", Outcome.AWARDED),
    "short of the minimum without partial credit": (
        Case(["10:00-10:40"], FIFTY),
        "0",
        Outcome.WITHHELD,
    ),
    "partial credit in steps of 0.2": (
        Case(["10:00-10:40"], FIFTY_STEPS),
        "0.8",
        Outcome.PARTIAL,
    ),
    "partial credit rounds down to a step": (
        Case(["10:00-10:49"], FIFTY_STEPS),
        "0.8",
        Outcome.PARTIAL,
    ),
    "too short for a first step": (Case(["10:00-10:09"], FIFTY_STEPS), "0", Outcome.WITHHELD),
    "two credits need a hundred minutes": (
        Case(["10:00-11:00"], FIFTY_STEPS, credits="2", ends="12:00"),
        "1.2",
        Outcome.PARTIAL,
    ),
    "time before the start does not count": (
        Case(["09:30-10:49"], FIFTY),
        "0",
        Outcome.WITHHELD,
    ),
    "time after the end does not count": (
        Case(
            ["10:30-11:30"], CreditRules(minutes_per_credit=50, partial_credit_step=Decimal("0.5"))
        ),
        "0.5",
        Outcome.PARTIAL,
    ),
    "stays sum across a break": (
        Case(["10:00-10:20", "10:30-11:00"], FIFTY),
        "1",
        Outcome.AWARDED,
    ),
    "a check-in within the late allowance counts from the start": (
        Case(["10:08-10:50"], CreditRules(minutes_per_credit=50, late_checkin_minutes=10)),
        "1",
        Outcome.AWARDED,
    ),
    "a check-in past the late allowance counts from itself": (
        Case(["10:12-11:00"], CreditRules(minutes_per_credit=50, late_checkin_minutes=10)),
        "0",
        Outcome.WITHHELD,
    ),
    "a check-out within the early allowance counts to the end": (
        Case(["10:00-10:52"], CreditRules(minutes_per_credit=60, early_checkout_minutes=10)),
        "1",
        Outcome.AWARDED,
    ),
    "a check-out before the early allowance counts to itself": (
        Case(["10:00-10:45"], CreditRules(minutes_per_credit=60, early_checkout_minutes=10)),
        "0",
        Outcome.WITHHELD,
    ),
    "a session without a date counts every stay": (
        Case(["08:00-09:00"], CreditRules(minutes_per_credit=60), starts=None, ends=None),
        "1",
        Outcome.AWARDED,
    ),
    # codewords
    "codewords are not needed by default": (
        Case(["10:00-11:00"], codewords=3),
        "1",
        Outcome.AWARDED,
    ),
    "all codewords: one missing withholds": (
        Case(
            ["10:00-11:00"],
            CreditRules(codeword_rule=CodewordRule.ALL),
            codewords=3,
            entered=[(0, "10:10"), (1, "10:20")],
        ),
        "0",
        Outcome.WITHHELD,
    ),
    "all codewords entered": (
        Case(
            ["10:00-11:00"],
            CreditRules(codeword_rule=CodewordRule.ALL),
            codewords=3,
            entered=[(0, "10:10"), (1, "10:20"), (2, "10:59")],
        ),
        "1",
        Outcome.AWARDED,
    ),
    "a count of codewords": (
        Case(
            ["10:00-11:00"],
            CreditRules(codeword_rule=CodewordRule.COUNT, codeword_minimum=Decimal(2)),
            codewords=3,
            entered=[(0, "10:10"), (2, "10:20")],
        ),
        "1",
        Outcome.AWARDED,
    ),
    "a count above the codewords there are needs them all": (
        Case(
            ["10:00-11:00"],
            CreditRules(codeword_rule=CodewordRule.COUNT, codeword_minimum=Decimal(5)),
            codewords=3,
            entered=[(0, "10:10"), (1, "10:20")],
        ),
        "0",
        Outcome.WITHHELD,
    ),
    "a share of codewords rounds up": (
        Case(
            ["10:00-11:00"],
            CreditRules(codeword_rule=CodewordRule.RATIO, codeword_minimum=Decimal("0.5")),
            codewords=3,
            entered=[(0, "10:10")],
        ),
        "0",
        Outcome.WITHHELD,
    ),
    "the same codeword twice counts once": (
        Case(
            ["10:00-11:00"],
            CreditRules(codeword_rule=CodewordRule.COUNT, codeword_minimum=Decimal(2)),
            codewords=3,
            entered=[(0, "10:10"), (0, "10:20")],
        ),
        "0",
        Outcome.WITHHELD,
    ),
    "a codeword entered after the end is not valid": (
        Case(
            ["10:00-"],
            CreditRules(codeword_rule=CodewordRule.ALL),
            codewords=1,
            entered=[(0, "11:05")],
        ),
        "0",
        Outcome.WITHHELD,
    ),
    "a codeword entered while checked out is not valid": (
        Case(
            ["10:00-10:20", "10:40-11:00"],
            CreditRules(codeword_rule=CodewordRule.ALL),
            codewords=1,
            entered=[(0, "10:30")],
        ),
        "0",
        Outcome.WITHHELD,
    ),
    # evaluation
    "evaluation required and missing": (
        Case(["10:00-11:00"], CreditRules(evaluation_rule=EvaluationRule.FOR_CREDIT)),
        "0",
        Outcome.WITHHELD,
    ),
    "evaluation required and submitted": (
        Case(
            ["10:00-11:00"],
            CreditRules(evaluation_rule=EvaluationRule.FOR_CREDIT),
            evaluated=True,
        ),
        "1",
        Outcome.AWARDED,
    ),
    "evaluation before check-out also holds credit": (
        Case(["10:00-11:00"], CreditRules(evaluation_rule=EvaluationRule.FOR_CHECKOUT)),
        "0",
        Outcome.WITHHELD,
    ),
}


@pytest.mark.parametrize(("case", "credits", "outcome"), CASES.values(), ids=CASES.keys())
def test_decide_credits_case(case: Case, credits: str, outcome: Outcome) -> None:
    [decision] = decide_credits([record(case)])

    assert (decision.credits, decision.outcome) == (Decimal(credits), outcome)


def test_decide_credits_reasons_say_why() -> None:
    case = Case(
        ["10:00-10:40"],
        CreditRules(
            minutes_per_credit=50,
            partial_credit_step=Decimal("0.2"),
            codeword_rule=CodewordRule.ALL,
            evaluation_rule=EvaluationRule.FOR_CREDIT,
        ),
        codewords=4,
        entered=[(0, "10:10"), (1, "10:20")],
    )

    [decision] = decide_credits([record(case)])

    assert [reason.code for reason in decision.reasons] == [
        "time_partial",
        "codewords_short",
        "evaluation_missing",
    ]
    assert decision.reasons[0].text == (
        "Attended 40 minutes of the 50 minutes full credit needs: partial credit in steps of 0.2."
    )
    assert missing_for(decision) == (
        "10 more minutes in the session",
        "2 more codewords",
        "your evaluation",
    )
    assert still_needed(missing_for(decision)) == (
        "You still need 10 more minutes in the session, 2 more codewords and your evaluation."
    )


def test_decide_credits_overlap_counts_once_for_the_later_check_in() -> None:
    first = session(FIFTY, id=1, name="Leases", starts="10:00", ends="11:00")
    second = session(FIFTY, id=2, name="Revenue", starts="10:30", ends="11:30")
    stayed_in_first = record(Case(["10:00-11:00"]), first, checkin_id=1)
    moved_to_second = record(Case(["10:30-11:30"]), second, checkin_id=2)

    decisions = decide_credits([stayed_in_first, moved_to_second])

    assert [(d.session_id, d.seconds_attended, d.outcome) for d in decisions] == [
        (1, 30 * 60, Outcome.WITHHELD),
        (2, 60 * 60, Outcome.AWARDED),
    ]
    assert decisions[0].reasons[0].code == "overlap"
    assert "30 minutes counted for Revenue" in decisions[0].reasons[0].text


def test_decide_credits_overlap_goes_to_the_session_checked_in_to_last() -> None:
    first = session(FIFTY, id=1, name="Leases", starts="10:00", ends="11:00")
    second = session(FIFTY, id=2, name="Revenue", starts="10:00", ends="11:00")
    # in the second from 10:00, then (its check-out lost) in the first from 10:10
    decisions = decide_credits(
        [
            record(Case(["10:10-11:00"]), first, checkin_id=1),
            record(Case(["10:00-11:00"]), second, checkin_id=2),
        ]
    )

    assert [(d.session_id, d.seconds_attended) for d in decisions] == [(1, 50 * 60), (2, 10 * 60)]


def test_format_credits_writes_what_people_write() -> None:
    assert [format_credits(Decimal(v)) for v in ("2", "2.50", "0.2000", "10")] == [
        "2",
        "2.5",
        "0.2",
        "10",
    ]


stays = st.lists(st.tuples(st.integers(0, 180), st.integers(1, 120)), min_size=0, max_size=4)


@given(st.lists(stays, min_size=1, max_size=4), st.randoms(use_true_random=False))
def test_decide_credits_is_deterministic_whatever_the_order(
    per_session: list[list[tuple[int, int]]], shuffler: random.Random
) -> None:
    records = []
    for index, spans in enumerate(per_session, start=1):
        facts = session(FIFTY_STEPS, id=index, name=f"S{index}", starts="10:00", ends="13:00")
        texts = []
        clock = 9 * 60
        for gap, length in spans:
            start = clock + gap
            end = start + length
            texts.append(f"{start // 60:02}:{start % 60:02}-{end // 60:02}:{end % 60:02}")
            clock = end
        records.append(record(Case(texts), facts, checkin_id=index))
    shuffled = records[:]
    shuffler.shuffle(shuffled)

    first = sorted(decide_credits(records), key=lambda d: d.checkin_id)
    second = sorted(decide_credits(shuffled), key=lambda d: d.checkin_id)

    assert first == second
    # no moment counts twice: the time counted never exceeds the time covered
    covered = set()
    for rec in records:
        for stay in rec.stays:
            assert stay.left is not None
            start = max(stay.arrived, at("10:00"))
            minute = start
            while minute < min(stay.left, at("13:00")):
                covered.add(minute)
                minute += timedelta(minutes=1)
    assert sum(d.seconds_attended for d in first) <= len(covered) * 60


@pytest.mark.parametrize(
    ("missing", "sentence"),
    [
        ((), ""),
        (("1 codeword",), "You still need 1 codeword."),
        (
            ("time in the session", "your evaluation"),
            "You still need time in the session and your evaluation.",
        ),
    ],
)
def test_still_needed_is_one_sentence(missing: tuple[str, ...], sentence: str) -> None:
    assert still_needed(missing) == sentence


@pytest.mark.parametrize(
    ("rules", "entered", "words"),
    [
        (CreditRules(codeword_rule=CodewordRule.ALL), [], "2 codewords"),
        (CreditRules(codeword_rule=CodewordRule.ALL), [(0, "10:10")], "1 more codeword"),
        (
            CreditRules(codeword_rule=CodewordRule.COUNT, codeword_minimum=Decimal(1)),
            [],
            "1 codeword",
        ),
    ],
)
def test_missing_for_counts_the_codewords_still_needed(
    rules: CreditRules, entered: list[tuple[int, str]], words: str
) -> None:
    [decision] = decide_credits(
        [record(Case(["10:00-11:00"], rules, codewords=2, entered=entered))]
    )

    assert missing_for(decision) == (words,)
