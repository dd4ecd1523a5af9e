"""What each student was last asking about, per channel, for follow-up questions.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation_turns",
        sa.Column("place_key", sa.String(300), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("entry_id", sa.String(80), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("place_key", "user_id", name="pk_conversation_turns"),
    )
    op.create_index("ix_conversation_turns_tenant_key", "conversation_turns", ["tenant_key"])
    op.create_index("ix_conversation_turns_at", "conversation_turns", ["at"])


def downgrade() -> None:
    op.drop_table("conversation_turns")
