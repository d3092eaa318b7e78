"""credit_at_stake: what checking out of a session that has not ended loses, decided by the
engine for leaving now and for staying to the end."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from podium.credits.early_checkout import credit_at_stake
from podium.credits.types import CreditAtStake, CreditRules, EvaluationRule, FieldFacts

STARTS = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)
ENDS = datetime(2026, 6, 1, 16, 0, tzinfo=UTC)
HALVES = CreditRules(minutes_per_credit=60, partial_credit_step=Decimal("0.5"))


def at(minutes: int) -> datetime:
    return datetime(2026, 6, 1, 15, minutes, tzinfo=UTC)


def _field(name: str = "Accounting", credits: str = "2", field_id: int = 1) -> FieldFacts:
    return FieldFacts(id=field_id, name=name, credits=Decimal(credits), codeword_ids=())


def _stake(
    history: list[tuple[str, datetime]],
    now: datetime,
    *,
    rules: CreditRules = HALVES,
    fields: list[FieldFacts] | None = None,
    starts: datetime | None = STARTS,
    ends: datetime | None = ENDS,
) -> tuple[CreditAtStake, ...]:
    return credit_at_stake(
        checkin_id=9,
        session_id=2,
        session_name="Lease accounting",
        starts_at=starts,
        ends_at=ends,
        rules=rules,
        fields=fields if fields is not None else [_field()],
        history=history,
        submissions=[],
        now=now,
    )


def test_credit_at_stake_compares_leaving_now_with_staying_to_the_end() -> None:
    stake = _stake([("checkin", at(0))], at(20))

    # 20 minutes earn no half credit yet; the full hour earns 1 of the 2
    assert stake == (
        CreditAtStake(
            field_of_study="Accounting", possible=Decimal(2), now=Decimal(0), at_end=Decimal(1)
        ),
    )


def test_credit_at_stake_counts_every_stay_of_the_record() -> None:
    history = [("checkin", at(0)), ("checkout", at(10)), ("checkin", at(40))]

    rules = CreditRules(minutes_per_credit=30, partial_credit_step=Decimal("0.5"))

    stake = _stake(history, at(50), rules=rules, fields=[_field(credits="1")])

    # 10 + 10 minutes now (two thirds of a credit: 0.5), 10 + 20 at the end (1)
    assert [(item.now, item.at_end) for item in stake] == [(Decimal("0.5"), Decimal(1))]


def test_credit_at_stake_names_only_the_fields_that_lose() -> None:
    fields = [_field("Accounting", "2", 1), _field("Ethics", "0.5", 2)]

    stake = _stake([("checkin", at(0))], at(35), fields=fields)

    # 35 minutes already earn Ethics' half credit in full; Accounting's 2 need two hours
    assert [(item.field_of_study, item.now, item.at_end) for item in stake] == [
        ("Accounting", Decimal("0.5"), Decimal(1))
    ]


def test_credit_at_stake_counts_the_evaluation_as_submitted() -> None:
    rules = CreditRules(
        minutes_per_credit=60,
        partial_credit_step=Decimal("0.5"),
        evaluation_rule=EvaluationRule.FOR_CREDIT,
    )

    stake = _stake([("checkin", at(0))], at(30), rules=rules)

    assert [(item.now, item.at_end) for item in stake] == [(Decimal("0.5"), Decimal(1))]


def test_credit_at_stake_is_nothing_when_any_time_earns_the_full_credit() -> None:
    assert _stake([("checkin", at(0))], at(30), rules=CreditRules()) == ()


def test_credit_at_stake_is_nothing_within_the_early_checkout_allowance() -> None:
    rules = CreditRules(minutes_per_credit=60, early_checkout_minutes=15)

    assert _stake([("checkin", at(0))], at(50), rules=rules) == ()


def test_credit_at_stake_is_nothing_for_a_record_checked_out() -> None:
    assert _stake([("checkin", at(0)), ("checkout", at(10))], at(20)) == ()


def test_credit_at_stake_is_nothing_once_the_session_has_ended() -> None:
    assert _stake([("checkin", at(0))], ENDS) == ()


def test_credit_at_stake_is_nothing_for_a_session_without_hours() -> None:
    assert _stake([("checkin", at(0))], at(20), starts=None, ends=None) == ()


def test_credit_at_stake_before_the_start_counts_nothing_for_leaving_now() -> None:
    early = datetime(2026, 6, 1, 14, 50, tzinfo=UTC)

    stake = _stake([("checkin", early)], datetime(2026, 6, 1, 14, 55, tzinfo=UTC))

    assert [(item.now, item.at_end) for item in stake] == [(Decimal(0), Decimal(1))]
