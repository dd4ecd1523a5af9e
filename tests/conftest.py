"""Shared fixtures: the shipped knowledge base, a fresh database per test, a fake clock.

Database tests run on SQLite, and again on PostgreSQL when ``TEST_DATABASE_URL`` is set (each
test gets its own throwaway PostgreSQL database).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.notifier import RecordingNotifier
from bot.storage.db import Database, normalise_url
from knowledge.loader import KnowledgeBase, load_knowledge

BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session", autouse=True)
def private_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The data and cache folders default to the user's own: tests (and the processes they
    start) use throwaway ones, and never pick up a real ``studybot.toml``."""
    root = tmp_path_factory.mktemp("studybot-home")
    saved = {k: os.environ.get(k) for k in ("STUDYBOT_DATA_DIR", "STUDYBOT_CACHE_DIR",
                                            "STUDYBOT_CONFIG", "XDG_CONFIG_HOME")}
    os.environ["STUDYBOT_DATA_DIR"] = str(root / "data")
    os.environ["STUDYBOT_CACHE_DIR"] = str(root / "cache")
    os.environ["XDG_CONFIG_HOME"] = str(root / "config")  # where studybot.toml is looked for
    os.environ.pop("STUDYBOT_CONFIG", None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def kb() -> KnowledgeBase:
    return load_knowledge()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'test.sqlite3'}"
        return
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    yield from _throwaway_postgres(normalise_url(base))


def _throwaway_postgres(base: str) -> Iterator[str]:
    import asyncio

    import asyncpg

    name = f"studybot_{uuid.uuid4().hex[:12]}"
    plain = base.replace("postgresql+asyncpg://", "postgresql://")

    async def admin(sql: str) -> None:
        conn = await asyncpg.connect(plain)
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    asyncio.run(admin(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        asyncio.run(admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = await Database.open(database_url)
    yield database
    await database.close()


@pytest.fixture
async def studybot(kb: KnowledgeBase, db: Database, clock: FakeClock,
                   notifier: RecordingNotifier) -> StudyBot:
    return StudyBot(kb, db, clock, notifier)
