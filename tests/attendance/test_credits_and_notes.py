from __future__ import annotations

from decimal import Decimal

import pytest

from podium.attendance.errors import CheckinNotFound
from podium.attendance.service import (
    adjust_credits,
    get_checkin,
    list_attendance,
    perform_checkin,
    set_admin_note,
    set_attendee_note,
)
from podium.enums import AttendanceSource
from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Attendee, Checkin, CreditAdjustment, EventSession
from tests.attendance.helpers import count_rows


@pytest.fixture
async def checkin(uow: UnitOfWork, session: EventSession, attendee: Attendee) -> Checkin:
    return await perform_checkin(
        uow, session=session, attendee=attendee, source=AttendanceSource.WEB
    )


async def test_adjust_credits_shows_the_adjusted_credits_on_the_record(
    uow: UnitOfWork, session: EventSession, checkin: Checkin
) -> None:
    await adjust_credits(
        uow,
        checkin=checkin,
        field_of_study_name="accounting",
        credits=Decimal("0.5"),
        reason="left early",
        adjusted_by="admin@example.com",
    )

    (record,) = await list_attendance(uow, session=session)
    shown = [(f.name, f.credits, f.credits_adjusted) for f in record.fields_of_study]
    # Taxes: the credits awarded so far, none while the attendee is still in the session
    assert shown == [("Accounting", Decimal("0.5"), True), ("Taxes", Decimal(0), False)]


async def test_adjust_credits_again_replaces_the_adjustment(
    uow: UnitOfWork, session: EventSession, checkin: Checkin
) -> None:
    await adjust_credits(uow, checkin=checkin, field_of_study_name="Taxes", credits=Decimal("1"))

    adjustment = await adjust_credits(
        uow, checkin=checkin, field_of_study_name="Taxes", credits=Decimal("0"), reason=" r "
    )

    assert (adjustment.credits, adjustment.reason) == (Decimal("0"), "r")
    assert await count_rows(uow, CreditAdjustment) == 1
    (record,) = await list_attendance(uow, session=session)
    assert record.fields_of_study[1].credits == Decimal("0")


@pytest.mark.parametrize("credits", ["-1", "NaN", "Infinity", "0.00001", "100000000"])
async def test_adjust_credits_rejects_an_unusable_number(
    uow: UnitOfWork, checkin: Checkin, credits: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await adjust_credits(
            uow, checkin=checkin, field_of_study_name="Taxes", credits=Decimal(credits)
        )

    assert raised.value.field == "credits"
    assert await count_rows(uow, CreditAdjustment) == 0


async def test_adjust_credits_for_an_unknown_field_of_study_names_it(
    uow: UnitOfWork, checkin: Checkin
) -> None:
    with pytest.raises(InvalidInput) as raised:
        await adjust_credits(uow, checkin=checkin, field_of_study_name="Law", credits=Decimal(1))

    assert raised.value.field == "field_of_study"


async def test_set_notes_trims_and_unsets_on_blank(
    uow: UnitOfWork, session: EventSession, attendee: Attendee, checkin: Checkin
) -> None:
    await set_attendee_note(uow, checkin=checkin, note=" great talk ")
    await set_admin_note(uow, checkin=checkin, note="verified")
    await set_admin_note(uow, checkin=checkin, note="  ")

    record = await get_checkin(uow, session=session, attendee=attendee)
    assert (record.attendee_note, record.admin_note) == ("great talk", None)


async def test_get_checkin_without_a_record_is_not_found(
    uow: UnitOfWork, session: EventSession, attendee: Attendee
) -> None:
    with pytest.raises(CheckinNotFound):
        await get_checkin(uow, session=session, attendee=attendee)
