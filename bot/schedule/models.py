"""Schedules and the revision questions they post, with every student's answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.events import Place
from bot.storage.base import Base, UTCDateTime


class Schedule(Base):
    """A teacher's repeating post in one channel. ``next_due`` is the claim token: a process
    fires an occurrence only if it moves ``next_due`` on from the value it read."""

    __tablename__ = "schedules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_key: Mapped[str] = mapped_column(String(120), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    tenant: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(100))
    thread: Mapped[str | None] = mapped_column(String(100), default=None)
    kind: Mapped[str] = mapped_column(String(16))  # onthisday | revision | quiz
    at_time: Mapped[str] = mapped_column(String(5))  # "HH:MM" wall-clock in ``timezone``
    days: Mapped[str] = mapped_column(String(40))  # "daily", "weekdays", "mon,wed"
    timezone: Mapped[str] = mapped_column(String(64))
    topic: Mapped[str | None] = mapped_column(String(80), default=None)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    next_due: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    last_fired: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)

    @property
    def place(self) -> Place:
        return Place(self.platform, self.tenant, self.channel, self.thread)


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One claimed occurrence of a schedule, due ``when``: what firing it needs, as plain
    values (claiming thousands at once, ORM objects cost more than the rest)."""

    id: int
    tenant_key: str
    platform: str
    tenant: str
    channel: str
    thread: str | None
    kind: str
    timezone: str
    topic: str | None
    created_by: str
    when: datetime

    @property
    def place(self) -> Place:
        return Place(self.platform, self.tenant, self.channel, self.thread)


class ChannelQuestion(Base):
    """A revision question posted in a channel; the answer is revealed at ``reveal_at``.

    ``round`` counts passes through the question pool: a question is not asked again in the
    same channel until every question in the pool has been asked in the current round.
    """

    __tablename__ = "channel_questions"
    __table_args__ = (Index("ix_channel_questions_place_round", "place_key", "round"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_key: Mapped[str] = mapped_column(String(120), index=True)
    place_key: Mapped[str] = mapped_column(String(250))
    platform: Mapped[str] = mapped_column(String(20))
    tenant: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(100))
    thread: Mapped[str | None] = mapped_column(String(100), default=None)
    schedule_id: Mapped[int | None] = mapped_column(Integer, default=None)
    question_id: Mapped[str] = mapped_column(String(400))
    round: Mapped[int] = mapped_column(Integer, default=1)
    message_ref: Mapped[str | None] = mapped_column(String(200), default=None)
    posted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reveal_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revealed: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def place(self) -> Place:
        return Place(self.platform, self.tenant, self.channel, self.thread)


class ChannelAnswer(Base):
    """One student's answer to a channel question: the first press counts."""

    __tablename__ = "channel_answers"
    __table_args__ = (UniqueConstraint("question_post_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    question_post_id: Mapped[int] = mapped_column(
        ForeignKey("channel_questions.id", ondelete="CASCADE"), index=True)
    tenant_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str] = mapped_column(String(100))
    choice: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime())
