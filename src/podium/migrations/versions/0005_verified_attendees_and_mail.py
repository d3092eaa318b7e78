"""verified attendees and mail: when a browser first joined as an attendee, the codes and
sign-in links that prove an attendee's email, and the outbox of mail the worker sends

Revision ID: 0005
Revises: 0004
Create Date: 2027-01-15

``attendees.joined_at`` is added in place (no table rebuild on SQLite, so the attendance
versions' triggers of 0003 stay). Attendees that existed before are left unjoined: the first
browser to join as one of them after the upgrade joins at once, as a preloaded attendee does.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from podium.models.base import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("attendees", sa.Column("joined_at", UTCDateTime(timezone=True), nullable=True))
    op.create_table(
        "email_proofs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("next_path", sa.String(length=2000), nullable=True),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_email_proofs_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_email_proofs_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_email_proofs")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_email_proofs_token_hash")),
    )
    op.create_index("ix_email_proofs_attendee", "email_proofs", ["attendee_id"])
    op.create_index("ix_email_proofs_device", "email_proofs", ["event_id", "device_hash"])
    op.create_table(
        "mail_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_address", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=998), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=True),
        sa.Column("message_key", sa.String(length=255), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("claim_token", sa.String(length=32), nullable=True),
        sa.Column("claimed_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mail_outbox")),
    )
    op.create_index("ix_mail_outbox_due", "mail_outbox", ["state", "next_attempt_at"])


def downgrade() -> None:
    op.drop_index("ix_mail_outbox_due", table_name="mail_outbox")
    op.drop_table("mail_outbox")
    op.drop_index("ix_email_proofs_device", table_name="email_proofs")
    op.drop_index("ix_email_proofs_attendee", table_name="email_proofs")
    op.drop_table("email_proofs")
    # in place on SQLite too (3.35+): a batch rebuild would drop the attendees' triggers
    op.execute("ALTER TABLE attendees DROP COLUMN joined_at")
