"""Announcing codewords, and which ones the screen shows."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from podium.kit.db import UnitOfWork
from podium.kit.errors import ErrorKind
from podium.models import Event, EventSession
from podium.program.announcements import (
    AnnouncedCodeword,
    CodewordNotFound,
    announce_codeword,
    latest_announcements,
)
from podium.program.errors import FieldOfStudyNotFound
from podium.program.service import load_session
from tests.factories import make_session
from tests.live.conftest import RecordingBroker

NINE = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
TEN = datetime(2026, 6, 1, 15, 0, tzinfo=UTC)


@pytest.fixture
async def session(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(
        uow,
        event,
        fields_of_study={"Accounting": ("2", ["code1", "Code2"]), "Taxes": ("1.5", ["code5"])},
    )


async def _reloaded(uow: UnitOfWork, event: Event, session: EventSession) -> EventSession:
    return await load_session(uow, event=event, public_id=session.public_id, with_codewords=True)


async def test_announce_codeword_records_when_matching_in_any_case(
    uow: UnitOfWork, session: EventSession
) -> None:
    codeword = await announce_codeword(
        uow, session=session, field_of_study_name=" accounting ", word="CODE2", at=NINE
    )

    assert (codeword.word, codeword.announced_at) == ("Code2", NINE)


async def test_announce_codeword_broadcasts_the_field_not_the_word(
    uow: UnitOfWork, session: EventSession
) -> None:
    broker = RecordingBroker()
    uow.broker = broker

    await announce_codeword(uow, session=session, field_of_study_name="Taxes", word="code5")
    sent_before_commit = list(broker.published)
    await uow.commit()

    assert (sent_before_commit, broker.published) == (
        [],
        [
            (
                f"session:{session.public_id}",
                {"type": "codeword.announced", "field_of_study": "Taxes"},
            )
        ],
    )


@pytest.mark.parametrize(
    ("field", "word", "error"),
    [
        ("Law", "code1", FieldOfStudyNotFound),
        ("Accounting", "code5", CodewordNotFound),
        ("Accounting", "", CodewordNotFound),
    ],
)
async def test_announce_codeword_refuses_what_the_session_does_not_have(
    uow: UnitOfWork, session: EventSession, field: str, word: str, error: type[Exception]
) -> None:
    with pytest.raises(error) as caught:
        await announce_codeword(uow, session=session, field_of_study_name=field, word=word)

    assert getattr(caught.value, "kind", None) == ErrorKind.NOT_FOUND


async def test_announce_codeword_of_another_session_is_not_found(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    other = await make_session(uow, event, name="Other", fields_of_study={"Law": ("1", ["x"])})

    with pytest.raises(FieldOfStudyNotFound):
        await announce_codeword(uow, session=session, field_of_study_name="Law", word="x")
    assert (await _reloaded(uow, event, other)).fields_of_study[0].codewords[0].announced_at is None


async def test_latest_announcements_gives_each_field_its_last_announced_codeword(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    await announce_codeword(
        uow, session=session, field_of_study_name="Accounting", word="Code2", at=TEN
    )
    await announce_codeword(
        uow, session=session, field_of_study_name="Accounting", word="code1", at=NINE
    )

    latest = latest_announcements(await _reloaded(uow, event, session))

    assert latest == [
        AnnouncedCodeword(field_of_study="Accounting", word="Code2", announced_at=TEN)
    ]


async def test_latest_announcements_follows_a_repeated_announcement(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    await announce_codeword(
        uow, session=session, field_of_study_name="Accounting", word="code1", at=NINE
    )
    await announce_codeword(
        uow, session=session, field_of_study_name="Accounting", word="Code2", at=NINE
    )
    await announce_codeword(
        uow, session=session, field_of_study_name="Accounting", word="code1", at=TEN
    )
    await announce_codeword(
        uow, session=session, field_of_study_name="Taxes", word="code5", at=NINE
    )

    latest = latest_announcements(await _reloaded(uow, event, session))

    assert latest == [
        AnnouncedCodeword(field_of_study="Accounting", word="code1", announced_at=TEN),
        AnnouncedCodeword(field_of_study="Taxes", word="code5", announced_at=NINE),
    ]


async def test_latest_announcements_is_empty_before_any_announcement(
    uow: UnitOfWork, event: Event, session: EventSession
) -> None:
    assert latest_announcements(await _reloaded(uow, event, session)) == []
