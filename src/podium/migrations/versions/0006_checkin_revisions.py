"""check-in revisions: a per-record marker that database triggers move on every change to what
the attendance list shows of that record

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-20

The attendance list (GET /api/v2/sessions/{id}/attendance) keeps each record's encoded JSON in
the process and encodes again only the records whose ``checkins.revision`` moved. As with the
attendance versions of 0003, triggers move it, not application code, so that every writer does
(the ORM, Core, plain SQL), and it is a random 63-bit number, not a counter: a record id that
SQLite reuses after a delete cannot bring back a revision that named another record's state.

It moves when the record's row changes, and when its history, codeword submissions, credit
adjustments or credit awards change, or a shown column of its attendee. What every record of a
session shows alike (the fields of study and their codewords, the event's time zone) is not
here: the list reads it with the revisions and keys the kept records by it.

PostgreSQL: a trigger of a table other than ``checkins`` never waits for a record's row that
another open transaction holds (a check-out batch holds its records and then writes their
credit awards; a credits recompute writes awards and would then wait for those records: a
deadlock). It moves what it can take at once (SKIP LOCKED; rows this transaction holds are
never skipped), and for a record it cannot take it moves the session's ``records_generation``
instead (a column of the session's attendance version rows, written as 0003 writes versions:
a row no other transaction holds, or a new one), which makes the list encode every record of
the session again. SQLite writes one transaction at a time: a plain UPDATE.

SQLite drops a table's triggers when ``batch_alter_table`` rebuilds the table: a later
migration that rebuilds one of these tables must create its triggers again
(``create_triggers``).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ATTENDEE_SHOWN = (
    "first_name",
    "last_name",
    "email",
    "external_id",
    "field_1",
    "field_2",
    "field_3",
    "field_4",
    "field_5",
)
# table -> (the column naming the record(s) of a row, the columns shown when only some are)
SOURCES: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "checkin_history": ("checkin_id", None),
    "codeword_submissions": ("checkin_id", None),
    "credit_adjustments": ("checkin_id", None),
    "credit_awards": ("checkin_id", ("checkin_id", "field_of_study_id", "credits")),
    # an attendee's records: every record whose attendee_id is the row's id
    "attendees": ("id", _ATTENDEE_SHOWN),
}
_RECORDS_OF = {"checkin_id": "id", "id": "attendee_id"}
_ALL = ("INSERT", "UPDATE", "DELETE")

_POSTGRESQL_RANDOM = "floor(random() * 9.2e18)::bigint"

# PostgreSQL: move the revision of the records ``wanted`` selects, those it can take without
# waiting; for each record held by another transaction, the session's records generation.
_POSTGRESQL_TOUCH = f"""
CREATE FUNCTION checkin_revision_touch(record_id integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    held integer;
BEGIN
    UPDATE checkins SET revision = {_POSTGRESQL_RANDOM} WHERE id IN (
        SELECT c.id FROM checkins c WHERE c.id = record_id FOR UPDATE SKIP LOCKED
    );
    IF NOT FOUND THEN
        -- held by another transaction (or gone: then nothing is found)
        SELECT c.session_id INTO held FROM checkins c WHERE c.id = record_id;
        IF FOUND THEN
            PERFORM attendance_records_reset(held);
        END IF;
    END IF;
END
$$
"""
_POSTGRESQL_TOUCH_ATTENDEE = """
CREATE FUNCTION checkin_revision_touch_attendee(attendee integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM checkin_revision_touch(c.id) FROM checkins c WHERE c.attendee_id = attendee
        ORDER BY c.id;
END
$$
"""

# PostgreSQL: a new records generation (and version) for session ``changed``, never waiting,
# as attendance_version_bump (0003) writes versions.
_POSTGRESQL_RESET = f"""
CREATE FUNCTION attendance_records_reset(changed integer) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    picked smallint;
BEGIN
    SELECT slot INTO picked FROM attendance_versions WHERE session_id = changed
        ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
        UPDATE attendance_versions
            SET version = {_POSTGRESQL_RANDOM}, records_generation = {_POSTGRESQL_RANDOM}
            WHERE session_id = changed AND slot = picked;
        RETURN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM sessions WHERE id = changed) THEN
        RETURN;
    END IF;
    picked := pg_current_xact_id()::text::bigint % 32768;
    LOOP
        INSERT INTO attendance_versions (session_id, slot, version, records_generation)
            VALUES (changed, picked, {_POSTGRESQL_RANDOM}, {_POSTGRESQL_RANDOM})
            ON CONFLICT DO NOTHING;
        EXIT WHEN FOUND;
        picked := (picked + 1) % 32768;
    END LOOP;
END
$$
"""

# PostgreSQL: the record's own row gets a new revision with every UPDATE (one written by hand
# as well: it names no state then)
_POSTGRESQL_OWN = f"""
CREATE FUNCTION checkin_revision_own() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.revision := {_POSTGRESQL_RANDOM};
    RETURN NEW;
END
$$
"""


def _sqlite_touch(key: str, row: str, also: str = "") -> str:
    return f"UPDATE checkins SET revision = random() WHERE {_RECORDS_OF[key]} = {row}.{key}{also}"


def _sqlite_triggers(table: str, key: str, shown: tuple[str, ...] | None) -> list[str]:
    touches = {
        "INSERT": [_sqlite_touch(key, "NEW")],
        "UPDATE": [
            _sqlite_touch(key, "OLD"),
            _sqlite_touch(key, "NEW", f" AND NEW.{key} IS NOT OLD.{key}"),
        ],
        "DELETE": [_sqlite_touch(key, "OLD")],
    }
    changed = " OR ".join(f"OLD.{column} IS NOT NEW.{column}" for column in shown or ())
    operations = ("UPDATE",) if table == "attendees" else _ALL
    statements = []
    for operation in operations:
        when = f"WHEN {changed} " if changed and operation == "UPDATE" else ""
        body = "; ".join(touches[operation])
        statements.append(
            f"CREATE TRIGGER checkin_revision_{table}_{operation.lower()}"
            f" AFTER {operation} ON {table} FOR EACH ROW {when}BEGIN {body}; END"
        )
    return statements


def _postgresql_triggers(table: str, key: str, shown: tuple[str, ...] | None) -> list[str]:
    function = f"checkin_revision_{table}"
    touch = "checkin_revision_touch_attendee" if key == "id" else "checkin_revision_touch"
    statements = [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
        f" IF TG_OP <> 'INSERT' THEN PERFORM {touch}(OLD.{key}); END IF;"
        f" IF TG_OP <> 'DELETE' AND (TG_OP = 'INSERT' OR NEW.{key} IS DISTINCT FROM OLD.{key})"
        f" THEN PERFORM {touch}(NEW.{key}); END IF;"
        " RETURN NULL; END $$"
    ]
    operations = ("UPDATE",) if table == "attendees" else _ALL
    unfiltered = [op for op in operations if shown is None or op != "UPDATE"]
    if unfiltered:
        statements.append(
            f"CREATE TRIGGER checkin_revision AFTER {' OR '.join(unfiltered)} ON {table}"
            f" FOR EACH ROW EXECUTE FUNCTION {function}()"
        )
    if shown is not None:
        olds = ", ".join(f"OLD.{column}" for column in shown)
        news = ", ".join(f"NEW.{column}" for column in shown)
        statements.append(
            f"CREATE TRIGGER checkin_revision_update AFTER UPDATE ON {table} FOR EACH ROW"
            f" WHEN (({olds}) IS DISTINCT FROM ({news})) EXECUTE FUNCTION {function}()"
        )
    return statements


def create_triggers(dialect: str, table: str) -> None:
    """Create the triggers of ``table`` (``checkins`` or one of ``SOURCES``) that move the
    records' revisions."""
    if table == "checkins":
        for statement in _own_triggers(dialect):
            op.execute(statement)
        return
    key, shown = SOURCES[table]
    make = _sqlite_triggers if dialect == "sqlite" else _postgresql_triggers
    for statement in make(table, key, shown):
        op.execute(statement)


def drop_triggers(dialect: str, table: str) -> None:
    if dialect == "sqlite":
        for operation in _ALL:
            op.execute(f"DROP TRIGGER IF EXISTS checkin_revision_{table}_{operation.lower()}")
        return
    if table == "checkins":
        op.execute("DROP TRIGGER IF EXISTS checkin_revision_own ON checkins")
        return
    op.execute(f"DROP TRIGGER IF EXISTS checkin_revision ON {table}")
    op.execute(f"DROP TRIGGER IF EXISTS checkin_revision_update ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS checkin_revision_{table}()")


def _own_triggers(dialect: str) -> list[str]:
    if dialect == "postgresql":
        return [
            "CREATE TRIGGER checkin_revision_own BEFORE UPDATE ON checkins FOR EACH ROW"
            " EXECUTE FUNCTION checkin_revision_own()"
        ]
    # SQLite cannot change NEW: the row is written again (an UPDATE that set the revision
    # itself, as these do, fires nothing more)
    return [
        "CREATE TRIGGER checkin_revision_checkins_insert AFTER INSERT ON checkins FOR EACH ROW"
        " BEGIN UPDATE checkins SET revision = random() WHERE id = NEW.id; END",
        "CREATE TRIGGER checkin_revision_checkins_update AFTER UPDATE ON checkins FOR EACH ROW"
        " WHEN NEW.revision IS OLD.revision"
        " BEGIN UPDATE checkins SET revision = random() WHERE id = NEW.id; END",
    ]


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    # in place on both databases (no batch rebuild: it would drop 0003's triggers on SQLite);
    # SQLite adds a column only with a constant default: the INSERT trigger writes a random one
    default = sa.text(_POSTGRESQL_RANDOM if dialect == "postgresql" else "0")
    op.add_column(
        "checkins", sa.Column("revision", sa.BigInteger(), nullable=False, server_default=default)
    )
    op.add_column(
        "attendance_versions",
        sa.Column("records_generation", sa.BigInteger(), nullable=False, server_default="0"),
    )
    if dialect == "sqlite":
        op.execute("UPDATE checkins SET revision = random()")
    else:
        op.execute(_POSTGRESQL_OWN)
        op.execute(_POSTGRESQL_RESET)
        op.execute(_POSTGRESQL_TOUCH)
        op.execute(_POSTGRESQL_TOUCH_ATTENDEE)
    create_triggers(dialect, "checkins")
    for table in SOURCES:
        create_triggers(dialect, table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in (*SOURCES, "checkins"):
        drop_triggers(dialect, table)
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS checkin_revision_touch_attendee(integer)")
        op.execute("DROP FUNCTION IF EXISTS checkin_revision_touch(integer)")
        op.execute("DROP FUNCTION IF EXISTS attendance_records_reset(integer)")
        op.execute("DROP FUNCTION IF EXISTS checkin_revision_own()")
    op.drop_column("attendance_versions", "records_generation")
    op.drop_column("checkins", "revision")
