"""``podium evaluation questions``: the questions of the evaluation form attendees fill in after
a session: those asked at every session of the event, and a session's own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

import typer

from podium.cli.running import fail, run_in_unit_of_work
from podium.enums import EvaluationQuestionKind
from podium.evaluations.service import (
    define_evaluation_question,
    get_evaluation_question,
    list_evaluation_questions,
    move_evaluation_question,
    remove_evaluation_question,
)
from podium.events.service import get_event
from podium.kit.db import UnitOfWork
from podium.models import EvaluationQuestion, Event, EventSession
from podium.program.service import get_session

app = typer.Typer(help="Session evaluations.", no_args_is_help=True)


@dataclass(frozen=True)
class _Listing:
    heading: str
    lines: list[str]
    done: str | None


@app.command("questions")
def questions(
    event: Annotated[
        str, typer.Option("--event", metavar="URI", help='The event\'s URI, e.g. "demo".')
    ],
    session: Annotated[
        str | None,
        typer.Option(
            "--session",
            metavar="ID",
            help="A session's id: its form (the event's questions and its own); --add adds a "
            "question to it alone.",
        ),
    ] = None,
    add: Annotated[
        str | None, typer.Option("--add", metavar="TEXT", help="Add a question with this text.")
    ] = None,
    kind: Annotated[
        EvaluationQuestionKind,
        typer.Option(
            "--kind",
            case_sensitive=False,
            help="With --add: rating (a scale), choice (one of the --choice labels) or text.",
        ),
    ] = EvaluationQuestionKind.RATING,
    choice: Annotated[
        list[str] | None,
        typer.Option(
            "--choice",
            metavar="LABEL",
            help="With --add: a label of a rating's point (lowest first; default 1 to 5) or a "
            "choice. Repeatable.",
        ),
    ] = None,
    per_presenter: Annotated[
        bool,
        typer.Option("--per-presenter", help="With --add: asked once for each presenter."),
    ] = False,
    optional: Annotated[
        bool, typer.Option("--optional", help="With --add: attendees may leave it unanswered.")
    ] = False,
    remove: Annotated[
        int | None,
        typer.Option("--remove", metavar="NUMBER", help="Remove the question #NUMBER."),
    ] = None,
    with_answers: Annotated[
        bool,
        typer.Option(
            "--with-answers", help="With --remove: remove a question that has answers, and them."
        ),
    ] = False,
    move: Annotated[
        int | None,
        typer.Option(
            "--move", metavar="NUMBER", help="Move the question #NUMBER to the place --to."
        ),
    ] = None,
    to: Annotated[
        int | None,
        typer.Option(
            "--to",
            metavar="PLACE",
            help="With --move (or --add): the place in the list, 1 for the first.",
        ),
    ] = None,
) -> None:
    """List the evaluation questions of an event (or of a session's form), or add, remove or
    move one.

    Without --add, --remove or --move, prints the list: place, #number (what --remove and
    --move take), text, kind and labels. A change is made in one transaction and the list is
    printed after it.
    """
    given = {"--add": add, "--remove": remove, "--move": move}
    chosen = [name for name, value in given.items() if value is not None]
    if len(chosen) > 1:
        fail(f"give one of {', '.join(chosen)} at a time")
    if move is not None and to is None:
        fail("--move: say where with --to PLACE (1 for the first)")
    if to is not None and move is None and add is None:
        fail("--to: give it with --move NUMBER or --add TEXT")

    async def work(uow: UnitOfWork) -> _Listing:
        found = await get_event(uow, event)
        target = await get_session(uow, event=found, public_id=session) if session else None
        done = None
        if add is not None:
            question = await define_evaluation_question(
                uow,
                event=found,
                session=target,
                text=add,
                kind=kind,
                choices=choice or None,
                per_presenter=per_presenter,
                required=not optional,
            )
            if to is not None:
                await move_evaluation_question(
                    uow, event=found, question=question, to=to, session=target
                )
            done = f"Added question #{question.id}."
        elif remove is not None:
            question = await get_evaluation_question(uow, event=found, question_id=remove)
            answers = await remove_evaluation_question(
                uow, question=question, with_answers=with_answers
            )
            done = f"Removed question #{remove}" + (
                f" and its {answers} answer{'s' if answers != 1 else ''}." if answers else "."
            )
        elif move is not None and to is not None:
            question = await get_evaluation_question(uow, event=found, question_id=move)
            await move_evaluation_question(
                uow, event=found, question=question, to=to, session=target
            )
            done = f"Moved question #{move} to place {to}."
        listed = await list_evaluation_questions(uow, event=found, session=target)
        return _Listing(
            _heading(found, target), [_line(n, q) for n, q in enumerate(listed, 1)], done
        )

    listing = run_in_unit_of_work(work)
    if listing.done:
        typer.echo(listing.done)
    if not listing.lines:
        typer.echo(
            f"{listing.heading}: none yet. Add one with --add TEXT --kind rating|choice|text."
        )
        return
    typer.echo(f"{listing.heading}:")
    for line in listing.lines:
        typer.echo(f"  {line}")


def _heading(event: Event, session: EventSession | None) -> str:
    if session is None:
        return f'Evaluation questions of the event "{event.uri}", asked after every session'
    return f'Evaluation questions of the session "{session.name}" ({session.public_id})'


def _line(place: int, question: EvaluationQuestion) -> str:
    details = [question.kind]
    if question.choices:
        details[0] += ": " + " | ".join(question.choices)
    if question.per_presenter:
        details.append("once per presenter")
    if not question.required:
        details.append("optional")
    if question.session_id is not None:
        details.append("this session only")
    return f"{place}. #{question.id} {question.text} ({'; '.join(details)})"
