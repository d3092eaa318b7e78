"""``podium certificates …``: certificates of continuing-education credit, as PDF files."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

import typer

from podium.cli.running import fail, load_settings, progress, run_in_unit_of_work
from podium.credits.service import (
    CertificateView,
    certificate_view,
    count_attendees_with_records,
    event_transcripts,
    issue_certificates,
    render_certificate,
    verification_url,
)
from podium.events.service import get_event
from podium.kit.db import UnitOfWork
from podium.people.errors import AttendeeNotFound
from podium.people.service import attendees_with_email

app = typer.Typer(help="Certificates of continuing-education credit.", no_args_is_help=True)


@dataclass(frozen=True)
class _Issued:
    certificates: list[CertificateView]
    attendees: int
    without_credits: int


@app.command(
    "build",
    help="Issue the certificates of an event's attendees and write each as a PDF file: for "
    "every attendee with credits, one for the whole event and one per session they earned "
    "credits in. A certificate whose credits did not change keeps its number (its file is "
    "written again); one whose credits changed is replaced by a new one with a new number.",
)
def build(
    event: Annotated[
        str, typer.Option("--event", metavar="URI", help='The event\'s URI, e.g. "demo".')
    ],
    attendee: Annotated[
        str | None,
        typer.Option(
            "--attendee", metavar="EMAIL", help="Only the attendee(s) with this email address."
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            metavar="DIR",
            help="Where to write the PDF files; default: certificates/<URI>/ in Podium's state "
            "directory (var/ unless the SQLite database lives elsewhere).",
            file_okay=False,
        ),
    ] = None,
) -> None:
    settings = load_settings()
    directory = output or settings.state_directory / "certificates" / event

    async def work(uow: UnitOfWork) -> _Issued:
        found = await get_event(uow, event)
        if attendee is not None and not await attendees_with_email(
            uow, event=found, email=attendee
        ):
            raise AttendeeNotFound(
                f'No attendee of the event "{event}" has the email address {attendee}; '
                "check the address, or leave --attendee out to build everyone's."
            )
        total = await count_attendees_with_records(uow, event=found, attendee_email=attendee)
        views: list[CertificateView] = []
        attendees = without = 0
        with progress(total, "Issuing certificates") as advance:
            async for transcript in event_transcripts(uow, event=found, attendee_email=attendee):
                issued = await issue_certificates(uow, event=found, transcript=transcript)
                views.extend(certificate_view(c, event=found) for c in issued)
                attendees += 1
                without += not issued
                advance(1)
        return _Issued(views, attendees, without)

    # written once the certificates are committed, so no file names a number that was not
    issued = run_in_unit_of_work(work)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        fail(f"cannot create the directory {directory}: {exc.strerror or exc}")
    with progress(len(issued.certificates), "Writing PDF files") as advance:
        for view in issued.certificates:
            path = directory / file_name(view)
            pdf = render_certificate(
                view, verification_url=verification_url(settings.base_url, view.number)
            )
            try:
                path.write_bytes(pdf)
            except OSError as exc:
                fail(f"cannot write {path}: {exc.strerror or exc}")
            advance(1)
    typer.echo(_summary(issued, directory, attendee))
    if issued.certificates and not settings.base_url_configured:
        # a printed certificate leaves this machine: its address must be one others reach
        typer.echo(
            f"note: their QR codes and verification addresses start with {settings.base_url}, "
            "Podium's default address; set PODIUM_BASE_URL to the address people reach Podium "
            "at, then build them again (they keep their numbers).",
            err=True,
        )


def file_name(certificate: CertificateView) -> str:
    """ "PDM-7KQX-M4TZ-9HWC-zoe-angstrom.pdf": the number, then the holder in plain letters."""
    ascii_name = (
        unicodedata.normalize("NFKD", certificate.holder_name).encode("ascii", "ignore").decode()
    )
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:60].rstrip("-")
    return f"{certificate.number}-{slug}.pdf" if slug else f"{certificate.number}.pdf"


def _summary(issued: _Issued, directory: Path, attendee: str | None) -> str:
    written = len(issued.certificates)
    with_credits = issued.attendees - issued.without_credits
    if issued.attendees == 0:
        who = f"{attendee} has not" if attendee else "No attendee has"
        return f"{who} checked in to any session yet: no certificate to write."
    line = (
        f"Wrote {_count(written, 'certificate')} of {_count(with_credits, 'attendee')} "
        f"to {directory}/."
    )
    if issued.without_credits:
        line += (
            f" {_count(issued.without_credits, 'attendee')} with check-ins but no credits got none."
        )
    return line


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
