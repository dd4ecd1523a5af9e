"""Quizzes: sessions, questions asked, answers, players' scores, missed questions.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "quiz_sessions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("platform", sa.String(20), nullable=False),
        sa.Column("tenant", sa.String(100), nullable=False),
        sa.Column("channel", sa.String(100), nullable=False),
        sa.Column("thread", sa.String(100), nullable=True),
        sa.Column("place_key", sa.String(320), nullable=False),
        sa.Column("active_place", sa.String(320), nullable=True),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("user_name", sa.String(100), nullable=False),
        sa.Column("topic", sa.String(80), nullable=True),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("seconds", sa.Integer(), nullable=False),
        sa.Column("pace", sa.String(8), nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("current", sa.Integer(), nullable=False),
        sa.Column("next_at", WHEN, nullable=True),
        sa.Column("paused_left", sa.Float(), nullable=True),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("finished_at", WHEN, nullable=True),
        sa.UniqueConstraint("active_place", name="uq_quiz_sessions_active_place"),
    )
    op.create_index("ix_quiz_sessions_tenant_key", "quiz_sessions", ["tenant_key"])
    op.create_index("ix_quiz_sessions_due", "quiz_sessions", ["state", "next_at"])
    op.create_index("ix_quiz_sessions_tenant_created", "quiz_sessions",
                    ["tenant_key", "created_at"])

    op.create_table(
        "quiz_questions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE",
                                name="fk_quiz_questions_session_id_quiz_sessions"),
                  nullable=False),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(400), nullable=False),
        sa.Column("entry_id", sa.String(80), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("opened_at", WHEN, nullable=True),
        sa.Column("deadline", WHEN, nullable=True),
        sa.Column("countdown_at", WHEN, nullable=True),
        sa.Column("closed_at", WHEN, nullable=True),
        sa.Column("message_ref", sa.String(200), nullable=True),
        sa.UniqueConstraint("session_id", "position", name="uq_quiz_questions_session_position"),
    )
    op.create_index("ix_quiz_questions_tenant_question", "quiz_questions",
                    ["tenant_key", "question_id"])

    op.create_table(
        "quiz_answers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("question_row", sa.Integer(),
                  sa.ForeignKey("quiz_questions.id", ondelete="CASCADE",
                                name="fk_quiz_answers_question_row_quiz_questions"),
                  nullable=False),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE",
                                name="fk_quiz_answers_session_id_quiz_sessions"),
                  nullable=False),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("choice", sa.Integer(), nullable=False),
        sa.Column("answered_at", WHEN, nullable=False),
        sa.Column("elapsed", sa.Float(), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("changed", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("question_row", "user_id", name="uq_quiz_answers_question_user"),
    )
    op.create_index("ix_quiz_answers_session_user", "quiz_answers", ["session_id", "user_id"])

    op.create_table(
        "quiz_players",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.Integer(),
                  sa.ForeignKey("quiz_sessions.id", ondelete="CASCADE",
                                name="fk_quiz_players_session_id_quiz_sessions"),
                  nullable=False),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("display_name", sa.String(100), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("streak", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("right", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.UniqueConstraint("session_id", "user_id", name="uq_quiz_players_session_user"),
    )
    op.create_index("ix_quiz_players_tenant_user", "quiz_players", ["tenant_key", "user_id"])

    op.create_table(
        "quiz_misses",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("tenant_key", sa.String(120), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("question_id", sa.String(400), nullable=False),
        sa.Column("entry_id", sa.String(80), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.Column("first_missed_at", WHEN, nullable=False),
        sa.Column("last_missed_at", WHEN, nullable=False),
        sa.UniqueConstraint("tenant_key", "user_id", "question_id",
                            name="uq_quiz_misses_tenant_user_question"),
    )


def downgrade() -> None:
    for table in ("quiz_misses", "quiz_players", "quiz_answers", "quiz_questions",
                  "quiz_sessions"):
        op.drop_table(table)
