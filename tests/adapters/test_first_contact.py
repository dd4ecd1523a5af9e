"""A class's first clicks: a new server or workspace, the teacher starts a quiz, 30 students
press at once. Every press is answered and stored, on SQLite and on PostgreSQL (where the
tenant's settings row used to be created by all of them at once, and most lost the race)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.quiz.models import QuizAnswer
from bot.storage.tenants import Tenant
from tests.adapters.slack_helpers import TEACHER, buttons, latest_quiz, posts_with, slack_world
from tests.fakes.discord_harness import TEACHER as DISCORD_TEACHER
from tests.fakes.discord_harness import DiscordBot
from tests.fakes.discord_server import EPHEMERAL, FakeUser

CLASS_SIZE = 30


async def stored_answers(bot: StudyBot) -> int:
    async with bot.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(QuizAnswer)))
                   .scalar_one())


async def tenants(bot: StudyBot) -> int:
    async with bot.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(Tenant))).scalar_one())


async def test_thirty_first_clicks_on_slack_are_all_answered_and_stored(
        studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        students = [f"UNEW{i:02d}" for i in range(CLASS_SIZE)]
        for i, user in enumerate(students):
            world.fake.add_user(user, f"New student {i}")
        await world.command(TEACHER, "quiz start questions=1 seconds=60")
        quiz = await latest_quiz(studybot)
        (post,) = posts_with(world, f"quiz:{quiz}:0:")
        ts = world.fake.ts_of(post)
        first = buttons(post)[0][1]
        world.fake.clear()

        statuses = await asyncio.gather(*(
            world.click(user, first, ts=ts, response_key=f"r-{user}") for user in students))

        assert statuses == [200] * CLASS_SIZE
        replies = {r["response_key"]: r["text"] for r in world.fake.calls_to("response_url")}
        assert sorted(replies) == sorted(f"r-{user}" for user in students)
        assert all(text.startswith("Got it") for text in replies.values()), replies
        assert await stored_answers(studybot) == CLASS_SIZE
        assert await tenants(studybot) <= 1


async def test_thirty_first_clicks_on_discord_are_all_answered_and_stored(
        discord_bot: DiscordBot) -> None:
    fake, core = discord_bot.fake, discord_bot.studybot
    started = await fake.wait_response(await fake.command(
        "quiz start", {"questions": 1, "seconds": 60}, user=DISCORD_TEACHER))
    assert "started" in started["content"]
    post = await fake.wait_for(lambda: next(
        (m for m in fake.channel_messages(discord_bot.channel) if m["components"]), None))
    first = post["components"][0]["components"][0]["custom_id"]
    students = [FakeUser(7000 + i, f"New student {i}") for i in range(CLASS_SIZE)]

    tokens = await asyncio.gather(*(fake.click(post, first, user=s) for s in students))
    replies = await asyncio.gather(*(fake.wait_response(t, timeout=20) for t in tokens))

    assert all(r["flags"] & EPHEMERAL and r["content"].startswith("Got it") for r in replies), [
        r["content"] for r in replies]
    assert await stored_answers(core) == CLASS_SIZE
