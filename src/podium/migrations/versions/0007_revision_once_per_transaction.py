"""a record's revision moves once per transaction on PostgreSQL

Revision ID: 0007
Revises: 0006
Create Date: 2027-01-22

0006's ``checkin_revision_touch`` rewrote the record's row for every row of its history,
codeword submissions, credit adjustments and awards that a transaction wrote: a first check-in
wrote its new record twice (the INSERT, then the history row's touch), and a credits recompute
rewrote a record once per award (0.03 ms of database time each, 2.3 s of a cold recompute of
78,333 awards; pg_stat_statements). A row version this transaction wrote already carries a
revision drawn in this transaction — the INSERT's default or ``checkin_revision_own`` on
UPDATE — that no other transaction has seen, and the attendance list reads only what is
committed: the touch leaves such a record as it is. A row written in a savepoint has the
subtransaction's id: it is touched as before. SQLite keeps 0006's triggers (it has no
transaction ids to ask).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_RANDOM = "floor(random() * 9.2e18)::bigint"


def _touch(skip_own_rows: bool) -> str:
    own = (
        """    IF EXISTS (
        SELECT 1 FROM checkins c WHERE c.id = record_id AND c.xmin = pg_current_xact_id()::xid
    ) THEN
        RETURN;  -- written by this transaction: its revision is new already
    END IF;
"""
        if skip_own_rows
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION checkin_revision_touch(record_id integer) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    held integer;
BEGIN
{own}    UPDATE checkins SET revision = {_RANDOM} WHERE id IN (
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


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_touch(skip_own_rows=True))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_touch(skip_own_rows=False))
