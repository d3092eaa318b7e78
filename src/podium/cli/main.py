"""The ``podium`` command: one Typer app, each command group in its own module.

Registering a command is one line below: ``app.command("name")(module.function)`` for a single
command, ``app.add_typer(module.app, name="group")`` for a group.
"""

from __future__ import annotations

import typer

from podium.cli import apikeys, certificates, credits, database, demo, events, serve, worker

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
app.add_typer(apikeys.app, name="apikey")
app.add_typer(credits.app, name="credits")
app.command("demo")(demo.demo)
app.add_typer(certificates.app, name="certificates")


def main() -> None:
    app(prog_name="podium")


if __name__ == "__main__":
    main()
