"""Per-tenant settings (a Discord guild or a Slack workspace): teacher role, time zone."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot import settings
from bot.storage.base import Base, UTCDateTime

DEFAULT_TIMEZONE = settings.DEFAULT_TIMEZONE


class Tenant(Base):
    __tablename__ = "tenants"

    key: Mapped[str] = mapped_column(String(120), primary_key=True)  # "discord:<guild id>"
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    teacher_role: Mapped[str | None] = mapped_column(String(64), default=None)
    teacher_users: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


async def get_tenant(session: AsyncSession, key: str, now: datetime) -> Tenant:
    """The tenant's settings row, created with defaults on first use."""
    tenant = await session.get(Tenant, key)
    if tenant is None:
        tenant = Tenant(key=key, timezone=settings.default_timezone(), teacher_role=None,
                        teacher_users=[], created_at=now)
        session.add(tenant)
        await session.flush()
    return tenant
