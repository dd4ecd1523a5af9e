"""Per-channel settings: whether answers to questions there are public or only for the asker.

A channel is named by its tenant and its id, so one workspace's or server's setting never
applies in another's channel, whatever ids the platforms give. A thread has its channel's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from sqlalchemy import String
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UTCDateTime
from bot.storage.sql import insert_or_update

AnswersMode = Literal["public", "private"]
#: Answers are public, saying who asked, unless a teacher chose otherwise for the channel.
DEFAULT_ANSWERS: AnswersMode = "public"


class ChannelSetting(Base):
    __tablename__ = "channel_settings"

    tenant_key: Mapped[str] = mapped_column(String(120), primary_key=True)
    channel: Mapped[str] = mapped_column(String(100), primary_key=True)
    #: "public": answers go to the channel; "private": to the asker, with a share button.
    answers: Mapped[str] = mapped_column(String(16), default=DEFAULT_ANSWERS)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


async def answers_mode(session: AsyncSession, tenant_key: str, channel: str) -> AnswersMode:
    """The channel's choice, or the default where none was made (a read: nothing written)."""
    row = await session.get(ChannelSetting, (tenant_key, channel))
    return "private" if row is not None and row.answers == "private" else DEFAULT_ANSWERS


async def set_answers_mode(session: AsyncSession, tenant_key: str, channel: str,
                           mode: AnswersMode, now: datetime) -> None:
    """Insert or change the channel's row in one statement: two teachers at once cannot
    both insert it."""
    await insert_or_update(session, ChannelSetting, [{
        "tenant_key": tenant_key, "channel": channel, "answers": mode, "updated_at": now}],
        ["tenant_key", "channel"], {"answers": mode, "updated_at": now})
