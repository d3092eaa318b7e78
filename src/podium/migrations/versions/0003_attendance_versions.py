"""attendance versions: per-session markers that database triggers move on every change to
what the attendance list shows

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

The list of a session (GET /api/v2/sessions/{id}/attendance) is cached per process and served
while the session's rows of ``attendance_versions`` stay the same. Triggers move them, not
application code, so that every writer does: the ORM, SQLAlchemy Core (the group commit's
batched check-ins pass no ORM hook), plain SQL in a shell. Each trigger writes a new random
63-bit number for each session the changed row belongs to: random, not a counter, so that a
session id that SQLite reuses after a delete, or a database emptied and filled again under a
running process, cannot bring back a version that named another state.

A table of its own, not a column of ``sessions``: session edits and check-ins do not take turns
on one row, and ``sessions.updated_at`` (the schedule's stamp) does not move with check-ins.

PostgreSQL holds an updated row's lock until the transaction ends, so one row per session
would make concurrent check-ins into one session commit one after another (measured, 16
connections: 700-820 instead of 2,100-3,700 committed check-ins/s) and could deadlock
transactions that move two sessions in opposite orders (the group commit's batches). There a
transaction never waits for a version row: it rewrites a row of the session that no other open
transaction holds, or adds one (``attendance_version_bump``); the version is all the session's
rows together. SQLite writes one transaction at a time: one row, slot 0.

SQLite drops a table's triggers when ``batch_alter_table`` rebuilds the table: a later migration
that rebuilds one of these tables must create its triggers again (``create_triggers``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The sessions a changed row belongs to, as one column ``session_id``; ``{row}`` is NEW or OLD.
# Sessions are joined in so that the rows a session's deletion cascades to find nothing: the
# version rows go with the session.
_ITSELF = "SELECT {row}.id AS session_id WHERE {row}.id IS NOT NULL"
_OWN_SESSION = "SELECT s.id AS session_id FROM sessions s WHERE s.id = {row}.session_id"
_RECORD_SESSION = (
    "SELECT c.session_id AS session_id FROM checkins c JOIN sessions s ON s.id = c.session_id"
    " WHERE c.id = {row}.checkin_id"
)
_FIELD_SESSION = (
    "SELECT f.session_id AS session_id FROM fields_of_study f"
    " JOIN sessions s ON s.id = f.session_id WHERE f.id = {row}.field_of_study_id"
)
_ATTENDEE_SESSIONS = (
    "SELECT c.session_id AS session_id FROM checkins c WHERE c.attendee_id = {row}.id"
)

# table -> (the sessions of its rows, the operations that count, the columns the list shows
# when it shows only some: an UPDATE that changes none of them moves nothing). A new session
# gets its version row. An attendee shows only through their records: a new attendee has none,
# and deleting one deletes their records, whose own triggers move the versions.
_ALL = ("INSERT", "UPDATE", "DELETE")
SOURCES: dict[str, tuple[str, tuple[str, ...], tuple[str, ...] | None]] = {
    "sessions": (_ITSELF, ("INSERT",), None),
    "checkins": (_OWN_SESSION, _ALL, None),
    "checkin_history": (_RECORD_SESSION, _ALL, None),
    "codeword_submissions": (_RECORD_SESSION, _ALL, None),
    "credit_adjustments": (_RECORD_SESSION, _ALL, None),
    "fields_of_study": (_OWN_SESSION, _ALL, ("session_id", "name", "credits", "position")),
    "codewords": (_FIELD_SESSION, _ALL, ("field_of_study_id", "word", "position")),
    # added by 0004, which creates its triggers
    "credit_awards": (_OWN_SESSION, _ALL, ("session_id", "field_of_study_id", "credits")),
    "attendees": (
        _ATTENDEE_SESSIONS,
        ("UPDATE",),
        (
            "first_name",
            "last_name",
            "email",
            "external_id",
            "field_1",
            "field_2",
            "field_3",
            "field_4",
            "field_5",
        ),
    ),
}

# tables made by later migrations, which create their triggers themselves
_LATER = frozenset({"credit_awards"})

_SQLITE_UPSERT = (
    # WHERE true: SQLite's parser needs it before ON CONFLICT in an INSERT … SELECT
    "INSERT INTO attendance_versions (session_id, slot, version)"
    " SELECT session_id, 0, random() FROM ({sessions}) AS changed WHERE true"
    " ON CONFLICT (session_id, slot) DO UPDATE SET version = excluded.version"
)
_POSTGRESQL_RANDOM = "floor(random() * 9.2e18)::bigint"
_RANDOM = {"sqlite": "random()", "postgresql": _POSTGRESQL_RANDOM}

# PostgreSQL: give session ``changed`` a new version in this transaction, never waiting for
# another transaction. A row of the session that no other open transaction holds is rewritten
# (SKIP LOCKED; the rows this transaction holds are never skipped); when every row is held, a
# row is added, so a session has about as many rows as it ever had transactions writing it at
# once. Waiting would make concurrent check-ins into one session commit one after another,
# and transactions that move two sessions in opposite orders deadlock. A session moved once
# is not moved again in the same transaction (the list of those moved is a transaction-local
# setting, which a rollback to a savepoint undoes with the rows): PostgreSQL writes a new
# version of a row on each update, and one row rewritten thousands of times in one transaction
# (a bulk import) makes each rewrite slower than the last (150 µs a record instead of 10).
_POSTGRESQL_BUMP = f"""
CREATE FUNCTION attendance_version_bump(changed integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    moved text := coalesce(current_setting('podium.attendance_versions_moved', true), '');
    picked smallint;
BEGIN
    IF strpos(moved, ',' || changed || ',') > 0 THEN
        RETURN;
    END IF;
    SELECT slot INTO picked FROM attendance_versions WHERE session_id = changed
        ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        UPDATE attendance_versions SET version = {_POSTGRESQL_RANDOM}
            WHERE session_id = changed AND slot = picked;
    ELSE
        -- transactions open together have nearby ids: different slots
        picked := pg_current_xact_id()::text::bigint % 32768;
        LOOP
            INSERT INTO attendance_versions (session_id, slot, version)
                VALUES (changed, picked, {_POSTGRESQL_RANDOM}) ON CONFLICT DO NOTHING;
            EXIT WHEN FOUND;
            picked := (picked + 1) % 32768;
        END LOOP;
    END IF;
    PERFORM set_config(
        'podium.attendance_versions_moved', coalesce(nullif(moved, ''), ',') || changed || ',', true
    );
END
$$
"""


def _sqlite_triggers(
    table: str, sessions: str, operations: tuple[str, ...], shown: tuple[str, ...] | None
) -> list[str]:
    rows = {
        "INSERT": sessions.format(row="NEW"),
        "UPDATE": f"{sessions.format(row='OLD')} UNION {sessions.format(row='NEW')}",
        "DELETE": sessions.format(row="OLD"),
    }
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in shown or ())
    statements = []
    for operation in operations:
        when = f"WHEN {changed} " if changed and operation == "UPDATE" else ""
        statements.append(
            f"CREATE TRIGGER attendance_version_{table}_{operation.lower()}"
            f" AFTER {operation} ON {table} FOR EACH ROW {when}"
            f"BEGIN {_SQLITE_UPSERT.format(sessions=rows[operation])}; END"
        )
    return statements


def _postgresql_triggers(
    table: str, sessions: str, operations: tuple[str, ...], shown: tuple[str, ...] | None
) -> list[str]:
    # OLD is NULL in an INSERT trigger and NEW in a DELETE trigger: their lookups find nothing
    both = f"{sessions.format(row='OLD')} UNION {sessions.format(row='NEW')}"
    function = f"attendance_version_{table}"
    statements = [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" PERFORM attendance_version_bump(changed.session_id) FROM ({both}) AS changed"
        " ORDER BY changed.session_id; RETURN NULL; END $$"
    ]
    filtered = ("UPDATE",) if shown is not None else ()
    unfiltered = [operation for operation in operations if operation not in filtered]
    if unfiltered:
        statements.append(
            f"CREATE TRIGGER attendance_version AFTER {' OR '.join(unfiltered)} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    if shown is not None and "UPDATE" in operations:
        olds = ", ".join(f"OLD.{column}" for column in shown)
        news = ", ".join(f"NEW.{column}" for column in shown)
        statements.append(
            f"CREATE TRIGGER attendance_version_update AFTER UPDATE ON {table} FOR EACH ROW"
            f" WHEN (({olds}) IS DISTINCT FROM ({news})) EXECUTE FUNCTION {function}()"
        )
    return statements


def create_triggers(dialect: str, table: str) -> None:
    """Create the triggers of ``table`` (one of ``SOURCES``) that move the versions."""
    sessions, operations, shown = SOURCES[table]
    make = _sqlite_triggers if dialect == "sqlite" else _postgresql_triggers
    for statement in make(table, sessions, operations, shown):
        op.execute(statement)


def drop_triggers(dialect: str, table: str) -> None:
    if dialect == "sqlite":
        for operation in _ALL:
            op.execute(f"DROP TRIGGER IF EXISTS attendance_version_{table}_{operation.lower()}")
        return
    op.execute(f"DROP TRIGGER IF EXISTS attendance_version ON {table}")
    op.execute(f"DROP TRIGGER IF EXISTS attendance_version_update ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS attendance_version_{table}()")


def upgrade() -> None:
    op.create_table(
        "attendance_versions",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("slot", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_attendance_versions_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "slot", name=op.f("pk_attendance_versions")),
    )
    dialect = op.get_bind().dialect.name
    op.execute(
        "INSERT INTO attendance_versions (session_id, slot, version)"
        f" SELECT id, 0, {_RANDOM[dialect]} FROM sessions"
    )
    if dialect == "postgresql":
        op.execute(_POSTGRESQL_BUMP)
    for table in SOURCES:
        if table not in _LATER:
            create_triggers(dialect, table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SOURCES:
        if table not in _LATER:
            drop_triggers(dialect, table)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS attendance_version_bump(integer)")
    op.drop_table("attendance_versions")
