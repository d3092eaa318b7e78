"""Issuing certificates from transcripts, and finding one by its number."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from podium.credits import certificates
from podium.credits.certificates import (
    CertifiedLine,
    date_range_text,
    find_certificate,
    issue_certificates,
    new_certificate_number,
    normalize_certificate_number,
    verification_url,
)
from podium.kit.db import UnitOfWork
from podium.models import Attendee, Certificate, Event, EventSession
from tests.credits.certificate_helpers import line, transcript
from tests.factories import make_attendee, make_session

ISSUED = datetime(2026, 6, 3, 22, 30, tzinfo=UTC)  # June 3 in Chicago, June 3 in UTC
LATER = datetime(2026, 6, 10, 3, 0, tzinfo=UTC)  # June 9 in Chicago


@pytest.fixture
async def event(uow: UnitOfWork, event: Event) -> Event:
    event.organizer = "Society of Example Accountants"
    event.start_date = date(2026, 6, 1)
    event.end_date = date(2026, 6, 3)
    await uow.session.flush()
    return event


@pytest.fixture
async def ethics(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(uow, event, name="Ethics in practice")


@pytest.fixture
async def taxes(uow: UnitOfWork, event: Event) -> EventSession:
    return await make_session(
        uow,
        event,
        name="Taxes for small firms",
        session_date=date(2026, 6, 2),
        start_time=time(13, 0),
        end_time=time(14, 40),
    )


async def _current(uow: UnitOfWork, attendee: Attendee) -> list[Certificate]:
    rows = await uow.session.scalars(
        select(Certificate)
        .where(Certificate.attendee_id == attendee.id, Certificate.superseded_at.is_(None))
        .order_by(Certificate.id)
    )
    return list(rows)


def test_new_certificate_number_is_readable() -> None:
    number = new_certificate_number()
    prefix, *groups = number.split("-")
    assert (prefix, [len(group) for group in groups]) == ("PDM", [4, 4, 4])
    assert not set("".join(groups)) & set("01LO")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("PDM-ABCD-EFGH-JKMN", "PDM-ABCD-EFGH-JKMN"),
        ("  pdm-abcd-efgh-jkmn ", "PDM-ABCD-EFGH-JKMN"),
        ("pdmabcdefghjkmn", "PDM-ABCD-EFGH-JKMN"),
        ("ABCD EFGH JKMN", "PDM-ABCD-EFGH-JKMN"),
        ("PDM-2ISW-5YQ6-8A4N", "PDM-2ISW-5YQ6-8A4N"),
        ("pdm-21sw-5yq6-8a4n", "PDM-2ISW-5YQ6-8A4N"),
        ("PDM-2LSW-5YQ6-8A4N", "PDM-2ISW-5YQ6-8A4N"),
        ("PDM-ABCD-EFGH", None),
        ("PDM-ABCD-EFGH-JKM!", None),
        ("", None),
    ],
)
def test_normalize_certificate_number(typed: str, expected: str | None) -> None:
    assert normalize_certificate_number(typed) == expected


def test_verification_url_joins_the_base_url_and_the_number() -> None:
    assert (
        verification_url("https://events.example.org/", "PDM-ABCD-EFGH-JKMN")
        == "https://events.example.org/certificates/PDM-ABCD-EFGH-JKMN"
    )


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (date(2026, 6, 1), date(2026, 6, 1), "June 1, 2026"),
        (date(2026, 6, 1), date(2026, 6, 3), "June 1\N{EN DASH}3, 2026"),
        (date(2026, 5, 30), date(2026, 6, 2), "May 30 \N{EN DASH} June 2, 2026"),
        (date(2026, 12, 31), date(2027, 1, 1), "December 31, 2026 \N{EN DASH} January 1, 2027"),
        (None, None, ""),
    ],
)
def test_date_range_text(start: date | None, end: date | None, text: str) -> None:
    assert date_range_text(start, end) == text


async def test_issue_certificates_combined_and_one_per_session_with_credits(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession, taxes: EventSession
) -> None:
    wanted = transcript(
        event,
        attendee,
        line(ethics, "Ethics", "1.50"),
        line(ethics, "Accounting", "0"),
        line(taxes, "Taxes", "2"),
        line(taxes, "Ethics", "0.5"),
    )

    issued = await issue_certificates(uow, event=event, transcript=wanted, at=ISSUED)

    assert [(c.session_id, c.total_credits, c.holder_name) for c in issued] == [
        (None, Decimal("4"), "Alex Example"),
        (ethics.id, Decimal("1.5"), "Alex Example"),
        (taxes.id, Decimal("2.5"), "Alex Example"),
    ]
    assert issued[1].lines == [
        {
            "session": "Ethics in practice",
            "date": "2026-06-01",
            "start": "08:30",
            "end": "09:15",
            "field_of_study": "Ethics",
            "credits": "1.5",
        }
    ]
    assert [line["field_of_study"] for line in issued[0].lines] == ["Ethics", "Taxes", "Ethics"]
    assert len({c.number for c in issued}) == 3
    assert await _current(uow, attendee) == issued


async def test_issue_certificates_nothing_without_credits(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession
) -> None:
    wanted = transcript(event, attendee, line(ethics, "Ethics", "0"))

    assert await issue_certificates(uow, event=event, transcript=wanted, at=ISSUED) == []
    assert await _current(uow, attendee) == []


async def test_issue_certificates_again_keeps_the_same_certificates(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession, taxes: EventSession
) -> None:
    wanted = transcript(event, attendee, line(ethics, "Ethics", "1.5"), line(taxes, "Taxes", "2"))
    first = await issue_certificates(uow, event=event, transcript=wanted, at=ISSUED)
    numbers = [c.number for c in first]

    again = await issue_certificates(uow, event=event, transcript=wanted, at=LATER)

    assert [c.number for c in again] == numbers
    assert [c.issued_at for c in again] == [ISSUED] * 3
    assert await uow.session.scalar(select(func.count(Certificate.id))) == 3


async def test_issue_certificates_supersedes_what_changed(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession, taxes: EventSession
) -> None:
    before = await issue_certificates(
        uow,
        event=event,
        transcript=transcript(
            event, attendee, line(ethics, "Ethics", "1.5"), line(taxes, "Taxes", "2")
        ),
        at=ISSUED,
    )
    combined, ethics_certificate, taxes_certificate = before

    # an administrator raised the taxes credits: the event's and taxes' certificates change
    after = await issue_certificates(
        uow,
        event=event,
        transcript=transcript(
            event, attendee, line(ethics, "Ethics", "1.5"), line(taxes, "Taxes", "2.5")
        ),
        at=LATER,
    )

    assert after[1] is ethics_certificate
    assert (after[0].number, after[2].number) != (combined.number, taxes_certificate.number)
    assert (after[0].total_credits, after[2].total_credits) == (Decimal("4"), Decimal("2.5"))
    assert (combined.superseded_at, taxes_certificate.superseded_at) == (LATER, LATER)
    assert ethics_certificate.superseded_at is None
    assert await _current(uow, attendee) == sorted(after, key=lambda c: c.id)


async def test_issue_certificates_supersedes_a_session_without_credits_any_more(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession, taxes: EventSession
) -> None:
    _combined, _ethics, taxes_certificate = await issue_certificates(
        uow,
        event=event,
        transcript=transcript(
            event, attendee, line(ethics, "Ethics", "1.5"), line(taxes, "Taxes", "2")
        ),
        at=ISSUED,
    )

    after = await issue_certificates(
        uow,
        event=event,
        transcript=transcript(
            event, attendee, line(ethics, "Ethics", "1.5"), line(taxes, "Taxes", "0")
        ),
        at=LATER,
    )

    assert [c.session_id for c in after] == [None, ethics.id]
    assert taxes_certificate.superseded_at == LATER


async def test_issue_certificates_a_new_name_makes_new_certificates(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession
) -> None:
    lines = (line(ethics, "Ethics", "1.5"),)
    (old, _) = await issue_certificates(
        uow, event=event, transcript=transcript(event, attendee, *lines), at=ISSUED
    )

    (new, _) = await issue_certificates(
        uow,
        event=event,
        transcript=transcript(event, attendee, *lines, name="Alexandra Example"),
        at=LATER,
    )

    assert (new.holder_name, old.superseded_at) == ("Alexandra Example", LATER)


async def test_issue_certificates_keeps_attendees_apart(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession
) -> None:
    other = await make_attendee(uow, event, first_name="Zoë", last_name="Ångström", email="z@x.org")
    mine = await issue_certificates(
        uow, event=event, transcript=transcript(event, attendee, line(ethics, "Ethics", "1")),
        at=ISSUED,
    )  # fmt: skip

    theirs = await issue_certificates(
        uow, event=event, transcript=transcript(event, other, line(ethics, "Ethics", "2")),
        at=LATER,
    )  # fmt: skip

    assert [c.superseded_at for c in mine] == [None, None]
    assert [c.attendee_id for c in theirs] == [other.id, other.id]


async def test_issue_certificates_draws_a_number_again_on_a_clash(
    uow: UnitOfWork,
    event: Event,
    attendee: Attendee,
    ethics: EventSession,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (taken, _) = await issue_certificates(
        uow, event=event, transcript=transcript(event, attendee, line(ethics, "Ethics", "1")),
        at=ISSUED,
    )  # fmt: skip
    other = await make_attendee(uow, event, email="other@example.com")
    draws = iter([taken.number, taken.number, "PDM-2222-3333-4444", "PDM-5555-6666-7777"])
    monkeypatch.setattr(certificates, "new_certificate_number", lambda: next(draws))

    issued = await issue_certificates(
        uow, event=event, transcript=transcript(event, other, line(ethics, "Ethics", "1")),
        at=ISSUED,
    )  # fmt: skip

    assert sorted(c.number for c in issued) == ["PDM-2222-3333-4444", "PDM-5555-6666-7777"]


async def test_find_certificate_says_what_it_certifies(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession, taxes: EventSession
) -> None:
    combined, _ethics, taxes_certificate = await issue_certificates(
        uow,
        event=event,
        transcript=transcript(
            event, attendee, line(ethics, "Ethics", "1.5"), line(taxes, "Taxes", "2")
        ),
        at=ISSUED,
    )
    await uow.commit()

    found = await find_certificate(uow, number=f" {combined.number.lower().replace('-', '')} ")

    assert found is not None
    assert (found.number, found.holder_name, found.event_name, found.organizer) == (
        combined.number,
        "Alex Example",
        "Example Event",
        "Society of Example Accountants",
    )
    assert (found.start_date, found.end_date, found.session) == (
        date(2026, 6, 1),
        date(2026, 6, 3),
        None,
    )
    assert found.lines == (
        CertifiedLine(
            session="Ethics in practice",
            date=date(2026, 6, 1),
            start_time=time(8, 30),
            end_time=time(9, 15),
            field_of_study="Ethics",
            credits=Decimal("1.5"),
        ),
        CertifiedLine(
            session="Taxes for small firms",
            date=date(2026, 6, 2),
            start_time=time(13, 0),
            end_time=time(14, 40),
            field_of_study="Taxes",
            credits=Decimal("2"),
        ),
    )
    assert (found.totals, found.total) == (
        (("Ethics", Decimal("1.5")), ("Taxes", Decimal("2"))),
        Decimal("3.5"),
    )
    assert (found.issued_on, found.superseded) == (date(2026, 6, 3), False)

    session_view = await find_certificate(uow, number=taxes_certificate.number)
    assert session_view is not None and session_view.session is not None
    assert (session_view.session.name, session_view.session.start_time) == (
        "Taxes for small firms",
        time(13, 0),
    )


async def test_find_certificate_superseded_says_when(
    uow: UnitOfWork, event: Event, attendee: Attendee, ethics: EventSession
) -> None:
    (old, _) = await issue_certificates(
        uow, event=event, transcript=transcript(event, attendee, line(ethics, "Ethics", "1")),
        at=ISSUED,
    )  # fmt: skip
    await issue_certificates(
        uow, event=event, transcript=transcript(event, attendee, line(ethics, "Ethics", "2")),
        at=LATER,
    )  # fmt: skip
    await uow.commit()

    found = await find_certificate(uow, number=old.number)

    assert found is not None
    assert (found.superseded, found.superseded_on, found.total) == (
        True,
        date(2026, 6, 9),
        Decimal("1"),
    )


@pytest.mark.parametrize("number", ["PDM-ABCD-EFGH-JKMN", "nonsense", ""])
async def test_find_certificate_unknown_number(uow: UnitOfWork, number: str) -> None:
    assert await find_certificate(uow, number=number) is None
