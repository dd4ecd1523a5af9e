"""Events already taken in, so Slack's retries run once.

(This version remembers them in memory, per process; with migration 0004 they move into the
bot's database so a retry reaching another process is recognised too.)
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime, timedelta

from bot.app import StudyBot

KEEP_FOR = timedelta(days=1)
LIMIT = 50_000


class SeenEvents:
    """Slack's retries (``x-slack-retry-num``, Socket Mode's ``retry_attempt``) run once."""

    def __init__(self, studybot: StudyBot) -> None:
        self.studybot = studybot
        self._seen: OrderedDict[str, datetime] = OrderedDict()

    async def first_time(self, event_id: str) -> bool:
        now = self.studybot.clock.now()
        while self._seen and (len(self._seen) >= LIMIT
                              or now - next(iter(self._seen.values())) > KEEP_FOR):
            self._seen.popitem(last=False)
        if event_id in self._seen:
            return False
        self._seen[event_id] = now
        return True
