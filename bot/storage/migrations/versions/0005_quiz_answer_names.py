"""Quiz answers keep the student's display name (players are created when a question closes).

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("quiz_answers") as batch:
        batch.add_column(sa.Column("display_name", sa.String(100), nullable=False,
                                   server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("quiz_answers") as batch:
        batch.drop_column("display_name")
