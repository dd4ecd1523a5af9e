"""While the database is unreachable: questions are still answered, everything needing
storage says "try again in a moment", nobody is a teacher, and each ticker logs a line a
minute, not a traceback a second. Afterwards everything works again."""

from __future__ import annotations

import logging

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.commands.registry import TICKERS
from bot.commands.settings import ROLE_CACHE_FOR, teacher_role
from bot.events import Actor, Command, Place
from tests.adapters.slack_helpers import STUDENTS, TEACHER, buttons, slack_world
from tests.fakes.discord_harness import STUDENT, DiscordBot
from tests.reliability.outage import database_down

S1, S2 = STUDENTS[:2]
PACT = "when was the nazi-soviet pact signed?"


async def test_slack_answers_questions_and_asks_to_try_again_while_the_database_is_down(
        studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        async with database_down(studybot.db):
            assert await world.command(S1, f"ask {PACT}") == 200
            assert "1939" in world.last("chat.postMessage")["text"]
            world.fake.clear()
            assert await world.mention(S2, f"<@UBOT> {PACT}") == 200
            assert "1939" in world.last("chat.postMessage")["text"]
            for user, line in ((S1, "quiz solo"), (TEACHER, "quiz start"), (S2, "revise")):
                assert await world.command(user, line) == 200
                assert "try again in a moment" in world.last("response_url")["text"], line
            async with world.http.get(world.url.replace("/slack/events", "/healthz")) as health:
                assert health.status == 503
        world.fake.clear()
        await world.command(S1, "quiz solo questions=2")  # back: storage works again
        assert any(buttons(r) for r in world.fake.calls_to("response_url"))


async def test_discord_answers_questions_while_the_database_is_down(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    async with database_down(discord_bot.studybot.db):
        answer = await fake.wait_response(await fake.command(
            "ask", {"question": PACT}, user=STUDENT), timeout=20)
        assert "1939" in (answer["content"] or answer["embeds"][0]["description"])
        solo = await fake.wait_response(await fake.command("quiz solo", user=STUDENT))
        assert "try again in a moment" in solo["content"]


async def test_a_failing_teacher_role_lookup_means_student(studybot: StudyBot,
                                                           clock: FakeClock) -> None:
    teacher = Actor("discord", "G1", "U1", is_teacher=True, is_manager=True)
    await studybot.handle(Command(teacher, Place("discord", "G1", "C1"),
                                  "settings teacher-role", {"role": "<@&12345>"}))
    assert await teacher_role(studybot, "discord:G1") == "<@&12345>"
    async with database_down(studybot.db):
        assert await teacher_role(studybot, "discord:G1") == "<@&12345>"  # known a moment ago
        clock.advance(ROLE_CACHE_FOR.total_seconds())
        assert await teacher_role(studybot, "discord:G1") is None
    assert await teacher_role(studybot, "discord:G1") == "<@&12345>"


async def test_each_ticker_logs_a_line_a_minute_during_an_outage_and_says_when_it_is_back(
        studybot: StudyBot, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    async with database_down(studybot.db):
        for _ in range(180):  # three minutes of ticks, one a second
            clock.advance(1)
            await studybot.tick()
    down = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert down and all(r.exc_info is None for r in down)  # lines, never tracebacks
    assert all("database unreachable" in r.getMessage() for r in down)
    for run in TICKERS:
        mine = [r for r in down if r.getMessage().startswith(f"ticker {run.__name__}:")]
        assert 1 <= len(mine) <= 4, (run.__name__, [r.getMessage() for r in mine])
    caplog.clear()
    clock.advance(1)
    await studybot.tick()
    back = [r.getMessage() for r in caplog.records]
    assert len([m for m in back if "working again" in m]) == len(TICKERS), back
