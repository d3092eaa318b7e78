"""Printed certificates: real PDFs, read back (text with pypdf, the QR code through PDFium and
zxing-cpp)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest

from podium.credits import certificate_pdf
from podium.credits.certificate_pdf import render_certificate, windows_1252_text
from podium.credits.certificates import CertificateView, CertifiedLine, CertifiedSession
from tests.credits.certificate_helpers import pdf_pages, pdf_text, qr_codes

URL = "https://events.example.org/certificates/PDM-7KQX-M4TZ-9HWC"


def certified(session: str, day: int, field: str, credits: str, hour: int = 9) -> CertifiedLine:
    return CertifiedLine(
        session=session,
        date=date(2026, 6, day),
        start_time=time(hour, 0),
        end_time=time(hour, 50),
        field_of_study=field,
        credits=Decimal(credits),
    )


def view(*lines: CertifiedLine, **changes: object) -> CertificateView:
    totals: dict[str, Decimal] = {}
    for line in lines:
        totals[line.field_of_study] = totals.get(line.field_of_study, Decimal(0)) + line.credits
    certificate = CertificateView(
        number="PDM-7KQX-M4TZ-9HWC",
        holder_name="Alex Example",
        event_name="Example Accounting Conference",
        organizer="Society of Example Accountants",
        start_date=date(2026, 6, 1),
        end_date=date(2026, 6, 3),
        session=None,
        lines=lines,
        totals=tuple(totals.items()),
        total=sum((line.credits for line in lines), Decimal(0)),
        issued_at=datetime(2026, 6, 3, 18, 0, tzinfo=UTC),
        issued_on=date(2026, 6, 3),
        superseded_at=None,
        superseded_on=None,
    )
    return dataclasses.replace(certificate, **changes)  # type: ignore[arg-type]


COMBINED = view(
    certified("Ethics in practice", 1, "Ethics", "1.5"),
    certified("Taxes for small firms", 2, "Taxes", "2", hour=13),
    certified("Taxes for small firms", 2, "Ethics", "0.5", hour=13),
)


def test_render_certificate_combined_says_who_what_and_how_much() -> None:
    text = pdf_text(render_certificate(COMBINED, verification_url=URL))

    for expected in (
        "Certificate of Attendance",
        "Continuing Education Credits",
        "This certifies that Alex Example",
        "attended Example Accounting Conference (June 1\N{EN DASH}3, 2026), organized by "
        "Society of Example Accountants, and earned 4 continuing education credits.",
        "Ethics in practice June 1, 2026 09:00\N{EN DASH}09:50 Ethics 1.5",
        "Taxes for small firms June 2, 2026 13:00\N{EN DASH}13:50 Taxes 2",
        "Taxes for small firms June 2, 2026 13:00\N{EN DASH}13:50 Ethics 0.5",
        "Totals by field of study Field of study Credits Ethics 2 Taxes 2 Total 4",
        "Certificate number PDM-7KQX-M4TZ-9HWC",
        "Issued by Society of Example Accountants on June 3, 2026",
        URL,
    ):
        assert expected in text, expected


def test_render_certificate_qr_code_opens_the_verification_page() -> None:
    assert qr_codes(render_certificate(COMBINED, verification_url=URL)) == [URL]


def test_render_certificate_of_a_session_names_the_session() -> None:
    line = certified("Taxes for small firms", 2, "Taxes", "2", hour=13)
    session = CertifiedSession(
        name=line.session, date=line.date, start_time=line.start_time, end_time=line.end_time
    )

    text = pdf_text(render_certificate(view(line, session=session), verification_url=URL))

    assert (
        "attended the session Taxes for small firms on June 2, 2026, 13:00\N{EN DASH}13:50 at "
        "Example Accounting Conference (June 1\N{EN DASH}3, 2026), organized by Society of "
        "Example Accountants, and earned 2 continuing education credits." in text
    )
    assert "Credits by field of study Field of study Credits Taxes 2 Total 2" in text


def test_render_certificate_without_organizer_or_dates() -> None:
    certificate = view(
        certified("Ethics in practice", 1, "Ethics", "1"),
        organizer=None,
        start_date=None,
        end_date=None,
    )

    text = pdf_text(render_certificate(certificate, verification_url=URL))

    assert (
        "attended Example Accounting Conference and earned 1 continuing education credit." in text
    )
    assert "Issued by Example Accounting Conference on June 3, 2026" in text


def test_render_certificate_long_breakdown_flows_onto_more_pages() -> None:
    lines = [
        certified(f"Session {n:02d}", 1 + n % 3, ("Ethics", "Taxes")[n % 2], "1.5", 8 + n % 9)
        for n in range(60)
    ]

    pdf = render_certificate(view(*lines), verification_url=URL)

    text = pdf_text(pdf)
    pages = pdf_pages(pdf)
    assert pages > 2
    assert all(f"Session {n:02d} June" in text for n in range(60))
    assert "Ethics 45 Taxes 45 Total 90" in text
    assert text.count("Field of study") == pages + 1  # the breakdown's header on every page
    assert text.count(URL) >= pages  # every page's footer
    assert f"Page {pages} of {pages}" in text


@pytest.mark.parametrize("name", ["Zoë Ångström", "Łukasz Dvořák", "Ἀριστοτέλης", "王小明"])
def test_render_certificate_any_name_renders(name: str) -> None:
    pdf = render_certificate(
        view(certified("Ethics", 1, "Ethics", "1"), holder_name=name), verification_url=URL
    )

    assert pdf.startswith(b"%PDF")
    if name != "王小明":  # DejaVu Sans has no Chinese glyphs: boxes, but no failure
        # a machine without DejaVu Sans prints what Helvetica can
        shown = name if certificate_pdf._fonts().regular != "Helvetica" else windows_1252_text(name)
        assert f"This certifies that {shown}" in pdf_text(pdf)


@pytest.fixture
def builtin_fonts(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A machine without DejaVu Sans."""
    monkeypatch.setattr(certificate_pdf, "_FONT_DIRECTORIES", ())
    certificate_pdf._fonts.cache_clear()
    yield
    certificate_pdf._fonts.cache_clear()


def test_windows_1252_text_keeps_what_it_can() -> None:
    assert (
        windows_1252_text("Zoë Ångström, Dvořák, Łukasz, 王") == "Zoë Ångström, Dvorák, ?ukasz, ?"
    )


@pytest.mark.usefixtures("builtin_fonts")
def test_render_certificate_without_dejavu_replaces_what_helvetica_cannot_show() -> None:
    certificate = view(certified("Ethics", 1, "Ethics", "1"), holder_name="Zoë Ångström-Dvořák 王")

    text = pdf_text(render_certificate(certificate, verification_url=URL))

    assert "This certifies that Zoë Ångström-Dvorák ?" in text
