"""A certificate of continuing-education credit as a printable PDF (landscape, with reportlab).

The first page names the holder, the event (its organizer and days) or the session, and what
was earned; a table breaks the credits down by session and field of study and flows onto further
pages when it is long (its header repeats); the totals per field of study and overall follow.
Every page carries the certificate's number and verification address in its footer; the first
page also carries a QR code of that address.

Fonts: DejaVu Sans, registered from the machine's fonts when present (most Linux machines have
it; it covers Latin, Greek and Cyrillic names). Without it the PDF falls back to reportlab's
built-in Helvetica, whose encoding (Windows-1252) covers Western European names such as
"Zoë Ångström"; any other character is replaced by its unaccented letter when it has one
("Ł" → "L" is not one of those: it becomes "?"), so that no name makes rendering fail.
Characters the font has no glyph for (Chinese in DejaVu Sans) print as empty boxes.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from podium.credits.certificates import (
    CertificateView,
    credits_text,
    date_range_text,
    day_text,
    time_range_text,
)

PAGE_SIZE = landscape(A4)
_MARGIN = 18 * mm
_QR_SIZE = 27 * mm
_INK = colors.HexColor("#17202a")
_MUTED = colors.HexColor("#5b6670")
_ACCENT = colors.HexColor("#0b5cad")
_LINE = colors.HexColor("#c9d1d9")
_BAND = colors.HexColor("#eef3f8")

TITLE = "Certificate of Attendance"
SUBTITLE = "Continuing Education Credits"

# where Debian/Ubuntu, Fedora and Arch put DejaVu Sans
_FONT_DIRECTORIES = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu-sans-fonts"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
)


@dataclass(frozen=True)
class _Fonts:
    regular: str
    bold: str
    # makes a text printable in these fonts
    clean: Callable[[str], str]


@lru_cache(maxsize=1)
def _fonts() -> _Fonts:
    for directory in _FONT_DIRECTORIES:
        regular, bold = directory / "DejaVuSans.ttf", directory / "DejaVuSans-Bold.ttf"
        if regular.is_file() and bold.is_file():
            try:
                pdfmetrics.registerFont(TTFont("PodiumSans", str(regular)))
                pdfmetrics.registerFont(TTFont("PodiumSans-Bold", str(bold)))
                # so that <b> in a paragraph finds the bold face
                pdfmetrics.registerFontFamily(
                    "PodiumSans",
                    normal="PodiumSans",
                    bold="PodiumSans-Bold",
                    italic="PodiumSans",
                    boldItalic="PodiumSans-Bold",
                )
            except Exception:  # a damaged font file: the built-in fonts still work
                continue
            return _Fonts("PodiumSans", "PodiumSans-Bold", _unchanged)
    return _Fonts("Helvetica", "Helvetica-Bold", windows_1252_text)


def _unchanged(text: str) -> str:
    return text


def windows_1252_text(text: str) -> str:
    """``text`` with every character the built-in PDF fonts cannot show replaced: by its
    letter without accents when it has one, else by "?"."""
    out = []
    for char in text:
        if _encodable(char):
            out.append(char)
            continue
        base = "".join(
            part
            for part in unicodedata.normalize("NFKD", char)
            if not unicodedata.combining(part) and _encodable(part)
        )
        out.append(base or "?")
    return "".join(out)


def _encodable(char: str) -> bool:
    try:
        char.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def render_certificate(certificate: CertificateView, *, verification_url: str) -> bytes:
    """The certificate as a PDF document (landscape A4), its QR code and footer pointing at
    ``verification_url``."""
    fonts = _fonts()
    styles = _Styles(fonts)
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=PAGE_SIZE,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN - 3 * mm,
        bottomMargin=_MARGIN + 4 * mm,
        title=fonts.clean(f"{TITLE} {certificate.number}"),
        author=fonts.clean(certificate.organizer or certificate.event_name),
        subject=fonts.clean(f"{SUBTITLE}: {certificate.holder_name}"),
        creator="Podium",
    )
    footer = _Footer(certificate, verification_url, fonts)
    story = _story(certificate, verification_url, styles, width=document.width)
    document.build(
        story,
        onFirstPage=footer.draw,
        onLaterPages=footer.draw,
        canvasmaker=_NumberedCanvas,
    )
    return buffer.getvalue()


class _Styles:
    def __init__(self, fonts: _Fonts) -> None:
        self.fonts = fonts
        base = ParagraphStyle("base", fontName=fonts.regular, fontSize=10.5, leading=14)
        self.organizer = ParagraphStyle(
            "organizer", base, fontName=fonts.bold, fontSize=11, textColor=_ACCENT,
            alignment=TA_CENTER,
        )  # fmt: skip
        self.title = ParagraphStyle(
            "title", base, fontName=fonts.bold, fontSize=26, leading=30, alignment=TA_CENTER
        )
        self.subtitle = ParagraphStyle(
            "subtitle", base, fontSize=14, leading=18, textColor=_MUTED, alignment=TA_CENTER
        )
        self.lead = ParagraphStyle(
            "lead", base, fontSize=12, leading=16, alignment=TA_CENTER, textColor=_MUTED
        )
        self.holder = ParagraphStyle(
            "holder", base, fontName=fonts.bold, fontSize=24, leading=30, alignment=TA_CENTER
        )
        self.statement = ParagraphStyle(
            "statement", base, fontSize=12, leading=17, alignment=TA_CENTER
        )
        self.heading = ParagraphStyle(
            "heading", base, fontName=fonts.bold, fontSize=12, leading=16, spaceAfter=4
        )
        self.cell = ParagraphStyle("cell", base, fontSize=9.5, leading=12)
        self.cell_bold = ParagraphStyle("cell_bold", self.cell, fontName=fonts.bold)
        self.number = ParagraphStyle("number", self.cell, alignment=TA_RIGHT)
        self.number_bold = ParagraphStyle("number_bold", self.number, fontName=fonts.bold)
        self.caption = ParagraphStyle(
            "caption", base, fontSize=7.5, leading=9, textColor=_MUTED, alignment=TA_CENTER
        )
        self.small = ParagraphStyle("small", base, fontSize=9, leading=12, textColor=_MUTED)

    def text(self, value: str, style: ParagraphStyle) -> Paragraph:
        """A paragraph of plain ``value`` (never read as markup)."""
        return Paragraph(escape(self.fonts.clean(value)), style)

    def markup(self, value: str, style: ParagraphStyle) -> Paragraph:
        """A paragraph of ``value``, markup whose text parts the caller escaped."""
        return Paragraph(value, style)

    def plain(self, value: str) -> str:
        """``value`` escaped and cleaned, to put inside markup."""
        return escape(self.fonts.clean(value))


def _story(
    certificate: CertificateView, url: str, styles: _Styles, *, width: float
) -> list[Flowable]:
    story: list[Flowable] = [_header(certificate, url, styles, width=width), Spacer(1, 2 * mm)]
    story.append(styles.text("This certifies that", styles.lead))
    story.append(Spacer(1, 1.5 * mm))
    story.append(styles.text(certificate.holder_name, styles.holder))
    story.append(Spacer(1, 1.5 * mm))
    story.append(styles.markup(_statement(certificate, styles), styles.statement))
    story.append(Spacer(1, 5 * mm))
    if certificate.session is None:
        story.append(styles.text("Credits by session and field of study", styles.heading))
        story.append(_breakdown(certificate, styles, width=width))
        story.append(Spacer(1, 5 * mm))
        heading = "Totals by field of study"
    else:
        heading = "Credits by field of study"
    # the totals and, beside them, who issued it and how to check it: one block, never split
    half = (width - 10 * mm) / 2
    totals = [styles.text(heading, styles.heading), _totals(certificate, styles, width=half)]
    ending = Table(
        [[totals, _closing(certificate, url, styles)]],
        colWidths=[half + 10 * mm, half],
        hAlign="LEFT",
    )
    ending.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (0, 0), 10 * mm),
            ]
        )
    )
    story.append(KeepTogether([ending]))
    return story


def _header(certificate: CertificateView, url: str, styles: _Styles, *, width: float) -> Table:
    """Who issues it, the title, and on the right the QR code of the verification address."""
    side = _QR_SIZE + 6 * mm
    block = [
        styles.text(certificate.organizer or certificate.event_name, styles.organizer),
        Spacer(1, 2 * mm),
        styles.text(TITLE, styles.title),
        styles.text(SUBTITLE, styles.subtitle),
    ]
    qr = [_qr_code(url, _QR_SIZE), styles.text("Scan to verify", styles.caption)]
    table = Table([["", block, qr]], colWidths=[side, width - 2 * side, side])
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("ALIGN", (2, 0), (2, 0), "CENTER"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ]
        )
    )
    return table


def _statement(certificate: CertificateView, styles: _Styles) -> str:
    """ "attended <event> (<days>), organized by <organizer>, and earned <n> credits." """
    event = f"<b>{styles.plain(certificate.event_name)}</b>"
    days = date_range_text(certificate.start_date, certificate.end_date)
    if days:
        event += f" ({styles.plain(days)})"
    if certificate.organizer:
        event += f", organized by {styles.plain(certificate.organizer)},"
    session = certificate.session
    if session is None:
        attended = f"attended {event}"
    else:
        when = ", ".join(
            part
            for part in (
                f"on {day_text(session.date)}" if session.date else "",
                time_range_text(session.start_time, session.end_time),
            )
            if part
        )
        attended = f"attended the session <b>{styles.plain(session.name)}</b>"
        if when:
            attended += f" {styles.plain(when)}"
        attended += f" at {event}"
    total = credits_text(certificate.total)
    unit = "credit" if certificate.total == 1 else "credits"
    return f"{attended} and earned <b>{total} continuing education {unit}</b>."


def _table_style(*, header: bool = True, total_row: bool = False) -> TableStyle:
    commands: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, _LINE),
    ]
    if header:
        commands += [
            ("BACKGROUND", (0, 0), (-1, 0), _BAND),
            ("LINEBELOW", (0, 0), (-1, 0), 0.8, _INK),
        ]
    if total_row:
        commands += [
            ("LINEABOVE", (0, -1), (-1, -1), 0.8, _INK),
            ("LINEBELOW", (0, -1), (-1, -1), 0, colors.white),
        ]
    return TableStyle(commands)


def _breakdown(certificate: CertificateView, styles: _Styles, *, width: float) -> Table:
    """Session, field of study and credits, one row each; the header repeats on every page."""
    rows: list[list[Any]] = [
        [
            styles.text("Session", styles.cell_bold),
            styles.text("Date", styles.cell_bold),
            styles.text("Time", styles.cell_bold),
            styles.text("Field of study", styles.cell_bold),
            styles.text("Credits", styles.number_bold),
        ]
    ]
    for line in certificate.lines:
        rows.append(
            [
                styles.text(line.session, styles.cell),
                styles.text(day_text(line.date) if line.date else "", styles.cell),
                styles.text(time_range_text(line.start_time, line.end_time), styles.cell),
                styles.text(line.field_of_study, styles.cell),
                styles.text(credits_text(line.credits), styles.number),
            ]
        )
    widths = [width * 0.38, width * 0.16, width * 0.11, width * 0.25, width * 0.10]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(_table_style())
    return table


def _totals(certificate: CertificateView, styles: _Styles, *, width: float) -> Table:
    rows: list[list[Any]] = [
        [
            styles.text("Field of study", styles.cell_bold),
            styles.text("Credits", styles.number_bold),
        ]
    ]
    for field, credits in certificate.totals:
        rows.append(
            [styles.text(field, styles.cell), styles.text(credits_text(credits), styles.number)]
        )
    rows.append(
        [
            styles.text("Total", styles.cell_bold),
            styles.text(credits_text(certificate.total), styles.number_bold),
        ]
    )
    table = Table(rows, colWidths=[width * 0.75, width * 0.25], repeatRows=1, hAlign="LEFT")
    table.setStyle(_table_style(total_row=True))
    return table


def _closing(certificate: CertificateView, url: str, styles: _Styles) -> list[Flowable]:
    issuer = certificate.organizer or certificate.event_name
    return [
        styles.markup(
            f"Issued by {styles.plain(issuer)} on {styles.plain(day_text(certificate.issued_on))}."
            f" Certificate number <b>{styles.plain(certificate.number)}</b>.",
            styles.small,
        ),
        Spacer(1, 2 * mm),
        styles.markup(
            "To confirm that this certificate is genuine, open "
            f'<link href="{escape(url)}" color="#0b5cad">{styles.plain(url)}</link>'
            " or scan the code at the top of the first page.",
            styles.small,
        ),
    ]


def _qr_code(value: str, size: float) -> Drawing:
    widget = QrCodeWidget(value, barLevel="M")
    left, bottom, right, top = widget.getBounds()
    drawing = Drawing(
        size,
        size,
        transform=[size / (right - left), 0, 0, size / (top - bottom), 0, 0],
    )
    drawing.add(widget)
    return drawing


class _Footer:
    """The number, the verification address and the page on every page, and a frame."""

    def __init__(self, certificate: CertificateView, url: str, fonts: _Fonts) -> None:
        self.left = fonts.clean(
            f"{certificate.holder_name} \N{MIDDLE DOT} certificate {certificate.number} "
            f"\N{MIDDLE DOT} issued "
            f"{day_text(certificate.issued_on)} \N{MIDDLE DOT} verify at {url}"
        )
        self.fonts = fonts

    def draw(self, canvas: Canvas, document: SimpleDocTemplate) -> None:
        width, height = PAGE_SIZE
        canvas.saveState()
        canvas.setStrokeColor(_ACCENT)
        canvas.setLineWidth(1.6)
        canvas.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
        canvas.setLineWidth(0.5)
        canvas.rect(10 * mm, 10 * mm, width - 20 * mm, height - 20 * mm)
        canvas.setFont(self.fonts.regular, 8)
        canvas.setFillColor(_MUTED)
        canvas.drawString(_MARGIN, 14 * mm, self.left)
        canvas.restoreState()


class _NumberedCanvas(Canvas):
    """Writes "Page n of N" on every page, once N is known (pages are kept until the end)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:
        self._pages.append(dict(self.__dict__))
        # what Canvas.showPage does after writing the page: begin a fresh one
        self._startPage()  # type: ignore[attr-defined]

    def save(self) -> None:
        count = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self.saveState()
            self.setFont(_fonts().regular, 8)
            self.setFillColor(_MUTED)
            self.drawRightString(PAGE_SIZE[0] - _MARGIN, 14 * mm, f"Page {number} of {count}")
            self.restoreState()
            super().showPage()
        super().save()
