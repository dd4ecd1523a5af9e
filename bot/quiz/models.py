"""Quiz tables: sessions, the questions each asked, every answer, players' scores, misses.

Everything a quiz needs to carry on after a restart lives here; the running bot holds nothing
of a quiz in memory. Every row carries ``tenant_key`` so one server never sees another's data.

One active group quiz per channel is enforced by the database: ``quiz_sessions.active_place``
holds the channel key while the quiz runs and NULL afterwards, under a unique constraint
(several NULLs are allowed on SQLite and PostgreSQL alike), so two teachers starting at once
get exactly one quiz.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import Place
from bot.storage.base import Base, UTCDateTime

GROUP, SOLO = "group", "solo"
RUNNING, PAUSED, FINISHED, STOPPED = "running", "paused", "finished", "stopped"
AUTO, TEACHER = "auto", "teacher"


class QuizSession(Base):
    """One quiz: a teacher's group quiz in a channel, or one student's solo practice."""

    __tablename__ = "quiz_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_key: Mapped[str] = mapped_column(String(120), index=True)
    kind: Mapped[str] = mapped_column(String(8))  # group | solo
    platform: Mapped[str] = mapped_column(String(20))
    tenant: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(100))
    thread: Mapped[str | None] = mapped_column(String(100), default=None)
    place_key: Mapped[str] = mapped_column(String(320))
    #: The channel key while a group quiz is active, NULL once it ends: unique, see above.
    active_place: Mapped[str | None] = mapped_column(String(320), unique=True, default=None)
    user_id: Mapped[str] = mapped_column(String(100))  # the teacher, or the solo student
    user_name: Mapped[str] = mapped_column(String(100), default="")
    topic: Mapped[str | None] = mapped_column(String(80), default=None)
    total: Mapped[int] = mapped_column(Integer)
    seconds: Mapped[int] = mapped_column(Integer, default=20)
    pace: Mapped[str] = mapped_column(String(8), default=AUTO)
    state: Mapped[str] = mapped_column(String(10), default=RUNNING)
    #: Index of the question open or last revealed; -1 before the first.
    current: Mapped[int] = mapped_column(Integer, default=-1)
    #: When the next question opens (automatic pace), None when waiting on the teacher.
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: Seconds left on the clock when paused (the open question's, or the gap's).
    paused_left: Mapped[float | None] = mapped_column(Float, default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    __table_args__ = (
        Index("ix_quiz_sessions_due", "state", "next_at"),
        Index("ix_quiz_sessions_tenant_created", "tenant_key", "created_at"),
    )

    @property
    def place(self) -> Place:
        return Place(self.platform, self.tenant, self.channel, self.thread)

    @property
    def active(self) -> bool:
        return self.state in (RUNNING, PAUSED)


class QuizQuestion(Base):
    """A question as asked in one quiz: its full text is kept, so a restart needs no rebuild."""

    __tablename__ = "quiz_questions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("quiz_sessions.id", ondelete="CASCADE"))
    tenant_key: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(400))
    entry_id: Mapped[str] = mapped_column(String(80))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)  # Question.to_json()
    correct: Mapped[int] = mapped_column(Integer)  # index of the right option
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    #: When the countdown message is next edited; None when no edit is left to do.
    countdown_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    message_ref: Mapped[str | None] = mapped_column(String(200), default=None)

    __table_args__ = (
        UniqueConstraint("session_id", "position", name="uq_quiz_questions_session_position"),
        Index("ix_quiz_questions_tenant_question", "tenant_key", "question_id"),
    )


class QuizAnswer(Base):
    """One student's answer to one question: who, which option, when, right or not, points."""

    __tablename__ = "quiz_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_row: Mapped[int] = mapped_column(ForeignKey("quiz_questions.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(ForeignKey("quiz_sessions.id", ondelete="CASCADE"))
    tenant_key: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)
    user_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100), default="", server_default="")
    choice: Mapped[int] = mapped_column(Integer)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
    elapsed: Mapped[float] = mapped_column(Float)  # seconds from the question opening
    correct: Mapped[bool] = mapped_column(Boolean)
    points: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("question_row", "user_id", name="uq_quiz_answers_question_user"),
        Index("ix_quiz_answers_session_user", "session_id", "user_id"),
    )


class QuizPlayer(Base):
    """A student's running totals in one quiz: score (gamified) kept apart from accuracy."""

    __tablename__ = "quiz_players"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("quiz_sessions.id", ondelete="CASCADE"))
    tenant_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(100), default="")
    score: Mapped[int] = mapped_column(Integer, default=0)
    streak: Mapped[int] = mapped_column(Integer, default=0)  # right answers in a row so far
    answered: Mapped[int] = mapped_column(Integer, default=0)
    right: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("session_id", "user_id", name="uq_quiz_players_session_user"),
        Index("ix_quiz_players_tenant_user", "tenant_key", "user_id"),
    )


class QuizMiss(Base):
    """A question a student got wrong (solo or group): the revision queue reads these."""

    __tablename__ = "quiz_misses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(400))
    entry_id: Mapped[str] = mapped_column(String(80))
    times: Mapped[int] = mapped_column(Integer, default=1)
    first_missed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_missed_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("tenant_key", "user_id", "question_id",
                         name="uq_quiz_misses_tenant_user_question"),
    )
