"""Per-channel answers setting (public or private) and private answers kept for sharing.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "channel_settings",
        sa.Column("tenant_key", sa.String(120), primary_key=True),
        sa.Column("channel", sa.String(100), primary_key=True),
        sa.Column("answers", sa.String(16), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "private_answers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        sa.Column("answer", sa.JSON(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("shared_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_private_answers_tenant_key", "private_answers", ["tenant_key"])
    op.create_index("ix_private_answers_asked_at", "private_answers", ["asked_at"])


def downgrade() -> None:
    op.drop_index("ix_private_answers_asked_at", "private_answers")
    op.drop_index("ix_private_answers_tenant_key", "private_answers")
    op.drop_table("private_answers")
    op.drop_table("channel_settings")
