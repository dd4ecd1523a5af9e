"""Revision cards, their review log and students' reminder settings, per tenant and user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UTCDateTime


class RevisionCard(Base):
    """One question in one student's queue, with its FSRS memory state.

    ``last_review`` None means the card is new (never answered). ``shown_at`` is set when the
    card is put in front of the student, so a second press of an old button is not counted.
    """

    __tablename__ = "revision_cards"
    __table_args__ = (UniqueConstraint("tenant_key", "user_id", "question_id"),
                      Index("ix_revision_cards_owner_due", "tenant_key", "user_id", "due"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str] = mapped_column(String(100))
    question_id: Mapped[str] = mapped_column(String(400))
    source: Mapped[str] = mapped_column(String(16))  # "missed" (from a quiz) or "bank"
    state: Mapped[int] = mapped_column(Integer)  # fsrs.State
    step: Mapped[int | None] = mapped_column(Integer, default=None)
    stability: Mapped[float | None] = mapped_column(Float, default=None)
    difficulty: Mapped[float | None] = mapped_column(Float, default=None)
    due: Mapped[datetime] = mapped_column(UTCDateTime())
    last_review: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    shown_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class RevisionReview(Base):
    """Every rating given, with the card's state before it (so Hard/Easy can re-rate)."""

    __tablename__ = "revision_reviews"
    __table_args__ = (Index("ix_revision_reviews_owner_time", "tenant_key", "user_id",
                            "reviewed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("revision_cards.id", ondelete="CASCADE"),
                                         index=True)
    tenant_key: Mapped[str] = mapped_column(String(120))
    user_id: Mapped[str] = mapped_column(String(100))
    rating: Mapped[int] = mapped_column(Integer)  # fsrs.Rating
    correct: Mapped[bool] = mapped_column(Boolean)
    was_new: Mapped[bool] = mapped_column(Boolean)
    reviewed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    before: Mapped[dict[str, Any]] = mapped_column(JSON)


class RevisionReminder(Base):
    """A student's opt-in daily reminder; ``next_due`` is the claim token, as for schedules.
    ``last_fired`` is the last day's check, whether or not cards were due to mention."""

    __tablename__ = "revision_reminders"

    tenant_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    tenant: Mapped[str] = mapped_column(String(100))
    at_time: Mapped[str] = mapped_column(String(5))
    timezone: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    next_due: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None, index=True)
    last_fired: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)
