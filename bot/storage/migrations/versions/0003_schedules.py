"""Channel schedules, channel revision questions, personal revision cards and reminders.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def _when(name: str, nullable: bool = False) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("thread", sa.String(100), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("days", sa.String(40), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(80), nullable=True),
        sa.Column("created_by", sa.String(100), nullable=False),
        _when("created_at"),
        _when("next_due"),
        _when("last_fired", nullable=True),
    )
    op.create_index("ix_schedules_tenant_key", "schedules", ["tenant_key"])
    op.create_index("ix_schedules_next_due", "schedules", ["next_due"])

    op.create_table(
        "channel_questions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("place_key", sa.String(250), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("thread", sa.String(100), nullable=True),
        sa.Column("schedule_id", sa.Integer(), nullable=True),
        sa.Column("question_id", sa.String(400), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("message_ref", sa.String(200), nullable=True),
        _when("posted_at"),
        _when("reveal_at"),
        sa.Column("revealed", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_channel_questions_tenant_key", "channel_questions", ["tenant_key"])
    op.create_index("ix_channel_questions_reveal_at", "channel_questions", ["reveal_at"])
    op.create_index("ix_channel_questions_place_round", "channel_questions",
                    ["place_key", "round"])

    op.create_table(
        "channel_answers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("question_post_id", sa.Integer(),
                  sa.ForeignKey("channel_questions.id", ondelete="CASCADE",
                                name="fk_channel_answers_question_post_id_channel_questions"),
                  nullable=False),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        _when("answered_at"),
        sa.UniqueConstraint("question_post_id", "user_id",
                            name="uq_channel_answers_question_post_id"),
    )
    op.create_index("ix_channel_answers_question_post_id", "channel_answers",
                    ["question_post_id"])

    op.create_table(
        "revision_cards",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("question_id", sa.String(400), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("state", sa.Integer(), nullable=False),
        sa.Column("step", sa.Integer(), nullable=True),
        sa.Column("stability", sa.Float(), nullable=True),
        sa.Column("difficulty", sa.Float(), nullable=True),
        _when("due"),
        _when("last_review", nullable=True),
        _when("shown_at", nullable=True),
        _when("created_at"),
        sa.UniqueConstraint("tenant_key", "user_id", "question_id",
                            name="uq_revision_cards_tenant_key"),
    )
    op.create_index("ix_revision_cards_owner_due", "revision_cards",
                    ["tenant_key", "user_id", "due"])

    op.create_table(
        "revision_reviews",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("card_id", sa.Integer(),
                  sa.ForeignKey("revision_cards.id", ondelete="CASCADE",
                                name="fk_revision_reviews_card_id_revision_cards"),
                  nullable=False),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("was_new", sa.Boolean(), nullable=False),
        _when("reviewed_at"),
        sa.Column("before", sa.JSON(), nullable=False),
    )
    op.create_index("ix_revision_reviews_card_id", "revision_reviews", ["card_id"])
    op.create_index("ix_revision_reviews_owner_time", "revision_reviews",
                    ["tenant_key", "user_id", "reviewed_at"])

    op.create_table(
        "revision_reminders",
        sa.Column("tenant_key", sa.String(120), primary_key=True),
        sa.Column("user_id", sa.String(100), primary_key=True),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("at_time", sa.String(5), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        _when("next_due", nullable=True),
        _when("last_fired", nullable=True),
    )
    op.create_index("ix_revision_reminders_next_due", "revision_reminders", ["next_due"])


def downgrade() -> None:
    for table in ("revision_reminders", "revision_reviews", "revision_cards",
                  "channel_answers", "channel_questions", "schedules"):
        op.drop_table(table)
