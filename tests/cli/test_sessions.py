"""``podium session codewords``: showing and setting a session's codewords from the command
line, in one transaction, with ``error:`` lines for what cannot be done."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from podium.attendance.service import perform_checkin, submit_codeword
from podium.credits.service import event_credit_rules, set_credit_rules
from podium.credits.types import CodewordRule, RulesChange
from podium.enums import AttendanceSource
from podium.events.service import create_event
from podium.kit.db import Database
from podium.models import Codeword, CreditAward, FieldOfStudy
from tests.cli.conftest import Cli
from tests.factories import make_attendee, make_session


async def _session(db: Database, **fields: tuple[str, list[str]]) -> str:
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="UTC")
        session = await make_session(uow, event, name="Leases", fields_of_study=fields)
        return session.public_id


async def _words(db: Database) -> dict[str, list[str]]:
    async with db.unit_of_work(write=False) as uow:
        rows = await uow.session.execute(
            select(FieldOfStudy.name, Codeword.word)
            .join(Codeword, Codeword.field_of_study_id == FieldOfStudy.id)
            .order_by(FieldOfStudy.position, Codeword.position)
        )
        words: dict[str, list[str]] = {}
        for field, word in rows:
            words.setdefault(field, []).append(word)
        return words


async def test_session_codewords_without_words_shows_them(cli: Cli, db: Database) -> None:
    session = await _session(db, Accounting=("2", ["ledger", "audit"]), Taxes=("1", []))

    every = await cli("session", "codewords", "--event", "expo", "--session", session)
    one = await cli(
        "session", "codewords", "--event", "expo", "--session", session, "--field", "accounting"
    )

    assert (every.exit_code, one.exit_code) == (0, 0)
    assert every.stdout == 'Codewords of "Leases":\n  Accounting: ledger, audit\n  Taxes: none\n'
    assert one.stdout == 'Codewords of "Leases":\n  Accounting: ledger, audit\n'


async def test_session_codewords_sets_those_of_the_only_field(cli: Cli, db: Database) -> None:
    session = await _session(db, Accounting=("2", ["ledger"]))

    result = await cli(
        "session", "codewords", "--event", "expo", "--session", session, "debit", " credit "
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        'Set the codewords of Accounting in "Leases"; credits recomputed.\n'
        'Codewords of "Leases":\n'
        "  Accounting: debit, credit\n"
    )
    assert await _words(db) == {"Accounting": ["debit", "credit"]}


async def test_session_codewords_set_recomputes_credits(cli: Cli, db: Database) -> None:
    """Alex entered "ledger" of two codewords when all were needed: no credit, until the
    organizer leaves only that one."""
    async with db.unit_of_work() as uow:
        event = await create_event(uow, uri="expo", name="Expo", timezone="UTC")
        session = await make_session(
            uow, event, name="Leases", fields_of_study={"Accounting": ("1", ["ledger", "audit"])}
        )
        await set_credit_rules(
            uow, event=event, change=RulesChange(codeword_rule=CodewordRule.ALL), actor="test"
        )
        alex = await make_attendee(uow, event)
        at = datetime(2026, 6, 1, 8, 40, tzinfo=UTC)
        await perform_checkin(
            uow, session=session, attendee=alex, source=AttendanceSource.WEB, at=at
        )
        await submit_codeword(
            uow,
            session=session,
            attendee=alex,
            field_of_study_name="Accounting",
            word="ledger",
            at=at,
        )
        assert (await event_credit_rules(uow, event=event)).codeword_rule == CodewordRule.ALL

    result = await cli(
        "session", "codewords", "--event", "expo", "--session", session.public_id, "ledger"
    )

    assert result.exit_code == 0, result.output
    async with db.unit_of_work(write=False) as uow:
        award = await uow.session.scalar(select(CreditAward))
    # still checked in: its time is not counted yet, but the codewords no longer stand in the way
    assert award is not None
    assert award.codewords_valid == award.codewords_required == 1


async def test_session_codewords_clear_removes_them(cli: Cli, db: Database) -> None:
    session = await _session(db, Accounting=("2", ["ledger"]), Taxes=("1", ["nexus"]))

    result = await cli(
        "session", "codewords", "--event", "expo", "--session", session, "--field", "Taxes",
        "--clear",
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == "  Taxes: none"
    assert await _words(db) == {"Accounting": ["ledger"]}


async def test_session_codewords_of_several_fields_needs_one_named(cli: Cli, db: Database) -> None:
    session = await _session(db, Accounting=("2", ["ledger"]), Taxes=("1", []))

    result = await cli("session", "codewords", "--event", "expo", "--session", session, "nexus")

    assert result.exit_code == 1
    assert result.stderr == (
        'error: "Leases" has several fields of study (Accounting, Taxes): name one with --field\n'
    )
    assert await _words(db) == {"Accounting": ["ledger"]}


async def test_session_codewords_errors_change_nothing(cli: Cli, db: Database) -> None:
    session = await _session(db, Accounting=("2", ["ledger"]))

    unknown_field = await cli(
        "session", "codewords", "--event", "expo", "--session", session, "--field", "Ethics",
        "debit",
    )  # fmt: skip
    blank = await cli("session", "codewords", "--event", "expo", "--session", session, " ")
    unknown_session = await cli("session", "codewords", "--event", "expo", "--session", "nope")
    both = await cli(
        "session", "codewords", "--event", "expo", "--session", session, "x", "--clear"
    )

    assert [r.exit_code for r in (unknown_field, blank, unknown_session, both)] == [1, 1, 1, 1]
    assert unknown_field.stderr == 'error: The session has no field of study named "Ethics".\n'
    assert blank.stderr == "error: words[0]: a codeword cannot be blank\n"
    assert unknown_session.stderr == 'error: There is no session with the id "nope" in this app.\n'
    assert both.stderr == "error: give the codewords or --clear, not both\n"
    assert await _words(db) == {"Accounting": ["ledger"]}


async def test_session_codewords_of_a_session_without_fields(cli: Cli, db: Database) -> None:
    session = await _session(db)

    shown = await cli("session", "codewords", "--event", "expo", "--session", session)
    set_ = await cli("session", "codewords", "--event", "expo", "--session", session, "x")

    assert (shown.exit_code, shown.stdout) == (
        0,
        '"Leases" grants no credits, so it has no codewords.\n',
    )
    assert (set_.exit_code, set_.stderr) == (
        1,
        'error: "Leases" has no field of study, so it takes no codewords\n',
    )
