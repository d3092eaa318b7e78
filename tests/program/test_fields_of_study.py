from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select, text

from podium.kit.db import UnitOfWork
from podium.kit.errors import InvalidInput
from podium.models import Codeword, Event, EventSession, FieldOfStudy
from podium.program import service
from podium.program.errors import FieldOfStudyNotFound
from podium.program.types import FieldOfStudyDraft, SessionChanges, SessionDraft
from tests.program.helpers import count_rows, fields, reloaded


def _fields(*pairs: tuple[str, str]) -> list[FieldOfStudyDraft]:
    return [FieldOfStudyDraft(name=name, credits=Decimal(credits)) for name, credits in pairs]


async def _session(uow: UnitOfWork, event: Event, *pairs: tuple[str, str]) -> EventSession:
    session = await service.create_session(
        uow, event=event, draft=SessionDraft(name="Talk", fields_of_study=_fields(*pairs))
    )
    return await reloaded(uow, session)


def _codewords(session: EventSession) -> dict[str, list[str]]:
    return {field.name: [c.word for c in field.codewords] for field in session.fields_of_study}


async def test_fields_of_study_are_stored_in_order_with_decimal_credits(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Tax", "0.25"), ("Accounting", "2"), ("Ethics", "0"))

    assert fields(session) == [("Tax", "0.25"), ("Accounting", "2"), ("Ethics", "0")]
    assert session.fields_of_study[0].credits == Decimal("0.25")


async def test_fields_of_study_left_out_of_an_update_do_not_change(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Ethics", "1"))

    await service.update_session(
        uow, event=event, session=session, changes=SessionChanges(name="Renamed")
    )

    assert fields(await reloaded(uow, session)) == [("Ethics", "1")]


async def test_fields_of_study_replacement_keeps_codewords_of_a_name_that_stays(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Ethics", "1"), ("Tax", "2"))
    await service.set_codewords(uow, session=session, field_of_study_name="Ethics", words=["a"])
    await service.set_codewords(uow, session=session, field_of_study_name="Tax", words=["b"])
    ethics_id = session.fields_of_study[0].id

    await service.update_session(
        uow,
        event=event,
        session=session,
        changes=SessionChanges(fields_of_study=_fields(("Audit", "3"), ("ETHICS", "1.5"))),
    )

    session = await reloaded(uow, session)
    assert fields(session) == [("Audit", "3"), ("ETHICS", "1.5")]
    assert _codewords(session) == {"Audit": [], "ETHICS": ["a"]}
    assert session.fields_of_study[1].id == ethics_id
    assert await count_rows(uow, Codeword) == 1


async def test_fields_of_study_empty_list_removes_them_all(uow: UnitOfWork, event: Event) -> None:
    session = await _session(uow, event, ("Ethics", "1"))

    await service.update_session(
        uow, event=event, session=session, changes=SessionChanges(fields_of_study=[])
    )

    assert fields(await reloaded(uow, session)) == []
    assert await count_rows(uow, FieldOfStudy) == 0


@pytest.mark.parametrize(
    ("pairs", "message"),
    [
        ((("", "1"),), "fields_of_study[0].name:"),
        ((("Ethics", "1"), ("Tax", "-1")), "fields_of_study[1].credits:"),
        ((("Ethics", "0.00001"),), "fields_of_study[0].credits:"),
        ((("Ethics", "100000000"),), "fields_of_study[0].credits:"),
        ((("Ethics", "NaN"),), "fields_of_study[0].credits:"),
        ((("Ethics", "Infinity"),), "fields_of_study[0].credits:"),
        ((("Ethics", "1"), ("ethics ", "2")), "fields_of_study[1].name:"),
    ],
)
async def test_fields_of_study_that_cannot_be_stored_are_refused(
    uow: UnitOfWork, event: Event, pairs: tuple[tuple[str, str], ...], message: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        await _session(uow, event, *pairs)

    assert caught.value.message.startswith(message)
    assert await count_rows(uow, EventSession) == 0


async def test_fields_of_study_credits_are_stored_without_an_exponent(
    uow: UnitOfWork, event: Event
) -> None:
    await _session(uow, event, ("Ethics", "1E+2"), ("Tax", "2.500"))

    stored = await uow.session.scalars(
        text("SELECT credits FROM fields_of_study ORDER BY position")
    )
    assert [Decimal(str(value)) for value in stored] == [Decimal(100), Decimal("2.5")]
    stored = await uow.session.scalars(text("SELECT credits FROM fields_of_study"))
    assert [str(value) for value in stored if "E" in str(value)] == []


async def test_set_codewords_trims_deduplicates_and_keeps_order(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Ethics", "1"))

    field = await service.set_codewords(
        uow,
        session=session,
        field_of_study_name=" ethics ",
        words=[" Falcon ", "harbor", "FALCON", "Zebra"],
    )

    assert [c.word for c in field.codewords] == ["Falcon", "harbor", "Zebra"]
    assert _codewords(await reloaded(uow, session)) == {"Ethics": ["Falcon", "harbor", "Zebra"]}


async def test_set_codewords_keeps_the_rows_of_words_that_stay(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Ethics", "1"))
    field = await service.set_codewords(
        uow, session=session, field_of_study_name="Ethics", words=["one", "two"]
    )
    two_id = field.codewords[1].id

    field = await service.set_codewords(
        uow, session=session, field_of_study_name="Ethics", words=["TWO", "three"]
    )

    rows = list(await uow.session.scalars(select(Codeword).order_by(Codeword.position)))
    assert [(c.word, c.position) for c in rows] == [("TWO", 0), ("three", 1)]
    assert rows[0].id == two_id


async def test_set_codewords_with_no_words_removes_them(uow: UnitOfWork, event: Event) -> None:
    session = await _session(uow, event, ("Ethics", "1"))
    await service.set_codewords(uow, session=session, field_of_study_name="Ethics", words=["a"])

    await service.set_codewords(uow, session=session, field_of_study_name="Ethics", words=[])

    assert await count_rows(uow, Codeword) == 0


async def test_set_codewords_refuses_a_blank_word_and_changes_nothing(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Ethics", "1"))
    await service.set_codewords(uow, session=session, field_of_study_name="Ethics", words=["a"])

    with pytest.raises(InvalidInput) as caught:
        await service.set_codewords(
            uow, session=session, field_of_study_name="Ethics", words=["b", "  "]
        )

    assert caught.value.message == "words[1]: a codeword cannot be blank"
    assert _codewords(await reloaded(uow, session)) == {"Ethics": ["a"]}


async def test_set_codewords_of_an_unknown_field_of_study_is_not_found(
    uow: UnitOfWork, event: Event
) -> None:
    session = await _session(uow, event, ("Ethics", "1"))

    with pytest.raises(FieldOfStudyNotFound):
        await service.set_codewords(uow, session=session, field_of_study_name="Tax", words=["a"])
