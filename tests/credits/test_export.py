from __future__ import annotations

import csv
import io
import tracemalloc
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, date, datetime, time
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.utils.escape import unescape

from podium.credits import export
from podium.credits.export import (
    CREDITS_HEADER,
    Cell,
    ExportTooLarge,
    Report,
    Row,
    attendance_rows,
    credit_rows,
    neutralise,
    report_rows,
    total_rows,
    write_csv,
    write_xlsx,
)
from podium.events.service import create_event
from podium.kit.db import UnitOfWork
from podium.models import Event
from tests.credits.export_data import (
    add_awards,
    add_many_awards,
    add_record,
    adjust,
    award,
    fields_of,
)
from tests.factories import make_attendee, make_session

FORMULA_STARTS = ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"]


async def _all(rows: AsyncIterator[Row]) -> list[Row]:
    return [row async for row in rows]


async def _rows(*rows: Sequence[Cell]) -> AsyncIterator[Sequence[Cell]]:
    for row in rows:
        yield row


def _read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


async def _csv(rows: AsyncIterator[Sequence[Cell]]) -> list[list[str]]:
    stream = io.StringIO(newline="")
    await write_csv(rows, stream)
    return _read_csv(stream.getvalue())


def _read_xlsx(path: Path) -> list[list[Any]]:
    """The cells' values; text as Excel reads it (a carriage return is stored as "_x000D_",
    which openpyxl leaves escaped in the inline strings of XlsxWriter's constant-memory mode)."""
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        return [
            [unescape(cell) if isinstance(cell, str) else cell for cell in row]
            for row in workbook.active.iter_rows(values_only=True)
        ]
    finally:
        workbook.close()


@pytest.mark.parametrize("text", FORMULA_STARTS)
def test_neutralise_puts_an_apostrophe_before_a_formula_start(text: str) -> None:
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", ["", "Alex", "O'Brien", "1.5", "a=b", " =1"])
def test_neutralise_leaves_other_text_as_it_is(text: str) -> None:
    assert neutralise(text) == text


async def test_credit_rows_show_the_adjustment_beside_the_computed_credits(
    uow: UnitOfWork, event: Event
) -> None:
    session = await make_session(
        uow,
        event,
        name="Ethics in Practice",
        fields_of_study={"Ethics": ("2", ["w1", "w2"]), "Tax": ("1", [])},
    )
    fields = await fields_of(uow, session)
    attendee = await make_attendee(
        uow, event, first_name="Ada", last_name="Byron", email="ada@example.com", external_id="A1"
    )
    checkin = await add_record(uow, session=session, attendee=attendee)
    await add_awards(
        uow,
        [
            award(
                checkin,
                fields["Ethics"],
                credits="1.5",
                possible="2",
                outcome="partial",
                seconds_attended=2759,
                codewords_valid=1,
                codewords_required=2,
                codewords_possible=2,
                evaluation_required=True,
                evaluation_submitted=False,
                reasons=[
                    {"code": "short", "text": "Left 10 minutes early."},
                    {"code": "codewords", "text": "1 of 2 codewords."},
                ],
            ),
            award(checkin, fields["Tax"]),
        ],
    )
    await adjust(
        uow, checkin, fields["Ethics"], "2", reason="Was in the room", adjusted_by="org@example"
    )

    rows = await _all(credit_rows(uow, event=event))

    common = ("Byron", "Ada", "ada@example.com", "A1", session.public_id, "Ethics in Practice")
    schedule = ("2026-06-01", "08:30", "09:15")
    assert rows == [
        CREDITS_HEADER,
        (
            *common,
            *schedule,
            "Ethics",
            Decimal("2"),
            Decimal("1.5"),
            Decimal("2"),
            Decimal("2"),
            "partial",
            45,
            1,
            2,
            "yes",
            "no",
            "org@example",
            "Was in the room",
            "Left 10 minutes early. 1 of 2 codewords.",
        ),
        (
            *common,
            *schedule,
            "Tax",
            Decimal("1"),
            Decimal("1"),
            None,
            Decimal("1"),
            "awarded",
            50,
            0,
            0,
            "no",
            "no",
            None,
            None,
            "",
        ),
    ]


async def test_credit_rows_order_by_attendee_then_schedule(uow: UnitOfWork, event: Event) -> None:
    # created out of order, so that insertion order cannot pass for the right one
    late = await make_session(
        uow, event, name="Late", start_time=time(14, 0), fields_of_study={"Tax": ("1", [])}
    )
    undated = await make_session(
        uow, event, name="Undated", session_date=None, fields_of_study={"Tax": ("1", [])}
    )
    early = await make_session(
        uow,
        event,
        name="Early",
        start_time=time(9, 0),
        fields_of_study={"Tax": ("1", []), "Ethics": ("1", [])},
    )
    next_day = await make_session(
        uow,
        event,
        name="Next day",
        session_date=date(2026, 6, 2),
        fields_of_study={"Tax": ("1", [])},
    )
    zoe = await make_attendee(uow, event, first_name="Zoe", last_name="Adams", email=None)
    bob = await make_attendee(uow, event, first_name="Bob", last_name="baker", email=None)
    amy = await make_attendee(uow, event, first_name="Amy", last_name="Adams", email=None)
    awards = []
    for attendee in (bob, zoe, amy):
        for session in (next_day, undated, late, early):
            checkin = await add_record(uow, session=session, attendee=attendee)
            awards += [award(checkin, field) for field in (await fields_of(uow, session)).values()]
    await add_awards(uow, awards)

    rows = await _all(credit_rows(uow, event=event))

    schedule = [
        ("Early", "Tax"),
        ("Early", "Ethics"),
        ("Late", "Tax"),
        ("Next day", "Tax"),
        ("Undated", "Tax"),
    ]
    assert [(row[1], row[5], row[9]) for row in rows[1:]] == [
        (name, *line) for name in ("Amy", "Zoe", "Bob") for line in schedule
    ]


async def test_credit_rows_leave_out_other_events(uow: UnitOfWork, event: Event) -> None:
    other = await create_event(uow, uri="other", name="Other Event")
    session = await make_session(uow, other, fields_of_study={"Tax": ("1", [])})
    checkin = await add_record(uow, session=session, attendee=await make_attendee(uow, other))
    await add_awards(uow, [award(checkin, (await fields_of(uow, session))["Tax"])])

    rows = await _all(credit_rows(uow, event=event))

    assert rows == [CREDITS_HEADER]


async def test_reports_run_as_many_queries_at_fifty_attendees_as_at_one(
    uow: UnitOfWork, event: Event, count_queries: Any
) -> None:
    session = await make_session(uow, event, fields_of_study={"Tax": ("1", [])})
    field = (await fields_of(uow, session))["Tax"]
    checked_in = (("checkin", datetime(2026, 6, 1, 13, 30, tzinfo=UTC), "web"),)
    counts, added = [], 0
    for size in (1, 50):
        awards = []
        for _ in range(size - added):
            attendee = await make_attendee(uow, event, email=None)
            checkin = await add_record(uow, session=session, attendee=attendee, history=checked_in)
            awards.append(award(checkin, field))
        await add_awards(uow, awards)
        added = size

        for report in Report:
            with count_queries() as counter:
                rows = await _all(report_rows(uow, event=event, report=report, chunk_size=7))
            counts.append((report.value, len(rows) - 1, counter.count))

    assert counts == [
        ("credits", 1, 1),
        ("totals", 1, 2),
        ("attendance", 1, 1),
        ("credits", 50, 1),
        ("totals", 50, 2),
        ("attendance", 50, 1),
    ]


async def test_total_rows_sum_the_credits_that_count_per_field_of_study(
    uow: UnitOfWork, event: Event
) -> None:
    first = await make_session(
        uow,
        event,
        name="First",
        start_time=time(8, 0),
        fields_of_study={"Tax": ("1", []), "Ethics": ("2", [])},
    )
    second = await make_session(
        uow,
        event,
        name="Second",
        start_time=time(10, 0),
        fields_of_study={"ETHICS": ("1", []), "Audit": ("0.5", [])},
    )
    first_fields, second_fields = await fields_of(uow, first), await fields_of(uow, second)
    ada = await make_attendee(uow, event, first_name="Ada", last_name="Byron", email="a@x.org")
    ben = await make_attendee(uow, event, first_name="Ben", last_name="Cole", email=None)
    await make_attendee(uow, event, first_name="No", last_name="Credits")
    ada_first = await add_record(uow, session=first, attendee=ada)
    ada_second = await add_record(uow, session=second, attendee=ada)
    ben_second = await add_record(uow, session=second, attendee=ben)
    await add_awards(
        uow,
        [
            award(ada_first, first_fields["Tax"], credits="1"),
            award(ada_first, first_fields["Ethics"], credits="1.25", possible="2"),
            award(ada_second, second_fields["ETHICS"], credits="1"),
            award(ada_second, second_fields["Audit"], credits="0", outcome="withheld"),
            award(ben_second, second_fields["ETHICS"], credits="0.5", outcome="partial"),
        ],
    )
    await adjust(uow, ada_second, second_fields["Audit"], "0.5", reason="evaluation on paper")

    rows = await _all(total_rows(uow, event=event))

    assert rows == [
        ("last name", "first name", "email", "external id", "Tax", "Ethics", "Audit", "total"),
        (
            "Byron",
            "Ada",
            "a@x.org",
            None,
            Decimal(1),
            Decimal("2.25"),
            Decimal("0.5"),
            Decimal("3.75"),
        ),
        ("Cole", "Ben", None, None, Decimal(0), Decimal("0.5"), Decimal(0), Decimal("0.5")),
    ]


async def test_total_rows_give_each_attendee_one_row_across_chunks(
    uow: UnitOfWork, event: Event
) -> None:
    sessions = [
        await make_session(uow, event, name=f"S{n}", fields_of_study={"Tax": ("1", [])})
        for n in range(5)
    ]
    attendees = [
        await make_attendee(uow, event, first_name=name, last_name="Smith", email=None)
        for name in ("Al", "Bo", "Cy")
    ]
    awards = []
    for attendee in attendees:
        for session in sessions:
            checkin = await add_record(uow, session=session, attendee=attendee)
            awards.append(award(checkin, (await fields_of(uow, session))["Tax"]))
    await add_awards(uow, awards)

    rows = await _all(total_rows(uow, event=event, chunk_size=2))

    assert [(row[1], row[4], row[5]) for row in rows[1:]] == [
        ("Al", Decimal(5), Decimal(5)),
        ("Bo", Decimal(5), Decimal(5)),
        ("Cy", Decimal(5), Decimal(5)),
    ]


async def test_attendance_rows_give_each_time_in_the_event_zone_and_in_utc(
    uow: UnitOfWork, event: Event
) -> None:
    session = await make_session(uow, event, name="Keynote")
    attendee = await make_attendee(
        uow, event, first_name="Ada", last_name="Byron", email="a@x.org", external_id="7"
    )
    await add_record(
        uow,
        session=session,
        attendee=attendee,
        history=(
            ("checkout", datetime(2026, 6, 1, 14, 20, 5, 123456, tzinfo=UTC), None),
            ("checkin", datetime(2026, 6, 1, 13, 31, tzinfo=UTC), "kiosk"),
        ),
    )

    rows = await _all(attendance_rows(uow, event=event))

    person = ("Byron", "Ada", "a@x.org", "7", session.public_id, "Keynote")
    assert rows == [
        (
            "last name",
            "first name",
            "email",
            "external id",
            "session id",
            "session",
            "action",
            "time (America/Chicago)",
            "time (UTC)",
            "source",
        ),
        (*person, "checkin", "2026-06-01T08:31:00-05:00", "2026-06-01T13:31:00+00:00", "kiosk"),
        (*person, "checkout", "2026-06-01T09:20:05-05:00", "2026-06-01T14:20:05+00:00", None),
    ]


async def test_attendance_rows_of_an_event_without_a_zone_are_in_utc(uow: UnitOfWork) -> None:
    event = await create_event(uow, uri="utc", name="UTC Event")
    session = await make_session(uow, event)
    at = datetime(2026, 6, 1, 13, 31, tzinfo=UTC)
    await add_record(
        uow,
        session=session,
        attendee=await make_attendee(uow, event),
        history=(("checkin", at, "web"),),
    )

    rows = await _all(attendance_rows(uow, event=event))

    assert (rows[0][7], rows[1][7:]) == (
        "time (UTC)",
        ("2026-06-01T13:31:00+00:00", "2026-06-01T13:31:00+00:00", "web"),
    )


async def test_report_rows_choose_the_report(uow: UnitOfWork, event: Event) -> None:
    headers = [
        (await _all(report_rows(uow, event=event, report=report)))[0][0:7] for report in Report
    ]

    assert headers == [
        CREDITS_HEADER[0:7],
        (*CREDITS_HEADER[0:4], "total"),
        (*CREDITS_HEADER[0:6], "action"),
    ]


async def test_write_csv_writes_credits_as_plain_decimals_and_none_as_empty() -> None:
    rows = _rows(("name", "credits", "minutes", "note"), ("Ada", Decimal("1.5000"), 45, None))

    assert await _csv(rows) == [["name", "credits", "minutes", "note"], ["Ada", "1.5", "45", ""]]


async def test_write_csv_returns_the_rows_after_the_header() -> None:
    stream = io.StringIO(newline="")

    written = await write_csv(_rows(("a",), ("line\r\nbreak",), ("2",)), stream)

    assert (written, _read_csv(stream.getvalue())) == (2, [["a"], ["line\r\nbreak"], ["2"]])


@pytest.mark.parametrize("text", FORMULA_STARTS)
async def test_write_csv_neutralises_text_that_starts_like_a_formula(text: str) -> None:
    rows = _rows(("name", "credits"), (text, Decimal("1")))

    assert await _csv(rows) == [["name", "credits"], ["'" + text, "1"]]


@pytest.mark.parametrize("text", FORMULA_STARTS)
async def test_write_xlsx_neutralises_text_that_starts_like_a_formula(
    text: str, tmp_path: Path
) -> None:
    path = tmp_path / "export.xlsx"

    await write_xlsx(_rows(("name", "credits"), (text, Decimal("1"))), path)

    assert _read_xlsx(path) == [["name", "credits"], ["'" + text, 1]]


async def test_write_xlsx_writes_numbers_as_numbers(tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"

    written = await write_xlsx(
        _rows(("credits", "minutes", "text", "empty"), (Decimal("1.25"), 45, "-1", None)), path
    )

    workbook = openpyxl.load_workbook(path)
    _header, cells = workbook.active.iter_rows()
    assert (written, [(cell.value, cell.data_type) for cell in cells]) == (
        1,
        [(1.25, "n"), (45, "n"), ("'-1", "s"), (None, "n")],
    )


async def test_write_xlsx_makes_the_header_bold_and_frozen_and_columns_fit(
    tmp_path: Path,
) -> None:
    path = tmp_path / "export.xlsx"

    await write_xlsx(
        _rows(("last name", "n"), ("A name longer than its header", 1)), path, sheet_name="credits"
    )

    workbook = openpyxl.load_workbook(path)
    sheet = workbook.active
    assert (
        sheet.title,
        sheet.freeze_panes,
        [cell.font.b for cell in sheet[1]],
        [cell.font.b for cell in sheet[2]],
        [round(sheet.column_dimensions[column].width) for column in "AB"],
    ) == ("credits", "A2", [True, True], [False, False], [32, 9])


async def test_write_xlsx_past_the_rows_of_a_worksheet_refuses(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(export, "XLSX_MAX_ROWS", 3)

    with pytest.raises(ExportTooLarge) as raised:
        await write_xlsx(_rows(("a",), ("1",), ("2",), ("3",)), tmp_path / "export.xlsx")

    assert raised.value.message == (
        "The export has more rows than a spreadsheet holds (2 after the header); "
        "export it as CSV instead."
    )


# Memory: tracemalloc's peak of the Python allocations made during the export. Holding the
# rows instead would take about 0.8 kB per row of the credits report (measured: 100,000 rows
# held in a list, about 80 MB; XlsxWriter without constant_memory, about 2.6 kB per row). The
# streamed export measured about 4.2 MB for 100,000 rows to CSV, a chunk of 1,000 rows being
# most of it, and about 0.6 MB for 10,000 rows to XLSX in chunks of 100; the bounds below leave
# a margin of three to four times that and stay far below the rows' own size.
# The XLSX export is of 10,000 rows, not 100,000: XlsxWriter takes about 16 s for 100,000 rows
# of this report by itself and four times that under tracemalloc.


async def test_write_csv_of_100000_credit_rows_keeps_memory_bounded(
    uow: UnitOfWork, event: Event, tmp_path: Path, count_queries: Any
) -> None:
    await add_many_awards(uow, event, attendees=1000, sessions=100)

    tracemalloc.start()
    try:
        with (
            count_queries() as counter,
            (tmp_path / "credits.csv").open("w", encoding="utf-8", newline="") as stream,
        ):
            written = await write_csv(credit_rows(uow, event=event), stream)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (written, counter.count, peak < 16_000_000) == (100_000, 1, True), peak


async def test_write_xlsx_of_credit_rows_keeps_memory_bounded(
    uow: UnitOfWork, event: Event, tmp_path: Path
) -> None:
    await add_many_awards(uow, event, attendees=100, sessions=100)
    path = tmp_path / "credits.xlsx"

    tracemalloc.start()
    try:
        written = await write_xlsx(credit_rows(uow, event=event, chunk_size=100), path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert (written, peak < 3_000_000) == (10_000, True), peak
    workbook = openpyxl.load_workbook(path, read_only=True)
    try:
        last = list(workbook.active.iter_rows(min_row=10_001, values_only=True))
    finally:
        workbook.close()
    assert [row[0:2] for row in last] == [("Lastname000099", "Firstname99")]
