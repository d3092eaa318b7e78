from __future__ import annotations

import pytest
from sqlalchemy import select

from podium.attendance.errors import NotCheckedIn
from podium.attendance.service import perform_checkin, perform_checkout, submit_codeword
from podium.attendance.types import CodewordResult, CodewordTally
from podium.enums import AttendanceSource
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Attendee, CodewordSubmission, EventSession
from tests.attendance.helpers import count_rows

WEB = AttendanceSource.WEB


@pytest.fixture
async def checked_in(uow: UnitOfWork, session: EventSession, attendee: Attendee) -> Attendee:
    await perform_checkin(uow, session=session, attendee=attendee, source=WEB)
    return attendee


async def test_submit_codeword_accepts_a_valid_word_and_counts_it(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    result = await submit_codeword(
        uow, session=session, attendee=checked_in, field_of_study_name="Accounting", word="code1"
    )

    assert result == CodewordResult(
        accepted=True,
        already_submitted=False,
        field_of_study="Accounting",
        codewords=CodewordTally(possible=2, valid=("code1",), missed=("Code2",)),
    )


async def test_submit_codeword_matches_trimmed_and_case_insensitively_keeping_the_spelling(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    result = await submit_codeword(
        uow,
        session=session,
        attendee=checked_in,
        field_of_study_name=" accounting ",
        word=" CODE2 ",
    )

    assert result.accepted is True
    assert result.codewords == CodewordTally(possible=2, valid=("Code2",), missed=("code1",))


async def test_submit_codeword_records_a_wrong_word_without_accepting_it(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    result = await submit_codeword(
        uow, session=session, attendee=checked_in, field_of_study_name="Accounting", word="nope"
    )

    assert (result.accepted, result.already_submitted) == (False, False)
    assert result.codewords == CodewordTally(possible=2, valid=(), missed=("code1", "Code2"))
    rows = list(await uow.session.scalars(select(CodewordSubmission)))
    assert [(row.text, row.codeword_id) for row in rows] == [("nope", None)]


async def test_submit_codeword_keeps_every_wrong_attempt(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    for _ in range(3):
        await submit_codeword(
            uow, session=session, attendee=checked_in, field_of_study_name="Taxes", word="nope"
        )

    assert await count_rows(uow, CodewordSubmission) == 3


async def test_submit_codeword_twice_does_not_duplicate_it(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    await submit_codeword(
        uow, session=session, attendee=checked_in, field_of_study_name="Accounting", word="code1"
    )

    again = await submit_codeword(
        uow, session=session, attendee=checked_in, field_of_study_name="Accounting", word="CODE1"
    )

    assert (again.accepted, again.already_submitted) == (True, True)
    assert again.codewords.valid == ("code1",)
    assert await count_rows(uow, CodewordSubmission) == 1


async def test_submit_codeword_replaying_a_nonce_returns_the_first_result_and_creates_nothing(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    first = await submit_codeword(
        uow,
        session=session,
        attendee=checked_in,
        field_of_study_name="Accounting",
        word="wrong",
        nonce="n-1",
    )

    replay = await submit_codeword(
        uow,
        session=session,
        attendee=checked_in,
        field_of_study_name="Accounting",
        word="wrong",
        nonce="n-1",
    )

    assert replay == first
    assert await count_rows(uow, CodewordSubmission) == 1


async def test_submit_codeword_tallies_each_field_separately(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    await submit_codeword(
        uow, session=session, attendee=checked_in, field_of_study_name="Accounting", word="code1"
    )

    taxes = await submit_codeword(
        uow, session=session, attendee=checked_in, field_of_study_name="Taxes", word="code1"
    )

    assert taxes.accepted is False
    assert taxes.codewords == CodewordTally(possible=1, valid=(), missed=("code5",))


async def test_submit_codeword_for_an_unknown_field_of_study_names_it(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await submit_codeword(
            uow, session=session, attendee=checked_in, field_of_study_name="Law", word="code1"
        )

    assert raised.value.field == "field_of_study"
    assert '"Law"' in raised.value.message
    assert await count_rows(uow, CodewordSubmission) == 0


async def test_submit_codeword_blank_is_invalid(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await submit_codeword(
            uow, session=session, attendee=checked_in, field_of_study_name="Taxes", word="  "
        )

    assert raised.value.field == "word"


async def test_submit_codeword_without_a_checkin_is_refused(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    with pytest.raises(NotCheckedIn):
        await submit_codeword(
            uow, session=session, attendee=attendee, field_of_study_name="Taxes", word="code5"
        )


async def test_submit_codeword_after_checking_out_is_refused(
    uow: UnitOfWork, session: EventSession, checked_in: Attendee
) -> None:
    await perform_checkout(uow, session=session, attendee=checked_in, source=WEB)

    with pytest.raises(NotCheckedIn):
        await submit_codeword(
            uow, session=session, attendee=checked_in, field_of_study_name="Taxes", word="code5"
        )

    assert await count_rows(uow, CodewordSubmission) == 0
