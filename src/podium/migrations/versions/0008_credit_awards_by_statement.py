"""credit awards move versions and revisions once per statement on PostgreSQL

Revision ID: 0008
Revises: 0007
Create Date: 2027-01-25

``credit_awards`` moved the attendance versions (0003, 0004) and the records' revisions (0006,
0007) with a trigger per row: a cold credits recompute of an event writes 78,333 awards, and
each one's two triggers cost about as much as the write itself (4 to 5 s of a 13 to 16 s recompute,
measured with the triggers disabled). The ledger now writes a batch's awards in one statement
per kind (INSERT, UPDATE, DELETE), and these triggers run once per statement, with the rows
the statement wrote (transition tables): each session of those rows is moved once, each
record once, in id order. What they move is what the row triggers moved: every session and
record of an inserted or deleted award; of an updated one, those of the old and the new row
when its record, field of study, session or credits changed. SQLite keeps the row triggers
(it has no statement triggers).
"""

import importlib
from collections.abc import Sequence

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the row triggers' machinery (module names that start with a digit)
_versions = importlib.import_module("podium.migrations.versions.0003_attendance_versions")
_revisions = importlib.import_module("podium.migrations.versions.0006_checkin_revisions")

# the columns of an award the attendance list shows (0003 and 0006 watch the same ones)
_SHOWN = ("checkin_id", "field_of_study_id", "session_id", "credits")


def _moves(rows: str) -> str:
    """Move the versions of the sessions and the revisions of the records of ``rows`` (a
    query of ``session_id``, ``checkin_id``), each once, in id order."""
    return f"""
    PERFORM attendance_version_bump(s.id)
        FROM (SELECT DISTINCT session_id FROM ({rows}) AS r) AS changed
        JOIN sessions s ON s.id = changed.session_id
        ORDER BY s.id;
    PERFORM checkin_revision_touch(changed.checkin_id)
        FROM (SELECT DISTINCT checkin_id FROM ({rows}) AS r) AS changed
        ORDER BY changed.checkin_id;"""


_DIFFERS = " OR ".join(f"o.{column} IS DISTINCT FROM n.{column}" for column in _SHOWN)
_CHANGED = (
    f"SELECT o.session_id, o.checkin_id FROM old_awards o JOIN new_awards n ON n.id = o.id"
    f" WHERE {_DIFFERS}"
    f" UNION ALL SELECT n.session_id, n.checkin_id FROM old_awards o"
    f" JOIN new_awards n ON n.id = o.id WHERE {_DIFFERS}"
)
_FUNCTIONS = {
    "INSERT": _moves("SELECT session_id, checkin_id FROM new_awards"),
    "UPDATE": _moves(_CHANGED),
    "DELETE": _moves("SELECT session_id, checkin_id FROM old_awards"),
}
_REFERENCING = {
    "INSERT": "NEW TABLE AS new_awards",
    "UPDATE": "OLD TABLE AS old_awards NEW TABLE AS new_awards",
    "DELETE": "OLD TABLE AS old_awards",
}


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    _versions.drop_triggers("postgresql", "credit_awards")
    _revisions.drop_triggers("postgresql", "credit_awards")
    for operation, body in _FUNCTIONS.items():
        name = f"credit_awards_{operation.lower()}"
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN{body}"
            " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER {operation} ON credit_awards"
            f" REFERENCING {_REFERENCING[operation]} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for operation in _FUNCTIONS:
        name = f"credit_awards_{operation.lower()}"
        op.execute(f"DROP TRIGGER IF EXISTS {name} ON credit_awards")
        op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    _versions.create_triggers("postgresql", "credit_awards")
    _revisions.create_triggers("postgresql", "credit_awards")
