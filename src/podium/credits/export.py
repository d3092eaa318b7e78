"""The organizer's exports of continuing-education credits: the reports and their writers.

A report is an async generator of rows, the header first, read from the database a chunk at a
time; a writer consumes one row at a time. Neither holds the whole report, so an export of
100,000 rows takes about the memory of one chunk whatever its length. Reports yield values as
stored (text, ``int``, ``Decimal``, None for an empty cell); the writers write numbers as
numbers and pass every text cell through :func:`neutralise` on the way out.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import AsyncGenerator, AsyncIterable, Sequence
from datetime import UTC, date, time, tzinfo
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from podium.credits import export_repository as repository
from podium.credits.engine import format_credits
from podium.kit.db import UnitOfWork
from podium.kit.errors import PodiumError
from podium.models import Event

Cell = str | int | Decimal | None
Row = tuple[Cell, ...]

# the characters that make a spreadsheet read a cell as a formula (or, for tab and carriage
# return, that some spreadsheets strip before they look for one)
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# the rows of one worksheet, its header included (Excel's limit)
XLSX_MAX_ROWS = 1_048_576
# characters: wide enough for most names and emails, and no column wider than a screen
_MIN_WIDTH, _MAX_WIDTH = 6, 60


class Report(enum.StrEnum):
    """What an export holds."""

    CREDITS = "credits"  # a row per attendee, session and field of study
    TOTALS = "totals"  # a row per attendee: credits per field of study, and the total
    ATTENDANCE = "attendance"  # a row per check-in and check-out


class ExportFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"


class ExportTooLarge(PodiumError):
    code = "export_too_large"


def neutralise(value: str) -> str:
    """``value`` with an apostrophe in front when it starts like a formula.

    A spreadsheet that opens a CSV file (or a cell copied out of an XLSX one) runs a cell
    that starts with ``=``, ``+``, ``-`` or ``@`` as a formula, and some drop a leading tab or
    carriage return first; an attendee who types ``=HYPERLINK(…)`` as their name would then
    run it on the organizer's machine ("CSV injection"). The apostrophe, as OWASP advises,
    makes the spreadsheet show the text as typed instead.
    """
    if value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def report_rows(
    uow: UnitOfWork, *, event: Event, report: Report, chunk_size: int = repository.CHUNK_SIZE
) -> AsyncGenerator[Row, None]:
    """The rows of ``report`` for ``event``, the header first."""
    if report is Report.CREDITS:
        return credit_rows(uow, event=event, chunk_size=chunk_size)
    if report is Report.TOTALS:
        return total_rows(uow, event=event, chunk_size=chunk_size)
    return attendance_rows(uow, event=event, chunk_size=chunk_size)


CREDITS_HEADER: Row = (
    "last name",
    "first name",
    "email",
    "external id",
    "session id",
    "session",
    "date",
    "start",
    "end",
    "field of study",
    "possible credits",
    "computed credits",
    "adjusted credits",
    "credits",
    "outcome",
    "minutes attended",
    "codewords entered",
    "codewords needed",
    "evaluation required",
    "evaluation submitted",
    "adjusted by",
    "adjustment reason",
    "reasons",
)


async def credit_rows(
    uow: UnitOfWork, *, event: Event, chunk_size: int = repository.CHUNK_SIZE
) -> AsyncGenerator[Row, None]:
    """A row per attendee, session and field of study the credit ledger has computed, by
    attendee, then schedule: the computed credits, an administrator's adjustment beside them
    (empty when none) and the credits that count, with what they were decided from. One
    query, streamed."""
    yield CREDITS_HEADER
    statement = repository.credit_award_rows(event.id)
    async with repository.streamed(uow, statement, chunk_size=chunk_size) as chunks:
        async for chunk in chunks:
            # unpacked, not read by name: a Row's attribute costs about 40 times a tuple's item,
            # which at 23 columns and 100,000 rows is seconds
            for (
                _attendee_id,
                last_name,
                first_name,
                email,
                external_id,
                session_public_id,
                session_name,
                session_date,
                start_time,
                end_time,
                field_of_study,
                possible,
                computed,
                adjusted,
                outcome,
                seconds_attended,
                codewords_valid,
                codewords_required,
                evaluation_required,
                evaluation_submitted,
                adjusted_by,
                adjustment_reason,
                reasons,
            ) in chunk:
                yield (
                    last_name,
                    first_name,
                    email,
                    external_id,
                    session_public_id,
                    session_name,
                    _date(session_date),
                    _time(start_time),
                    _time(end_time),
                    field_of_study,
                    possible,
                    computed,
                    adjusted,
                    computed if adjusted is None else adjusted,
                    outcome,
                    seconds_attended // 60,
                    codewords_valid,
                    codewords_required,
                    _yes_no(evaluation_required),
                    _yes_no(evaluation_submitted),
                    adjusted_by,
                    adjustment_reason,
                    " ".join(str(reason.get("text", "")) for reason in reasons or ()),
                )


async def total_rows(
    uow: UnitOfWork, *, event: Event, chunk_size: int = repository.CHUNK_SIZE
) -> AsyncGenerator[Row, None]:
    """A row per attendee with credits at the event, by name: the credits that count summed
    per field of study (a column per name the event's fields of study use, in the order the
    schedule first uses them; names that differ only in case are one field) and in total.

    Two queries: the event's fields of study, then the awards streamed in attendee order, a
    row given out each time the attendee changes, so only one attendee's sums are held.
    """
    columns: dict[str, int] = {}
    names: list[str] = []
    for name_key, name in await repository.field_names_in_schedule_order(uow, event_id=event.id):
        if name_key not in columns:
            columns[name_key] = len(names)
            names.append(name)
    yield ("last name", "first name", "email", "external id", *names, "total")

    # (id, last name, first name, email, external id) of the attendee being summed
    current: list[Any] | None = None
    sums: list[Decimal] = []
    total = Decimal(0)
    statement = repository.credit_total_rows(event.id)
    async with repository.streamed(uow, statement, chunk_size=chunk_size) as chunks:
        async for chunk in chunks:
            for *attendee, name_key, computed, adjusted in chunk:
                if current is None or attendee[0] != current[0]:
                    if current is not None:
                        yield (*current[1:], *sums, total)
                    current, sums, total = attendee, [Decimal(0)] * len(names), Decimal(0)
                credits = computed if adjusted is None else adjusted
                column = columns.get(name_key)
                # a field of study added after the first query (a moment ago) has no column yet;
                # its credits still count in the total
                if column is not None:
                    sums[column] += credits
                total += credits
    if current is not None:
        yield (*current[1:], *sums, total)


async def attendance_rows(
    uow: UnitOfWork, *, event: Event, chunk_size: int = repository.CHUNK_SIZE
) -> AsyncGenerator[Row, None]:
    """The raw attendance log: a row per check-in and check-out of the event's attendance
    records, oldest first, its time in the event's time zone and in UTC (ISO 8601, with the
    offset). One query, streamed."""
    zone: tzinfo = ZoneInfo(event.timezone) if event.timezone else UTC
    yield (
        "last name",
        "first name",
        "email",
        "external id",
        "session id",
        "session",
        "action",
        f"time ({event.timezone or 'UTC'})",
        "time (UTC)",
        "source",
    )
    statement = repository.attendance_history_rows(event.id)
    async with repository.streamed(uow, statement, chunk_size=chunk_size) as chunks:
        async for chunk in chunks:
            for _attendee_id, *record, action, at, source in chunk:
                yield (
                    *record,
                    action,
                    at.astimezone(zone).isoformat(timespec="seconds"),
                    at.astimezone(UTC).isoformat(timespec="seconds"),
                    source,
                )


def _date(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def _time(value: time | None) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


async def write_csv(rows: AsyncIterable[Sequence[Cell]], stream: TextIO) -> int:
    """Write ``rows`` to the text ``stream`` as CSV (RFC 4180, CRLF line ends): credits in
    plain decimal ("1.5"), text neutralised, None as an empty cell. Returns the number of rows
    after the header. Open a file for it with ``encoding="utf-8", newline=""``."""
    writer = csv.writer(stream)
    written = 0
    async for row in rows:
        writer.writerow([_csv_cell(cell) for cell in row])
        written += 1
    return max(written - 1, 0)


def _csv_cell(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, str):
        return neutralise(cell)
    if isinstance(cell, Decimal):
        return format_credits(cell)
    return str(cell)


async def write_xlsx(
    rows: AsyncIterable[Sequence[Cell]], path: str | Path, *, sheet_name: str = "export"
) -> int:
    """Write ``rows`` to a new XLSX workbook at ``path`` (one worksheet, ``sheet_name``);
    returns the number of rows after the header.

    Rows go to disk as they come (XlsxWriter's ``constant_memory`` mode), so memory stays
    bounded. The header is bold and frozen; numbers are numbers, text is neutralised; each
    column is as wide as its widest cell, within limits. Raises :class:`ExportTooLarge` past
    the rows a worksheet holds (the file is then incomplete: remove it).
    """
    workbook = Workbook(str(path), {"constant_memory": True})
    try:
        worksheet = workbook.add_worksheet(sheet_name)
        bold = workbook.add_format({"bold": True})
        worksheet.freeze_panes(1, 0)
        widths: list[int] = []
        written = 0
        async for row in rows:
            if written == XLSX_MAX_ROWS:
                raise ExportTooLarge(
                    f"The export has more rows than a spreadsheet holds "
                    f"({XLSX_MAX_ROWS - 1:,} after the header); export it as CSV instead."
                )
            if len(widths) < len(row):
                widths += [_MIN_WIDTH] * (len(row) - len(widths))
            style = bold if written == 0 else None
            for column, cell in enumerate(row):
                width = _write_cell(worksheet, written, column, cell, style)
                widths[column] = max(widths[column], width)
            written += 1
        for column, width in enumerate(widths):
            worksheet.set_column(column, column, min(width + 2, _MAX_WIDTH))
    finally:
        workbook.close()
    return max(written - 1, 0)


def _write_cell(
    worksheet: Worksheet, row: int, column: int, cell: Cell, style: Format | None
) -> int:
    """Write one cell; returns its width in characters."""
    if cell is None:
        return 0
    if isinstance(cell, str):
        text = neutralise(cell)
        worksheet.write_string(row, column, text, style)
        return len(text)
    if isinstance(cell, Decimal):
        # credits have at most four decimal places, which a float holds exactly enough to
        # print back the same ("1.25")
        worksheet.write_number(row, column, float(cell), style)
        return len(format_credits(cell))
    worksheet.write_number(row, column, cell, style)
    return len(str(cell))
