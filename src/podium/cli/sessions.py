"""``podium session …``: a session's settings that organizers keep by hand (its codewords)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from podium.cli.running import fail, run_in_unit_of_work
from podium.events.service import get_event
from podium.kit.db import UnitOfWork
from podium.models import EventSession, FieldOfStudy
from podium.program.errors import FieldOfStudyNotFound
from podium.program.service import get_session, load_session, set_codewords
from podium.program.types import text_key

app = typer.Typer(help="Sessions.", no_args_is_help=True)


@dataclass(frozen=True)
class _Field:
    name: str
    words: list[str]


@dataclass(frozen=True)
class _Codewords:
    session: str
    fields: list[_Field]
    changed: str | None  # the field whose codewords were set, if any


@app.command("codewords")
def codewords(
    event: Annotated[
        str, typer.Option("--event", metavar="URI", help='The event\'s URI, e.g. "demo".')
    ],
    session: Annotated[str, typer.Option("--session", metavar="ID", help="The session's id.")],
    words: Annotated[
        list[str] | None,
        typer.Argument(
            metavar="[WORD]...",
            help="The field of study's codewords, in the order they are announced; they "
            "replace the ones it has.",
            show_default=False,
        ),
    ] = None,
    field: Annotated[
        str | None,
        typer.Option(
            "--field",
            metavar="NAME",
            help="The field of study, by name; needed when the session has several.",
        ),
    ] = None,
    clear: Annotated[
        bool, typer.Option("--clear", help="Remove the field of study's codewords.")
    ] = False,
) -> None:
    """Show the codewords of a session's fields of study, or set those of one field.

    Without words (and without --clear), prints them. With words, they replace the field's
    codewords: a word it keeps keeps the attendees' entries of it; credits are recomputed.
    """
    if clear and words:
        fail("give the codewords or --clear, not both")

    async def work(uow: UnitOfWork) -> _Codewords:
        found = await get_event(uow, event)
        target = await get_session(uow, event=found, public_id=session)
        changed = None
        if words or clear:
            detailed = await load_session(uow, event=found, public_id=target.public_id)
            name = field or _only_field(detailed)
            changed = (
                await set_codewords(
                    uow, session=target, field_of_study_name=name, words=words or []
                )
            ).name
        detailed = await load_session(
            uow, event=found, public_id=target.public_id, with_codewords=True
        )
        fields = detailed.fields_of_study
        if field is not None and changed is None:
            fields = [_named(detailed, field)]
        return _Codewords(
            session=detailed.name,
            fields=[_Field(f.name, [c.word for c in f.codewords]) for f in fields],
            changed=changed,
        )

    done = run_in_unit_of_work(work)
    if done.changed is not None:
        typer.echo(f'Set the codewords of {done.changed} in "{done.session}"; credits recomputed.')
    if not done.fields:
        typer.echo(f'"{done.session}" grants no credits, so it has no codewords.')
        return
    typer.echo(f'Codewords of "{done.session}":')
    for shown in done.fields:
        if done.changed is None or shown.name == done.changed:
            listed = ", ".join(shown.words) if shown.words else "none"
            typer.echo(f"  {shown.name}: {listed}")


def _only_field(session: EventSession) -> str:
    names = [f.name for f in session.fields_of_study]
    if len(names) == 1:
        return names[0]
    if not names:
        fail(f'"{session.name}" has no field of study, so it takes no codewords')
    fail(
        f'"{session.name}" has several fields of study ({", ".join(names)}): name one with --field'
    )


def _named(session: EventSession, name: str) -> FieldOfStudy:
    found = next((f for f in session.fields_of_study if f.name_key == text_key(name)), None)
    if found is None:
        raise FieldOfStudyNotFound(f'The session has no field of study named "{name}".')
    return found
