"""Tenants and their settings.

Revision ID: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("key", sa.String(120), primary_key=True),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("teacher_role", sa.String(64), nullable=True),
        sa.Column("teacher_users", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("tenants")
