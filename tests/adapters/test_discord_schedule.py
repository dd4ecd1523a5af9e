"""On this day, the timeline picture, schedules (a post arriving by the bot's own tick loop),
revision cards and reminders on Discord, end to end against the fake."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("bot.schedule.commands", reason="schedules have not landed on this branch yet")

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.fakes.discord_harness import STUDENT, TEACHER, DiscordBot, start_bot, two_servers
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord


def buttons(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_on_this_day_is_public_and_a_bad_date_is_explained(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    pact = await fake.wait_response(await fake.command("onthisday", {"date": "08-23"},
                                                       user=STUDENT))
    assert not pact["flags"] & EPHEMERAL
    assert pact["embeds"][0]["title"].startswith(("On this day", "This week"))
    assert "1939" in pact["embeds"][0]["description"]
    bad = await fake.wait_response(await fake.command("onthisday", {"date": "13-45"},
                                                      user=STUDENT))
    assert bad["flags"] & EPHEMERAL


async def test_the_timeline_is_posted_as_a_picture(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    message = await fake.wait_response(
        await fake.command("timeline", {"from": 1936, "to": 1939}, user=STUDENT), timeout=30)
    assert not message["flags"] & EPHEMERAL
    assert message["files"] and all(data.startswith(b"\x89PNG") for _, data, _ in
                                    message["files"])
    assert message["attachments"][0]["filename"].endswith(".png")
    backwards = await fake.wait_response(
        await fake.command("timeline", {"from": 1939, "to": 1936}, user=STUDENT))
    assert backwards["flags"] & EPHEMERAL and not backwards["files"]


async def test_a_scheduled_post_arrives_by_the_tick_loop(
        fake_discord: FakeDiscord, kb: KnowledgeBase, db: Database, clock: FakeClock) -> None:
    # the production tick loop, run fast: the fake clock decides when the schedule is due
    bot = await start_bot(fake_discord, StudyBot(kb, db, clock), clock, tick_interval=0.02)
    fake, channel = fake_discord, bot.channel
    try:
        refused = await fake.wait_response(await fake.command(
            "schedule add", {"kind": "onthisday", "time": "09:30"}, user=STUDENT))
        assert "only a teacher" in refused["content"]
        added = await fake.wait_response(await fake.command(
            "schedule add", {"kind": "onthisday", "time": "09:30", "days": "daily",
                             "timezone": "Europe/London"}, user=TEACHER))
        assert added["flags"] & EPHEMERAL and added["content"].startswith("Scheduled #1")
        listed = await fake.wait_response(await fake.command("schedule list", user=TEACHER))
        assert listed["flags"] & EPHEMERAL and "#1" in listed["embeds"][0]["description"]

        before = len(fake.message_log)
        clock.advance(minutes=30)
        post = await fake.wait_message(
            lambda m: m["channel_id"] == str(channel) and "interaction_token" not in m,
            after=before, timeout=10)
        assert not post["flags"] & EPHEMERAL and post["allowed_mentions"] == {"parse": []}
        assert post["embeds"][0]["title"].startswith(("On this day", "This week"))

        removed = await fake.wait_response(await fake.command("schedule remove", {"id": 1},
                                                              user=TEACHER))
        assert removed["content"] == "Removed schedule #1."
    finally:
        await bot.stop()


async def test_revision_cards_are_private_and_answered_in_place(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    card = await fake.wait_response(await fake.command("revise", user=STUDENT))
    assert card["flags"] & EPHEMERAL and card["embeds"][0]["title"] == "Revision"
    ids = buttons(card)
    assert ids and all(i.startswith("rv:a:") for i in ids)
    click = await fake.click(card, ids[0], user=STUDENT)
    await fake.wait_for(lambda: fake.interactions[click].callbacks)
    assert fake.interactions[click].callbacks[0]["type"] == 7  # the card becomes the feedback
    after = fake.messages[int(card["id"])]
    assert after["flags"] & EPHEMERAL
    assert after["embeds"][0]["description"].startswith(("Right", "Not quite"))
    assert buttons(after)  # Next (and for a right answer, Hard / Easy)


async def test_a_reminder_arrives_as_a_direct_message(discord_bot: DiscordBot) -> None:
    fake, core, clock = discord_bot.fake, discord_bot.studybot, discord_bot.clock
    on = await fake.wait_response(await fake.command("remind", {"state": "on", "time": "18:00"},
                                                     user=STUDENT))
    assert on["flags"] & EPHEMERAL and "18:00" in on["content"]
    clock.advance(hours=9)  # 18:00 in London: new cards are due
    await core.tick()
    dm = await fake.wait_for(lambda: fake.dm_channels.get(STUDENT.id))
    [message] = fake.channel_messages(dm)
    assert message["embeds"][0]["title"] == "Revision"
    assert "due" in message["embeds"][0]["description"]
    assert message["allowed_mentions"] == {"parse": []}
    off = await fake.wait_response(await fake.command("remind", {"state": "off"}, user=STUDENT))
    assert off["flags"] & EPHEMERAL and "off" in off["content"]


async def test_a_scheduled_revision_question_is_answered_then_revealed_in_place(
        discord_bot: DiscordBot) -> None:
    fake, core, clock = discord_bot.fake, discord_bot.studybot, discord_bot.clock
    await fake.wait_response(await fake.command(
        "schedule add", {"kind": "revision", "time": "09:15"}, user=TEACHER))
    before = len(fake.message_log)
    clock.advance(minutes=15)
    await core.tick()
    post = await fake.wait_message(lambda m: "interaction_token" not in m, after=before)
    assert post["embeds"][0]["title"] == "Revision question"
    ids = buttons(post)
    assert ids and all(i.startswith("rq:") for i in ids)
    got = await fake.wait_response(await fake.click(post, ids[0], user=STUDENT))
    assert got["flags"] & EPHEMERAL and got["content"].startswith("Got it")
    clock.advance(minutes=10)
    await core.tick()  # the same message now shows the answer and the tally
    revealed = fake.messages[int(post["id"])]
    assert revealed["embeds"][0]["title"] == "Revision question: the answer"
    assert "1 answered" in revealed["embeds"][0]["description"]
    assert revealed["components"] == []


async def test_one_server_never_sees_another_servers_schedules(
        kb: KnowledgeBase, db: Database, clock: FakeClock) -> None:
    async with two_servers(kb, db, clock) as bot:
        fake = bot.fake
        first, second = fake.guild_ids
        await fake.wait_response(await fake.command(
            "schedule add", {"kind": "onthisday", "time": "09:30"}, user=TEACHER,
            guild_id=first))
        mine = await fake.wait_response(await fake.command("schedule list", user=TEACHER,
                                                           guild_id=first))
        theirs = await fake.wait_response(await fake.command("schedule list", user=TEACHER,
                                                             guild_id=second))
        assert "#1" in mine["embeds"][0]["description"]
        assert theirs["content"].startswith("No schedules yet")
        gone = await fake.wait_response(await fake.command("schedule remove", {"id": 1},
                                                           user=TEACHER, guild_id=second))
        assert "no schedule #1" in gone["content"]
