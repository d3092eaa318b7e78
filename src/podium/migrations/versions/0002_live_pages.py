"""live pages: moderated Q&A per session, announced codewords

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import podium.models.base

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.add_column(
            sa.Column(
                "questions_moderated", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    with op.batch_alter_table("codewords") as batch_op:
        batch_op.add_column(
            sa.Column("announced_at", podium.models.base.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("codewords") as batch_op:
        batch_op.drop_column("announced_at")
    with op.batch_alter_table("sessions") as batch_op:
        batch_op.drop_column("questions_moderated")
