"""The rules of credit: an event's, a session's exceptions, and the rules that result."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy import bindparam, literal, select

from podium.credits.types import (
    UNCHANGED,
    CodewordRule,
    CreditRules,
    EvaluationRule,
    RulesChange,
)
from podium.kit.choices import parse_choice
from podium.kit.errors import InvalidInput
from podium.kit.writer import Work
from podium.models import EventCreditRules, SessionCreditRules

RULE_FIELDS = (
    "minutes_per_credit",
    "partial_credit_step",
    "codeword_rule",
    "codeword_minimum",
    "evaluation_rule",
    "late_checkin_minutes",
    "early_checkout_minutes",
)
DEFAULT_RULES = CreditRules()
EVENT_RULE_COLUMNS = [getattr(EventCreditRules, name) for name in RULE_FIELDS]
SESSION_RULE_COLUMNS = [getattr(SessionCreditRules, name) for name in RULE_FIELDS]

_MAX_MINUTES = 24 * 60
_MAX_ALLOWANCE = 240


def resolve_rules(
    event_rules: EventCreditRules | None, session_rules: SessionCreditRules | None
) -> CreditRules:
    """The rules a session's credit is decided by: each rule the session sets, else the event's,
    else the default."""
    return combine_rules(_values(event_rules), _values(session_rules))


def combine_rules(
    event_values: Mapping[str, Any], session_values: Mapping[str, Any]
) -> CreditRules:
    """:func:`resolve_rules` from stored values by name (``RULE_FIELDS``; None: not set)."""
    values: dict[str, Any] = {}
    for name in RULE_FIELDS:
        value = session_values.get(name)
        if value is None:
            value = event_values.get(name)
        if value is not None:
            values[name] = value
    return rules_from(values)


# built once: a statement made anew for every read costs more to make than to run
_SESSION_RULES = (
    select(literal(True), *SESSION_RULE_COLUMNS)
    .where(SessionCreditRules.session_id == bindparam("session_id"))
    .union_all(
        select(literal(False), *EVENT_RULE_COLUMNS).where(
            EventCreditRules.event_id == bindparam("event_id")
        )
    )
)


def session_rules(work: Work, *, event_id: int, session_id: int) -> CreditRules:
    """:func:`resolve_rules` of a session, read in a job: one query."""
    found = work.connection.execute(
        _SESSION_RULES, {"session_id": session_id, "event_id": event_id}
    ).all()
    values = {own: dict(zip(RULE_FIELDS, row, strict=True)) for own, *row in found}
    return combine_rules(values.get(False, {}), values.get(True, {}))


def _values(row: EventCreditRules | SessionCreditRules | None) -> dict[str, Any]:
    return {name: getattr(row, name) for name in RULE_FIELDS} if row is not None else {}


def rules_from(values: dict[str, Any]) -> CreditRules:
    """CreditRules from stored values (names of ``RULE_FIELDS``; missing ones default)."""
    rules: dict[str, Any] = dict(values)
    if "codeword_rule" in rules:
        rules["codeword_rule"] = CodewordRule(rules["codeword_rule"])
    if "evaluation_rule" in rules:
        rules["evaluation_rule"] = EvaluationRule(rules["evaluation_rule"])
    return CreditRules(**rules)


def apply_change(row: EventCreditRules | SessionCreditRules, change: RulesChange) -> dict[str, Any]:
    """Check ``change`` and write it on ``row``; what changed as ``{name: [old, new]}`` (JSON
    values). InvalidInput naming the first bad rule."""
    values = _checked(change)
    merged = {name: values.get(name, getattr(row, name)) for name in RULE_FIELDS}
    _check_codeword_minimum(merged)
    changed: dict[str, Any] = {}
    for name, value in values.items():
        old = getattr(row, name)
        if old != value:
            changed[name] = [_json(old), _json(value)]
            setattr(row, name, value)
    return changed


def describe(rules: CreditRules) -> list[str]:
    """The rules in sentences, for people (the CLI, the transcript page)."""
    lines = []
    if rules.minutes_per_credit is None:
        lines.append("Any time in the session earns its full credits.")
    else:
        step = rules.partial_credit_step
        partial = (
            f"partial credit in steps of {step.normalize():f}" if step > 0 else "no partial credit"
        )
        lines.append(f"{rules.minutes_per_credit} minutes in the session per credit; {partial}.")
    if rules.codeword_rule == CodewordRule.ALL:
        lines.append("Every codeword of a field of study must be entered.")
    elif rules.codeword_rule == CodewordRule.COUNT:
        lines.append(f"At least {rules.codeword_minimum.normalize():f} codewords per field.")
    elif rules.codeword_rule == CodewordRule.RATIO:
        share = (rules.codeword_minimum * 100).normalize()
        lines.append(f"At least {share:f}% of a field's codewords must be entered.")
    if rules.evaluation_rule == EvaluationRule.FOR_CREDIT:
        lines.append("The evaluation must be submitted for credit.")
    elif rules.evaluation_rule == EvaluationRule.FOR_CHECKOUT:
        lines.append("The evaluation must be submitted before checking out, and for credit.")
    if rules.late_checkin_minutes:
        lines.append(
            f"A check-in up to {rules.late_checkin_minutes} minutes late counts from the start."
        )
    if rules.early_checkout_minutes:
        lines.append(
            f"A check-out up to {rules.early_checkout_minutes} minutes early counts to the end."
        )
    return lines


def _checked(change: RulesChange) -> dict[str, Any]:
    values: dict[str, Any] = {}
    minutes = change.minutes_per_credit
    if minutes is not UNCHANGED:
        if minutes is not None and not 1 <= minutes <= _MAX_MINUTES:
            raise InvalidInput(
                f"minutes_per_credit: {minutes} is not a number of minutes from 1 to "
                f"{_MAX_MINUTES}",
                field="minutes_per_credit",
            )
        values["minutes_per_credit"] = minutes
    step = change.partial_credit_step
    if step is not UNCHANGED:
        if step is not None:
            _check_decimal(step, "partial_credit_step", low=Decimal(0), high=Decimal(100))
        values["partial_credit_step"] = step
    rule = change.codeword_rule
    if rule is not UNCHANGED:
        values["codeword_rule"] = (
            str(parse_choice(CodewordRule, rule, field="codeword_rule", noun="a codeword rule"))
            if rule is not None
            else None
        )
    minimum = change.codeword_minimum
    if minimum is not UNCHANGED:
        if minimum is not None:
            _check_decimal(minimum, "codeword_minimum", low=Decimal(0), high=Decimal(1000))
        values["codeword_minimum"] = minimum
    evaluation = change.evaluation_rule
    if evaluation is not UNCHANGED:
        values["evaluation_rule"] = (
            str(
                parse_choice(
                    EvaluationRule, evaluation, field="evaluation_rule", noun="an evaluation rule"
                )
            )
            if evaluation is not None
            else None
        )
    for name in ("late_checkin_minutes", "early_checkout_minutes"):
        allowance = getattr(change, name)
        if allowance is UNCHANGED:
            continue
        if allowance is not None and not 0 <= allowance <= _MAX_ALLOWANCE:
            raise InvalidInput(
                f"{name}: {allowance} is not a number of minutes from 0 to {_MAX_ALLOWANCE}",
                field=name,
            )
        values[name] = allowance
    return values


def _check_codeword_minimum(values: dict[str, Any]) -> None:
    rule, minimum = values.get("codeword_rule"), values.get("codeword_minimum")
    if rule == CodewordRule.COUNT and (minimum is None or minimum < 1 or minimum != int(minimum)):
        raise InvalidInput(
            "codeword_minimum: a count of codewords needs a whole number of at least 1 "
            "(e.g. 2 for two codewords)",
            field="codeword_minimum",
        )
    if rule == CodewordRule.RATIO and (minimum is None or not 0 < minimum <= 1):
        raise InvalidInput(
            "codeword_minimum: a share of codewords needs a number above 0 and at most 1 "
            "(e.g. 0.75 for three quarters)",
            field="codeword_minimum",
        )


def _check_decimal(value: Decimal, name: str, *, low: Decimal, high: Decimal) -> None:
    exponent = value.normalize().as_tuple().exponent if value.is_finite() else None
    if (
        exponent is None
        or not low <= value <= high
        or (isinstance(exponent, int) and exponent < -4)
    ):
        raise InvalidInput(
            f"{name}: {value} is not a number from {low} to {high} with at most 4 decimals",
            field=name,
        )


def _json(value: Any) -> Any:
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    return value
