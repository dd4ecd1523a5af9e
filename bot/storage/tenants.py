"""Per-tenant settings (a Discord guild or a Slack workspace): teacher role, time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot import settings
from bot.storage.base import Base, UTCDateTime
from bot.storage.sql import insert_or_ignore

DEFAULT_TIMEZONE = settings.DEFAULT_TIMEZONE


class Tenant(Base):
    __tablename__ = "tenants"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "discord:<guild id>"
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    teacher_role: Mapped[str | None] = mapped_column(String(64), default=None)
    teacher_users: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    #: Days quiz answers are kept (then deleted by bot.privacy's ticker); None: kept for good.
    answer_retention_days: Mapped[int | None] = mapped_column(Integer, default=None)


async def get_tenant(session: AsyncSession, key: str, now: datetime) -> Tenant:
    """The tenant's settings row, created with defaults on first use.

    Race-free: a whole class's first clicks arrive at once, in several processes. The insert
    does nothing if another transaction made the row first (on PostgreSQL it waits for that
    one to commit), and the read afterwards sees whichever row won.
    """
    tenant = await session.get(Tenant, key)
    if tenant is None:
        await insert_or_ignore(session, Tenant, [{
            "key": key, "timezone": settings.default_timezone(), "teacher_role": None,
            "teacher_users": [], "created_at": now}], ["key"])
        tenant = await session.get(Tenant, key)
        if tenant is None:  # pragma: no cover - the insert or the other writer made it
            raise LookupError(f"tenant {key} vanished while being created")
    return tenant


async def find_tenant(session: AsyncSession, key: str) -> Tenant | None:
    """The tenant's settings row if it has one: for reads that must never write."""
    return await session.get(Tenant, key)
