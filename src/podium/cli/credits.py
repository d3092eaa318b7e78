"""``podium credits …``: continuing-education credits: ``export`` here; ``rules``,
``recompute``, ``adjust`` and ``audit`` in ``cli/credit_rules.py``."""

from __future__ import annotations

import io
import os
from collections.abc import AsyncIterator
from contextlib import aclosing
from pathlib import Path
from typing import Annotated

import typer

from podium.cli import credit_rules
from podium.cli.running import fail, run_in_unit_of_work
from podium.credits.service import (
    ExportFormat,
    Report,
    Row,
    report_rows,
    write_csv,
    write_xlsx,
)
from podium.events.service import get_event
from podium.kit.db import UnitOfWork

app = typer.Typer(help="Continuing-education credits.", no_args_is_help=True)
app.command("rules")(credit_rules.rules)
app.command("recompute")(credit_rules.recompute)
app.command("adjust")(credit_rules.adjust)
app.command("audit")(credit_rules.audit)

EventUri = Annotated[
    str, typer.Option("--event", metavar="URI", help='The event\'s URI, e.g. "demo".')
]


@app.command("export")
def export(
    event: EventUri,
    format_: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            case_sensitive=False,
            help="csv (to standard output, or to --output) or xlsx (to --output).",
        ),
    ],
    report: Annotated[
        Report,
        typer.Option(
            "--report",
            case_sensitive=False,
            help="credits: a row per attendee, session and field of study, computed and "
            "adjusted credits side by side; totals: a row per attendee, a column per field of "
            "study; attendance: every check-in and check-out.",
        ),
    ] = Report.CREDITS,
    output: Annotated[
        Path | None,
        typer.Option("--output", metavar="PATH", help="The file to write; replaced if it exists."),
    ] = None,
) -> None:
    """Export an event's credits or its attendance log for the organizer.

    Text that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
    carriage return) is written with an apostrophe in front. Rows are written as they are
    read, so a large event takes no more memory than a small one.
    """
    if format_ is ExportFormat.XLSX and output is None:
        fail("XLSX is written to a file: name it with --output, e.g. --output credits.xlsx.")
    partial = None if output is None else _partial_file(output, format_)

    async def work(uow: UnitOfWork) -> int:
        found = await get_event(uow, event)
        # closed here, whatever happens, so that its cursor closes while the database is open
        async with aclosing(report_rows(uow, event=found, report=report)) as rows:
            if partial is None:
                return await _write_csv_to_stdout(rows)
            if format_ is ExportFormat.XLSX:
                return await write_xlsx(rows, partial, sheet_name=report.value)
            with partial.open("w", encoding="utf-8", newline="") as stream:
                return await write_csv(rows, stream)

    try:
        written = run_in_unit_of_work(work, write=False)
        if partial is not None and output is not None:
            # the file appears whole or not at all: a failed export leaves the old one
            partial.replace(output)
    except _ReaderGone:
        raise typer.Exit(code=1) from None
    finally:
        if partial is not None:
            partial.unlink(missing_ok=True)
    if output is not None:
        rows_word = "row" if written == 1 else "rows"
        typer.echo(
            f'Wrote the {report.value} report of the event "{event}" to {output} '
            f"({written:,} {rows_word} after the header)."
        )


def _partial_file(output: Path, format_: ExportFormat) -> Path:
    """The file the export is written to before it takes ``output``'s place, made now so
    that a path that cannot be written fails before the database is read."""
    if output.is_dir():
        fail(
            f"--output: {output} is a folder; name a file in it, "
            f"e.g. --output {output / f'credits.{format_.value}'}"
        )
    partial = output.with_name(f".{output.name}.part")
    try:
        partial.touch()
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    return partial


class _ReaderGone(Exception):
    """Standard output was closed by its reader, e.g. ``podium credits export … | head``."""


async def _write_csv_to_stdout(rows: AsyncIterator[Row]) -> int:
    binary = typer.get_binary_stream("stdout")
    # UTF-8 and the CSV's own CRLF line ends, whatever the terminal's settings
    stream = io.TextIOWrapper(binary, encoding="utf-8", newline="")
    try:
        written = await write_csv(rows, stream)
        stream.flush()
    except BrokenPipeError:
        # The reader has what it wanted. What is still buffered goes to /dev/null, so that
        # neither this nor Python's last flush at exit prints a traceback (the way the
        # Python documentation advises for SIGPIPE).
        os.dup2(os.open(os.devnull, os.O_WRONLY), binary.fileno())
        raise _ReaderGone from None
    finally:
        stream.detach()
    return written
