"""Platform trouble and process life: rate limits, server errors, missing permissions,
a restart between a message and its click, shards split over processes, and ``run.py``."""

from __future__ import annotations

import asyncio
import logging
import os
import subprocess
import sys
from pathlib import Path

import aiohttp
import pytest

from adapters.discord.config import ConfigError, DiscordConfig
from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Place
from bot.replies import Choice, Reply
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.adapters.process import failed_start, free_port
from tests.fakes.discord_harness import STUDENT, TEACHER, DiscordBot, start_bot
from tests.fakes.discord_server import EPHEMERAL, FAKE_TOKEN, FakeDiscord

ROOT = Path(__file__).resolve().parents[2]


def channel_place(bot: DiscordBot) -> Place:
    return Place("discord", str(bot.guild), str(bot.channel))


async def test_a_rate_limited_post_is_retried_and_arrives(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    fake.inject(429, rf"/channels/{discord_bot.channel}/messages$", times=2, retry_after=0.02)
    ref = await discord_bot.studybot.notifier.post(channel_place(discord_bot), Reply("Q1"))
    assert fake.messages[int(ref)]["content"] == "Q1"
    posts = [r for r in fake.requests if r.path == f"/channels/{discord_bot.channel}/messages"]
    assert len(posts) == 3


async def test_a_server_error_on_an_answer_is_retried(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    fake.inject(500, r"/interactions/\d+/[^/]+/callback")
    message = await fake.wait_response(await fake.command("help", user=STUDENT), timeout=10)
    assert message["flags"] & EPHEMERAL


async def test_missing_permissions_are_logged_and_the_bot_carries_on(
        discord_bot: DiscordBot, caplog: pytest.LogCaptureFixture) -> None:
    import discord

    fake = discord_bot.fake
    fake.inject(403, rf"/channels/{discord_bot.channel}/messages$")
    with pytest.raises(discord.Forbidden):  # the core learns nothing was shown
        await discord_bot.studybot.notifier.post(channel_place(discord_bot), Reply("Q1"))
    assert "could not post" in caplog.text
    fake.inject(503, rf"/channels/{discord_bot.channel}/messages/\d+$", method="PATCH")
    ref = await discord_bot.studybot.notifier.post(channel_place(discord_bot), Reply("Q1"))
    await discord_bot.studybot.notifier.edit(channel_place(discord_bot), ref, Reply("Q1: 5 s"))
    assert fake.messages[int(ref)]["content"] == "Q1"  # the failed edit was only logged
    # an interaction that can no longer be answered (expired) is logged too
    fake.inject(404, r"/interactions/\d+/[^/]+/callback")
    token = await fake.command("help", user=STUDENT)
    await fake.wait_for(lambda: any(r.path.endswith(f"{token}/callback") for r in fake.requests))
    message = await fake.wait_response(await fake.command("help", user=TEACHER))
    assert message["embeds"]  # still serving
    assert not discord_bot.task.done()


async def test_a_dropped_gateway_connection_is_resumed(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    await fake.drop_shard(0)
    await fake.wait_connected(timeout=30)
    assert fake.resumes and fake.resumes[0]["session_id"] == "session-0"
    answer = await fake.wait_response(await fake.command("help", user=STUDENT))
    assert answer["embeds"] and not discord_bot.task.done()


async def test_a_command_from_an_older_version_gets_a_clear_answer(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    fake.commands.append({"name": "quizz", "type": 1, "description": "renamed since"})
    answer = await fake.wait_response(await fake.command("quizz", user=STUDENT))
    assert answer["flags"] & EPHEMERAL and "just changed" in answer["content"]


async def test_a_modal_takes_a_long_question(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    token = await fake.command("ask", {"private": True}, user=STUDENT)
    await fake.wait_for(lambda: fake.interactions[token].callbacks)
    modal = fake.interactions[token].callbacks[0]
    assert modal["type"] == 9
    field = modal["data"]["components"][0]["components"][0]
    assert field["style"] == 2 and field["max_length"] == 1000
    answer = await fake.wait_response(await fake.submit_modal(
        modal["data"]["custom_id"], {field["custom_id"]: "Why did Stalin sign the pact?"},
        user=STUDENT))
    assert answer["flags"] & EPHEMERAL  # asked privately, answered privately
    assert answer["content"] or answer["embeds"]


async def test_buttons_keep_working_after_a_restart(
        fake_discord: FakeDiscord, discord_bot: DiscordBot, kb: KnowledgeBase,
        database_url: str, clock: FakeClock) -> None:
    ref = await discord_bot.studybot.notifier.post(
        channel_place(discord_bot), Reply("Pick one", choices=(Choice("A", "gone:7:a"),)))
    await discord_bot.stop()

    db = await Database.open(database_url)
    again = await start_bot(fake_discord, StudyBot(kb, db, clock), clock)
    try:
        answer = await fake_discord.wait_response(
            await fake_discord.click(fake_discord.messages[int(ref)], "gone:7:a", user=STUDENT))
        assert answer["content"] == "That button no longer does anything."
    finally:
        await again.stop()
        await db.close()


async def test_shards_split_over_two_processes(kb: KnowledgeBase, db: Database,
                                               clock: FakeClock) -> None:
    # two servers whose ids fall on shard 0 and shard 1 of 2
    guilds = [(1 << 22) * 1000, (1 << 22) * 1001]
    fake = FakeDiscord(guilds=guilds, shard_count=2)
    await fake.start()
    env = fake.env() | {"STUDYBOT_SHARDS": "2"}
    bots = []
    try:
        for shard in ("0", "1"):
            bots.append(await start_bot(fake, StudyBot(kb, db, clock), clock,
                                        env | {"STUDYBOT_SHARD_IDS": shard}))
        assert sorted(i["shard"] for i in fake.identifies) == [[0, 2], [1, 2]]
        for guild in guilds:
            answer = await fake.wait_response(
                await fake.command("help", user=STUDENT, guild_id=guild))
            assert answer["embeds"][0]["title"] == "Study bot help"
        # the command list is registered by each process, identically
        puts = [r.body for r in fake.requests if r.method == "PUT"]
        assert len(puts) == 2 and puts[0] == puts[1]
    finally:
        for bot in bots:
            await bot.stop()
        await fake.stop()


async def test_the_configured_gateway_wins_over_the_advertised_one(
        fake_discord: FakeDiscord, kb: KnowledgeBase, db: Database, clock: FakeClock) -> None:
    fake_discord.gateway_bot_url = "ws://127.0.0.1:9/nowhere"  # e.g. behind a proxy
    bot = await start_bot(fake_discord, StudyBot(kb, db, clock), clock)
    try:
        answer = await fake_discord.wait_response(await fake_discord.command("help", user=STUDENT))
        assert answer["embeds"]
        assert fake_discord.identifies[0]["shard"] == [0, 1]
    finally:
        await bot.stop()


async def test_without_a_configured_gateway_the_advertised_one_is_used(
        fake_discord: FakeDiscord, kb: KnowledgeBase, db: Database, clock: FakeClock) -> None:
    env = fake_discord.env()
    del env["DISCORD_GATEWAY_URL"]  # as in production: Discord says where to connect
    bot = await start_bot(fake_discord, StudyBot(kb, db, clock), clock, env)
    try:
        answer = await fake_discord.wait_response(await fake_discord.command("help", user=STUDENT))
        assert answer["embeds"]
    finally:
        await bot.stop()


def test_configuration_from_the_environment() -> None:
    config = DiscordConfig.from_env({"DISCORD_TOKEN": " t ", "STUDYBOT_SHARDS": "4",
                                     "STUDYBOT_SHARD_IDS": "0-1,3",
                                     "DISCORD_API_BASE": "http://127.0.0.1:9/api/v10/"})
    assert (config.token, config.shard_count, config.shard_ids) == ("t", 4, (0, 1, 3))
    assert config.api_base == "http://127.0.0.1:9/api/v10"
    assert config.gateway_url is None  # Discord's, from GET /gateway/bot
    for bad in ({}, {"DISCORD_TOKEN": "t", "STUDYBOT_SHARD_IDS": "1"},
                {"DISCORD_TOKEN": "t", "STUDYBOT_SHARDS": "2", "STUDYBOT_SHARD_IDS": "2"},
                {"DISCORD_TOKEN": "t", "STUDYBOT_SHARDS": "two"}):
        with pytest.raises(ConfigError):
            DiscordConfig.from_env(bad)


async def test_the_real_process_serves_discord_from_its_environment(
        fake_discord: FakeDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """``studybot run --platform discord`` in its own process, pointed at the fake by its
    environment alone; its HTTP port answers /healthz and /metrics, as on every platform."""
    port = free_port()
    env = os.environ | fake_discord.env() | {"STUDYBOT_DATA_DIR": str(tmp_path),
                                             "STUDYBOT_HTTP_PORT": str(port),
                                             "STUDYBOT_HTTP_HOST": "127.0.0.1"}
    env.pop("DATABASE_URL", None)
    command = [sys.executable, "-m", "bot", "run", "--platform", "discord"]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    try:
        await fake_discord.wait_connected(timeout=60)
        answer = await fake_discord.wait_response(
            await fake_discord.command("help", user=STUDENT), timeout=10)
        assert answer["embeds"][0]["title"] == "Study bot help"
        assert (tmp_path / "studybot.sqlite3").exists()
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{port}/healthz") as resp:
                assert resp.status == 200
                assert await resp.json() == {"ok": True, "database": "ok",
                                             "platform": "connected"}
            async with http.get(f"http://127.0.0.1:{port}/metrics") as resp:
                metrics = await resp.text()
        assert 'studybot_request_seconds_count{event="help",platform="discord"} 1.0' in metrics
        health = subprocess.run([sys.executable, "-m", "bot", "health"], cwd=ROOT, env=env,
                                capture_output=True, text=True, timeout=60)
        assert health.returncode == 0 and '"ok": true' in health.stdout
    finally:
        process.terminate()
        output = await asyncio.to_thread(process.communicate, timeout=30)
    logging.getLogger(__name__).info("bot output:\n%s", output[0].decode(errors="replace"))
    assert process.returncode == 0  # SIGTERM closes the client and the database cleanly


def test_run_without_a_token_says_what_to_set() -> None:
    env = {k: v for k, v in os.environ.items() if k != "DISCORD_TOKEN"}
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--platform", "discord"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "DISCORD_TOKEN" in result.stderr


def test_no_network_at_start_is_one_line_and_a_failure(tmp_path: Path) -> None:
    """Discord unreachable (no network, a wrong DISCORD_API_BASE): one line, exit 1."""
    closed = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DISCORD_TOKEN": FAKE_TOKEN, "DISCORD_API_BASE": f"http://127.0.0.1:{closed}/api/v10",
            "STUDYBOT_DATA_DIR": str(tmp_path), "STUDYBOT_HTTP_PORT": str(free_port())}
    assert failed_start("discord", env).startswith(
        f"studybot: cannot reach Discord at http://127.0.0.1:{closed}/api/v10: "
        f"Cannot connect to host 127.0.0.1:{closed}")


async def test_a_quiz_is_not_started_where_the_bot_cannot_post(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    view_only = 1 << 10
    answer = await fake.wait_response(await fake.command(
        "quiz start", {"questions": 3}, user=TEACHER, app_permissions=view_only))
    assert answer["flags"] & EPHEMERAL
    assert "Send Messages, Embed Links, Attach Files" in answer["content"]
    assert fake.channel_messages(discord_bot.channel) == [answer]  # nothing was posted


async def test_a_slow_core_is_acknowledged_within_three_seconds(
        discord_bot: DiscordBot, database_url: str) -> None:
    """The database is busy (another writer holds it): the bot defers in time, then answers."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the busy writer is made with SQLite's own lock")
    import sqlite3

    fake = discord_bot.fake
    busy = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
    try:
        busy.execute("BEGIN IMMEDIATE")  # every other writer waits
        token = await fake.command("settings timezone", {"timezone": "Europe/Paris"},
                                   user=TEACHER)
        # production settings: deferred (ephemerally, as settings answers are) well within 3 s
        await fake.wait_for(lambda: fake.interactions[token].callbacks, timeout=3)
        assert fake.interactions[token].callbacks[0] == {"type": 5, "data": {"flags": EPHEMERAL}}
    finally:
        busy.execute("ROLLBACK")
        busy.close()
    answer = await fake.wait_response(token, timeout=10)
    assert answer["content"] == "Time zone set to Europe/Paris."
    assert answer["flags"] & EPHEMERAL and not fake.late_acks
