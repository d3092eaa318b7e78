"""``podium db …``: the database schema."""

from __future__ import annotations

import typer
from alembic.script import ScriptDirectory

from podium.cli.running import database_label, run_migrations
from podium.migrations import alembic_config

app = typer.Typer(help="The database schema.", no_args_is_help=True)


@app.command("upgrade")
def upgrade() -> None:
    """Apply the migrations that have not been applied yet (Alembic, to head)."""
    settings = run_migrations()
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    typer.echo(
        f"The database {database_label(settings.database_url)} is at the latest schema "
        f"(revision {head})."
    )
