"""The ``podium`` command: one Typer app, each command group in its own module.

Registering a command is one line below: ``app.command("name")(module.function)`` for a single
command, ``app.add_typer(module.app, name="group")`` for a group.
"""

from __future__ import annotations

import sys

import typer

from podium.cli import (
    apikeys,
    certificates,
    credits,
    database,
    demo,
    evaluations,
    events,
    serve,
    sessions,
    worker,
)
from podium.kit.text import unstorable_reason

app = typer.Typer(
    name="podium",
    help="Podium: a self-hosted event and conference platform. "
    "Settings come from PODIUM_* environment variables (see the README).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("serve")(serve.serve)
app.command("worker")(worker.worker)
app.add_typer(database.app, name="db")
app.add_typer(events.app, name="event")
app.add_typer(sessions.app, name="session")
app.add_typer(evaluations.app, name="evaluation")
app.add_typer(apikeys.app, name="apikey")
app.add_typer(credits.app, name="credits")
app.command("demo")(demo.demo)
app.add_typer(certificates.app, name="certificates")


def main() -> None:
    _refuse_unstorable_arguments(sys.argv[1:])
    app(prog_name="podium")


def _refuse_unstorable_arguments(arguments: list[str]) -> None:
    """Exit 1 with one line when an argument holds text no database can store: a NUL cannot be
    passed, but bytes that are not UTF-8 reach Python as lone surrogates."""
    for argument in arguments:
        reason = unstorable_reason(argument)
        if reason is not None:
            typer.echo(
                f"error: the argument {argument!a} contains a character that cannot be "
                f"stored ({reason}, from bytes that are not UTF-8); remove it.",
                err=True,
            )
            raise SystemExit(1)


if __name__ == "__main__":
    main()
