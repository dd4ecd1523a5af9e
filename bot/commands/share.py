"""A private answer and its "Share with the channel" button.

Where a teacher set a channel's answers to private (``settings answers private``), each
answer goes only to the student who asked, and is kept here so that a press of its button
can post it publicly, saying who asked what, after a restart or in another process alike.
The button id names the kept answer (``share:<id>``); only its asker may press it, only in
its channel, and only once; the post is the kept answer itself, nothing the presser chose.
Kept answers go after :data:`SHARE_FOR`, with a student's other data on request (privacy),
and with the quiz answers when a tenant's retention setting says so.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, get_args

from sqlalchemy import JSON, Integer, String, Text, delete, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from bot.commands.parse import id_numbers
from bot.commands.registry import action
from bot.events import Actor, Place, Press
from bot.faults import FaultLog, storage_unreachable
from bot.replies import Asked, Choice, Part, PartKind, Reply, private
from bot.storage.base import Base, UTCDateTime

if TYPE_CHECKING:
    from bot.app import StudyBot

#: How long a private answer can still be shared.
SHARE_FOR = timedelta(days=7)
SHARE = "Share with the channel"
SHARED = "Shared with the channel."
GONE = "That answer can no longer be shared. Ask again to share a new one."
NOT_YOURS = "Only the student who asked can share this answer."
TWICE = "You've already shared this answer with the channel."


class PrivateAnswer(Base):
    """An answer that went only to its asker, as it was shown, until shared or expired."""

    __tablename__ = "private_answers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    tenant_key: Mapped[str] = mapped_column(String(120), index=True)
    channel: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(100))
    question: Mapped[str] = mapped_column(Text)
    #: The reply as shown: {"text", "parts": [[kind, text]], "choices": [[label, id, style]]}.
    answer: Mapped[dict[str, Any]] = mapped_column(JSON)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    shared_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), default=None)


async def answer_privately(bot: StudyBot, actor: Actor, place: Place, question: str,
                           reply: Reply) -> Reply:
    """``reply`` for the asker alone, with a button that shares it. Without storage (the
    database unreachable) the answer still comes, without the button."""
    alone = replace(reply, private=True, asked=None)
    try:
        async with bot.db.transaction() as session:
            kept = PrivateAnswer(tenant_key=actor.tenant_key, channel=place.channel,
                                 user_id=actor.user_id, question=question,
                                 answer=_stored(reply), asked_at=bot.clock.now())
            session.add(kept)
            await session.flush()
            kept_id = kept.id
    except Exception as exc:
        if not storage_unreachable(exc):
            raise
        bot.service(FaultLog).report("keeping a private answer", exc)
        return alone
    return replace(alone, choices=(Choice(SHARE, f"share:{kept_id}", "primary"),
                                   *reply.choices))


@action("share")
async def share(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    numbers = id_numbers(parts, 1)
    if numbers is None:
        return [private(GONE)]
    actor, now = press.actor, bot.clock.now()
    async with bot.db.transaction() as session:
        kept = await session.get(PrivateAnswer, numbers[0])
        if kept is None or kept.tenant_key != actor.tenant_key \
                or kept.channel != press.place.channel:
            return [private(GONE)]
        if kept.user_id != actor.user_id:
            return [private(NOT_YOURS)]
        claimed = await session.execute(update(PrivateAnswer).where(
            PrivateAnswer.id == kept.id, PrivateAnswer.shared_at.is_(None))
            .values(shared_at=now))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return [private(TWICE)]  # a second press, here or in another process
        shared = replace(_restored(kept.answer), asked=Asked(kept.user_id, kept.question))
    return [shared, private(SHARED, replace=True)]


async def forget_old(session: AsyncSession, now: datetime) -> int:
    """Delete private answers too old to share (:data:`SHARE_FOR`)."""
    result = await session.execute(delete(PrivateAnswer).where(
        PrivateAnswer.asked_at < now - SHARE_FOR))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def _stored(reply: Reply) -> dict[str, Any]:
    return {"text": reply.text, "parts": [[p.kind, p.text] for p in reply.parts],
            "choices": [[c.label, c.action_id, c.style] for c in reply.choices]}


_KINDS: frozenset[str] = frozenset(get_args(PartKind))


def _restored(data: dict[str, Any]) -> Reply:
    """The kept reply, public; anything that is not what :func:`_stored` wrote is left out."""
    parts = tuple(Part(kind, text) for kind, text in data.get("parts", [])
                  if kind in _KINDS and isinstance(text, str))
    choices = tuple(Choice(str(label), str(action_id), style)
                    for label, action_id, style in data.get("choices", [])
                    if style in ("primary", "secondary", "success", "danger"))
    return Reply(str(data.get("text", "")), choices=choices, parts=parts)
