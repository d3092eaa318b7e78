"""votes counted as they are written: poll_counts, kept by triggers on votes

Revision ID: 0009
Revises: 0008
Create Date: 2027-02-01

A poll's tally was counted from its votes on every read: the votes grouped by their stored
choices, for each poll shown. When a keynote's audience votes, every answer to an htmx vote
shows the tallies, and so does every tick of the realtime hub: each read went through every
vote of every poll whose results are shown (12 % of the server's CPU at 2,000 votes a poll).
``poll_counts`` holds each poll's count of every answer (see ``models.PollCount``), moved by
triggers on ``votes`` in the transaction of the write: a tally is one short read of a poll's
few rows. SQLite: a trigger per row. PostgreSQL: a trigger per statement, with the rows the
statement wrote (transition tables), adding each (poll, answer) once, in (poll, answer) order,
so that two transactions add to a poll's rows in the same order. A vote adds one to ``-1``
(every vote), to each distinct choice index it names, or to its rating minus one; a deleted
vote (its attendee or poll deleted) takes away what it added; an update does both.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OPERATIONS = ("INSERT", "UPDATE", "DELETE")


def _postgresql_answers(votes: str) -> str:
    """(poll_id, answer) of every answer of the rows of ``votes``: a vote's -1, its distinct
    choice indexes, its rating minus one."""
    return f"""
        SELECT poll_id, -1 AS answer FROM {votes}
        UNION ALL
        SELECT v.poll_id, chosen.answer FROM {votes} v
            CROSS JOIN LATERAL (
                SELECT DISTINCT value::int AS answer FROM json_array_elements_text(
                    CASE WHEN json_typeof(v.choices) = 'array' THEN v.choices ELSE '[]' END
                )
            ) AS chosen
        UNION ALL
        SELECT poll_id, rating - 1 FROM {votes} WHERE rating IS NOT NULL"""


def _postgresql_add(votes: str) -> str:
    return f"""
    INSERT INTO poll_counts (poll_id, answer, votes)
        SELECT poll_id, answer, count(*) FROM ({_postgresql_answers(votes)}) AS given
        GROUP BY poll_id, answer ORDER BY poll_id, answer
        ON CONFLICT (poll_id, answer) DO UPDATE SET votes = poll_counts.votes + EXCLUDED.votes;"""


def _postgresql_take(votes: str) -> str:
    return f"""
    UPDATE poll_counts c SET votes = c.votes - taken.votes
        FROM (SELECT poll_id, answer, count(*) AS votes FROM ({_postgresql_answers(votes)}) AS
              given GROUP BY poll_id, answer) AS taken
        WHERE c.poll_id = taken.poll_id AND c.answer = taken.answer;"""


_POSTGRESQL = {
    "INSERT": ("NEW TABLE AS new_votes", _postgresql_add("new_votes")),
    "UPDATE": (
        "OLD TABLE AS old_votes NEW TABLE AS new_votes",
        _postgresql_take("old_votes") + _postgresql_add("new_votes"),
    ),
    "DELETE": ("OLD TABLE AS old_votes", _postgresql_take("old_votes")),
}


def _sqlite_add(row: str) -> str:
    upsert = "ON CONFLICT (poll_id, answer) DO UPDATE SET votes = votes + 1;"
    return f"""
    INSERT INTO poll_counts (poll_id, answer, votes) VALUES ({row}.poll_id, -1, 1) {upsert}
    INSERT INTO poll_counts (poll_id, answer, votes)
        SELECT DISTINCT {row}.poll_id, value, 1 FROM json_each({row}.choices)
        WHERE type = 'integer' {upsert}
    INSERT INTO poll_counts (poll_id, answer, votes)
        SELECT {row}.poll_id, {row}.rating - 1, 1 WHERE {row}.rating IS NOT NULL {upsert}"""


_SQLITE_TAKE = """
    UPDATE poll_counts SET votes = votes - 1 WHERE poll_id = OLD.poll_id AND (
        answer = -1 OR answer = OLD.rating - 1
        OR answer IN (SELECT value FROM json_each(OLD.choices) WHERE type = 'integer'));"""
_SQLITE = {
    "INSERT": ("INSERT", _sqlite_add("NEW")),
    "UPDATE": ("UPDATE OF poll_id, choices, rating", _SQLITE_TAKE + _sqlite_add("NEW")),
    "DELETE": ("DELETE", _SQLITE_TAKE),
}

# every vote's answers, counted: the rows of the votes written before this migration
_SQLITE_BACKFILL = """
    SELECT poll_id, -1 AS answer FROM votes
    UNION ALL
    SELECT poll_id, answer FROM (
        SELECT DISTINCT v.id, v.poll_id, chosen.value AS answer
        FROM votes v, json_each(v.choices) AS chosen WHERE chosen.type = 'integer')
    UNION ALL
    SELECT poll_id, rating - 1 FROM votes WHERE rating IS NOT NULL"""


def upgrade() -> None:
    op.create_table(
        "poll_counts",
        sa.Column("poll_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("answer", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("votes", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["poll_id"], ["polls.id"], name=op.f("fk_poll_counts_poll_id_polls"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("poll_id", "answer", name=op.f("pk_poll_counts")),
    )
    dialect = op.get_bind().dialect.name
    answers = _SQLITE_BACKFILL if dialect == "sqlite" else _postgresql_answers("votes")
    op.execute(
        "INSERT INTO poll_counts (poll_id, answer, votes)"
        f" SELECT poll_id, answer, count(*) FROM ({answers}) AS given GROUP BY poll_id, answer"
    )
    for operation in _OPERATIONS:
        name = f"poll_counts_{operation.lower()}"
        if dialect == "sqlite":
            event, body = _SQLITE[operation]
            op.execute(
                f"CREATE TRIGGER {name} AFTER {event} ON votes FOR EACH ROW BEGIN{body}\nEND"
            )
            continue
        referencing, body = _POSTGRESQL[operation]
        op.execute(
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN{body}"
            " RETURN NULL; END $$"
        )
        op.execute(
            f"CREATE TRIGGER {name} AFTER {operation} ON votes"
            f" REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
        )


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for operation in _OPERATIONS:
        name = f"poll_counts_{operation.lower()}"
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON votes")
            op.execute(f"DROP FUNCTION IF EXISTS {name}()")
    op.drop_table("poll_counts")
