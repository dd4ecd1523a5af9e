"""What the Slack adapter keeps in the bot's database besides slack_sdk's installation tables
(created by migration 0004): the ids of events already taken in."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import String, delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from bot.app import StudyBot
from bot.faults import FaultLog, storage_unreachable
from bot.storage.base import Base, UTCDateTime

#: Slack retries an event three times within about an hour; remember ids for a day.
KEEP_FOR = timedelta(days=1)
PRUNE_EVERY = timedelta(minutes=10)


class SeenEvent(Base):
    __tablename__ = "slack_seen_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class SeenEvents:
    """Slack's retries (``x-slack-retry-num``, Socket Mode's ``retry_attempt``) run once, even
    when the retry reaches another process: the first insert of an event id wins."""

    def __init__(self, studybot: StudyBot) -> None:
        self.studybot = studybot
        self._pruned_at: datetime | None = None

    async def first_time(self, event_id: str) -> bool:
        """True unless the id was taken in before. With the database unreachable, True: a
        question answered twice beats one never answered."""
        now = self.studybot.clock.now()
        try:
            await self._prune(now)
            async with self.studybot.db.transaction() as session:
                session.add(SeenEvent(event_id=event_id[:64], seen_at=now))
        except IntegrityError:
            return False
        except Exception as exc:
            if not storage_unreachable(exc):
                raise
            self.studybot.service(FaultLog).report("Slack retry check", exc)
        return True

    async def _prune(self, now: datetime) -> None:
        if self._pruned_at is not None and now - self._pruned_at < PRUNE_EVERY:
            return
        self._pruned_at = now
        async with self.studybot.db.transaction() as session:
            await session.execute(delete(SeenEvent).where(SeenEvent.seen_at < now - KEEP_FOR))
