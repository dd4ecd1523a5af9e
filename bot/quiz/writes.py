"""Quiz transactions, queued in the process when the database is SQLite.

SQLite has one writer at a time; a second writer waits inside SQLite, sleeping and retrying.
Queueing quiz writes on an asyncio lock instead lets many quiz steps run side by side (each
posting to the chat platform in its own time) while their database work goes one at a time
without those sleeps. On PostgreSQL this is a plain transaction.

Never open one of these inside another: the lock is not re-entrant.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

if TYPE_CHECKING:
    from bot.app import StudyBot


class QuizWrites:
    def __init__(self, bot: StudyBot) -> None:
        self.db = bot.db
        self._lock = asyncio.Lock() if bot.db.is_sqlite else None

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        if self._lock is None:
            async with self.db.transaction() as session:
                yield session
            return
        async with self._lock, self.db.transaction() as session:
            yield session


def quiz_transaction(bot: StudyBot) -> AbstractAsyncContextManager[AsyncSession]:
    """``async with quiz_transaction(bot) as session:`` for any quiz write."""
    return bot.service(QuizWrites).transaction()
