"""credits: rules per event and session, the awards computed from attendance, the audit log
of changes people made, certificates; the event's organizer

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

The attendance list shows the credits a record was awarded, so ``credit_awards`` moves the
attendance versions as the tables of 0003 do (its triggers are made by 0003's functions).
"""

import importlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from podium.models.base import DecimalAmount, UTCDateTime

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# the attendance versions' trigger machinery (a module name that starts with a digit)
_versions = importlib.import_module("podium.migrations.versions.0003_attendance_versions")


def upgrade() -> None:
    op.create_table(
        "event_credit_rules",
        sa.Column("event_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("minutes_per_credit", sa.Integer(), nullable=True),
        sa.Column("partial_credit_step", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("codeword_rule", sa.String(length=8), nullable=True),
        sa.Column("codeword_minimum", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("evaluation_rule", sa.String(length=16), nullable=True),
        sa.Column("late_checkin_minutes", sa.Integer(), nullable=True),
        sa.Column("early_checkout_minutes", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_event_credit_rules_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_credit_rules")),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("holder_name", sa.String(length=600), nullable=False),
        sa.Column("total_credits", DecimalAmount(precision=12, scale=4), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("issued_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("superseded_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_certificates_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_certificates_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_certificates_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("number", name=op.f("uq_certificates_number")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_certificates_attendee", ["attendee_id", "session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_session_id"), ["session_id"], unique=False
        )

    op.create_table(
        "session_credit_rules",
        sa.Column("session_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("minutes_per_credit", sa.Integer(), nullable=True),
        sa.Column("partial_credit_step", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("codeword_rule", sa.String(length=8), nullable=True),
        sa.Column("codeword_minimum", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("evaluation_rule", sa.String(length=16), nullable=True),
        sa.Column("late_checkin_minutes", sa.Integer(), nullable=True),
        sa.Column("early_checkout_minutes", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_session_credit_rules_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", name=op.f("pk_session_credit_rules")),
    )
    op.create_table(
        "credit_audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=True),
        sa.Column("session_id", sa.Integer(), nullable=True),
        sa.Column("attendee", sa.String(length=600), nullable=True),
        sa.Column("session_name", sa.String(length=500), nullable=True),
        sa.Column("field_of_study", sa.String(length=255), nullable=True),
        sa.Column("computed_credits", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("previous_credits", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("new_credits", DecimalAmount(precision=12, scale=4), nullable=True),
        sa.Column("details", sa.JSON(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("actor", sa.String(length=255), nullable=True),
        sa.Column("at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_credit_audit_log_checkin_id_checkins"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["events.id"],
            name=op.f("fk_credit_audit_log_event_id_events"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_credit_audit_log_session_id_sessions"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_audit_log")),
    )
    with op.batch_alter_table("credit_audit_log", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_credit_audit_log_checkin_id"), ["checkin_id"], unique=False
        )
        batch_op.create_index("ix_credit_audit_log_event_at", ["event_id", "at"], unique=False)

    op.create_table(
        "credit_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checkin_id", sa.Integer(), nullable=False),
        sa.Column("field_of_study_id", sa.Integer(), nullable=False),
        sa.Column("attendee_id", sa.Integer(), nullable=False),
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("credits", DecimalAmount(precision=12, scale=4), nullable=False),
        sa.Column("possible", DecimalAmount(precision=12, scale=4), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("seconds_attended", sa.Integer(), nullable=False),
        sa.Column("seconds_required", sa.Integer(), nullable=True),
        sa.Column("codewords_valid", sa.Integer(), nullable=False),
        sa.Column("codewords_required", sa.Integer(), nullable=False),
        sa.Column("codewords_possible", sa.Integer(), nullable=False),
        sa.Column("evaluation_required", sa.Boolean(), nullable=False),
        sa.Column("evaluation_submitted", sa.Boolean(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("computed_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["attendee_id"],
            ["attendees.id"],
            name=op.f("fk_credit_awards_attendee_id_attendees"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["checkin_id"],
            ["checkins.id"],
            name=op.f("fk_credit_awards_checkin_id_checkins"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["field_of_study_id"],
            ["fields_of_study.id"],
            name=op.f("fk_credit_awards_field_of_study_id_fields_of_study"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_credit_awards_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_awards")),
        sa.UniqueConstraint(
            "checkin_id",
            "field_of_study_id",
            name=op.f("uq_credit_awards_checkin_id_field_of_study_id"),
        ),
    )
    with op.batch_alter_table("credit_awards", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_awards_attendee", ["attendee_id", "session_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_awards_field_of_study_id"), ["field_of_study_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_credit_awards_session_id"), ["session_id"], unique=False
        )

    op.add_column("events", sa.Column("organizer", sa.String(length=255), nullable=True))
    _versions.create_triggers(op.get_bind().dialect.name, "credit_awards")


def downgrade() -> None:
    _versions.drop_triggers(op.get_bind().dialect.name, "credit_awards")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("organizer")

    with op.batch_alter_table("credit_awards", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credit_awards_session_id"))
        batch_op.drop_index(batch_op.f("ix_credit_awards_field_of_study_id"))
        batch_op.drop_index("ix_credit_awards_attendee")

    op.drop_table("credit_awards")
    with op.batch_alter_table("credit_audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_audit_log_event_at")
        batch_op.drop_index(batch_op.f("ix_credit_audit_log_checkin_id"))

    op.drop_table("credit_audit_log")
    op.drop_table("session_credit_rules")
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_certificates_session_id"))
        batch_op.drop_index("ix_certificates_attendee")

    op.drop_table("certificates")
    op.drop_table("event_credit_rules")
