"""Taking the bot's database away and giving it back, on either backend.

The bot's one :class:`Database` is pointed at a database that cannot be reached (a closed
port for PostgreSQL, a file in a folder that does not exist for SQLite): every query then
fails inside the real driver, as it does when the server is down.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from bot.storage.db import Database

DEAD = {True: "sqlite+aiosqlite:////nonexistent-studybot-dir/down.sqlite3",
        False: "postgresql+asyncpg://postgres@127.0.0.1:1/down"}


@asynccontextmanager
async def database_down(db: Database) -> AsyncIterator[None]:
    engine, sessions = db.engine, db.sessions
    dead = create_async_engine(DEAD[db.is_sqlite])
    db.engine, db.sessions = dead, async_sessionmaker(dead, expire_on_commit=False)
    try:
        yield
    finally:
        db.engine, db.sessions = engine, sessions
        await dead.dispose()
