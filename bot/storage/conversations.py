"""What each student was last asking about, per channel: so a follow-up ("when did he die?")
is understood whichever bot process receives it, and across a restart.

One row per place and student, the entry a "he" or "it" would mean and when it was said.
Rows older than the follow-up window are deleted by :func:`forget_stale`.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base, UTCDateTime
from bot.storage.sql import insert_or_update


class ConversationTurn(Base):
    __tablename__ = "conversation_turns"

    place_key: Mapped[str] = mapped_column(String(300), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    tenant_key: Mapped[str] = mapped_column(String(120), index=True)
    entry_id: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


async def last_subject(session: AsyncSession, place_key: str, user_id: str,
                       since: datetime) -> str | None:
    """The entry the student was last asking about here, if they asked since ``since``."""
    turn = await session.get(ConversationTurn, (place_key, user_id))
    return turn.entry_id if turn is not None and turn.at >= since else None


async def remember(session: AsyncSession, tenant_key: str, place_key: str, user_id: str,
                   entry_id: str | None, at: datetime) -> None:
    """Keep ``entry_id`` as what the student is asking about here; None forgets it."""
    if entry_id is None:
        await session.execute(delete(ConversationTurn).where(
            ConversationTurn.place_key == place_key, ConversationTurn.user_id == user_id))
        return
    row = {"place_key": place_key, "user_id": user_id, "tenant_key": tenant_key,
           "entry_id": entry_id, "at": at}
    await insert_or_update(session, ConversationTurn, [row], ["place_key", "user_id"],
                           {"entry_id": entry_id, "at": at, "tenant_key": tenant_key})


async def forget_stale(session: AsyncSession, before: datetime) -> int:
    """Delete the turns too old to follow up on; how many there were."""
    stale = (await session.execute(select(ConversationTurn.place_key).where(
        ConversationTurn.at < before))).all()
    await session.execute(delete(ConversationTurn).where(ConversationTurn.at < before))
    return len(stale)
