"""Fixtures that start the real Discord client, as production does, against the fake Discord."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from adapters.discord.client import StudyClient, create_client, run_client
from adapters.discord.config import DiscordConfig
from bot.app import StudyBot
from bot.clock import FakeClock
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.fakes.discord_server import (
    STUDENT_PERMISSIONS,
    TEACHER_PERMISSIONS,
    FakeDiscord,
    FakeUser,
)

TEACHER = FakeUser(5001, "Ms Okafor", TEACHER_PERMISSIONS)
STUDENTS = [FakeUser(6001, "Ada"), FakeUser(6002, "Ben"), FakeUser(6003, "Cleo")]
STUDENT = STUDENTS[0]


@dataclass
class DiscordBot:
    """One running bot process: its core, its client, and the task serving it."""

    fake: FakeDiscord
    studybot: StudyBot
    client: StudyClient
    task: asyncio.Task[None]
    clock: FakeClock
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def guild(self) -> int:
        return self.fake.guild_ids[0]

    @property
    def channel(self) -> int:
        return self.fake.channel_ids[self.guild]

    async def stop(self) -> None:
        await self.client.close()
        await asyncio.wait_for(self.task, 10)


async def start_bot(fake: FakeDiscord, studybot: StudyBot, clock: FakeClock,
                    env: dict[str, str] | None = None, **overrides: Any) -> DiscordBot:
    """Start the client the way ``studybot run --platform discord`` does, from its environment.

    Tests tick the core themselves (``tick_interval=None``) unless they say otherwise.
    """
    config = DiscordConfig.from_env(env or fake.env())
    config = replace(config, **{"tick_interval": None, "guild_ready_timeout": 0.05, **overrides})
    client = create_client(studybot, config)
    task = asyncio.create_task(run_client(client))
    shards = config.shard_ids or range(config.shard_count or fake.shard_count)
    try:
        await fake.wait_connected(shards)
    except TimeoutError:
        task.cancel()
        raise
    return DiscordBot(fake, studybot, client, task, clock)


@asynccontextmanager
async def two_servers(kb: KnowledgeBase, db: Database, clock: FakeClock
                      ) -> AsyncIterator[DiscordBot]:
    """A bot in two servers of one fake Discord (``fake.guild_ids``), for isolation tests."""
    fake = FakeDiscord(guilds=[1_000_000_000_000_001, 1_000_000_000_000_002])
    await fake.start()
    bot = await start_bot(fake, StudyBot(kb, db, clock), clock)
    try:
        yield bot
    finally:
        await bot.stop()
        await fake.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    fake = FakeDiscord()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def discord_bot(fake_discord: FakeDiscord, kb: KnowledgeBase, db: Database,
                      clock: FakeClock) -> AsyncIterator[DiscordBot]:
    running = await start_bot(fake_discord, StudyBot(kb, db, clock), clock)
    yield running
    if not running.client.is_closed():
        await running.stop()


__all__ = ["STUDENT", "STUDENTS", "STUDENT_PERMISSIONS", "TEACHER", "DiscordBot",
           "discord_bot", "fake_discord", "start_bot", "two_servers"]
