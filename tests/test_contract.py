"""One scenario through every adapter: the same stored results whichever platform ran it.

A student asks a question and practises alone (right, wrong, right); a teacher runs a three
question class quiz for three students (one always right, one always wrong, one right only on
the first); the teacher adds a schedule (a student's try is refused) and it fires. Each
platform runs this through its real adapter against its local fake (Discord: the fake gateway
and REST API; Slack: signed requests and the fake Web API; the terminal: typed lines), each on
a database of its own. What the databases hold afterwards, with platform user ids replaced by
roles, must be the same, and so must the entries offered with the answer.
"""

from __future__ import annotations

import io
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import select

from adapters.console.chat import PLATFORM as CONSOLE
from adapters.console.chat import TENANT, ConsoleScreen, handle_line
from bot.app import StudyBot
from bot.clock import FakeClock
from bot.commands.parse import parse_command_line
from bot.events import Actor
from bot.quiz.models import QuizAnswer, QuizPlayer, QuizQuestion, QuizSession
from bot.schedule.models import ChannelQuestion, Schedule
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.adapters.slack_helpers import STUDENTS, TEACHER, SlackWorld, buttons, slack_world
from tests.fakes.discord_harness import STUDENTS as DISCORD_STUDENTS
from tests.fakes.discord_harness import TEACHER as DISCORD_TEACHER
from tests.fakes.discord_harness import DiscordBot, start_bot
from tests.fakes.discord_server import FakeDiscord

QUESTION = "when was the nazi-soviet pact signed?"
ROLES = ("teacher", "s1", "s2", "s3")
#: For each class quiz question: does each student answer it right?
GROUP_PLAN = {"s1": (True, True, True), "s2": (False, False, False), "s3": (True, False, False)}
SOLO_PLAN = (True, False, True)
Outcome = tuple[list[str], dict[str, Any]]


class Platform(Protocol):
    """A platform driven as its users would drive it; ``who`` is one of :data:`ROLES`."""

    role_of: dict[str, str]  # platform user id -> role

    async def ask(self, who: str, question: str) -> list[str]:
        """Ask; return the action ids of the buttons offered with the answer."""
        ...

    async def command(self, who: str, line: str) -> None: ...

    async def press_solo(self, who: str, right: bool) -> None: ...

    async def press_group(self, who: str, position: int, right: bool) -> None: ...


async def run_scenario(platform: Platform, bot: StudyBot, clock: FakeClock) -> list[str]:
    offered = await platform.ask("s1", QUESTION)
    await platform.command("s1", "quiz solo questions=3")
    for right in SOLO_PLAN:
        await platform.press_solo("s1", right)
    await platform.command("teacher", "quiz start questions=3 seconds=10")
    for position in range(3):
        for student, plan in GROUP_PLAN.items():
            await platform.press_group(student, position, plan[position])
        clock.advance(11)
        await bot.tick()  # the reveal
        clock.advance(7)
        await bot.tick()  # the next question, or the final leaderboard
    await platform.command("teacher", "schedule add revision 09:30 weekdays")
    await platform.command("s2", "schedule add onthisday 08:00")  # refused: not a teacher
    clock.advance(minutes=31)  # Friday 09:31 in London: the schedule fires
    await bot.tick()
    return offered


async def choice_for(bot: StudyBot, kind: str, position: int, right: bool) -> tuple[int, int]:
    """(quiz id, the option to press) on the latest quiz of ``kind`` at ``position``."""
    async with bot.db.transaction() as session:
        quiz = (await session.execute(select(QuizSession.id).where(QuizSession.kind == kind)
                                      .order_by(QuizSession.id.desc()))).scalars().first()
        row = (await session.execute(select(QuizQuestion).where(
            QuizQuestion.session_id == quiz, QuizQuestion.position == position))).scalar_one()
    assert quiz is not None
    return quiz, row.correct if right else (row.correct + 1) % len(row.data["options"])


async def stored_results(bot: StudyBot, role_of: dict[str, str]) -> dict[str, Any]:
    """What the database holds, with platform ids as roles, without row ids or tenants."""
    results: dict[str, Any] = {"quizzes": []}
    async with bot.db.transaction() as session:
        for quiz in (await session.execute(select(QuizSession).order_by(QuizSession.id))
                     ).scalars():
            answers = (await session.execute(select(QuizAnswer).where(
                QuizAnswer.session_id == quiz.id))).scalars()
            players = (await session.execute(select(QuizPlayer).where(
                QuizPlayer.session_id == quiz.id))).scalars()
            results["quizzes"].append({
                "kind": quiz.kind, "total": quiz.total, "state": quiz.state,
                "owner": role_of[quiz.user_id],
                "answers": sorted((role_of[a.user_id], a.position, a.correct, a.points)
                                  for a in answers),
                "players": sorted((role_of[p.user_id], p.score, p.right, p.answered)
                                  for p in players),
            })
        results["schedules"] = [
            (s.kind, s.at_time, s.days, s.timezone, s.topic, role_of[s.created_by], s.next_due,
             s.last_fired)
            for s in (await session.execute(select(Schedule).order_by(Schedule.id))).scalars()]
        results["posted"] = [
            (p.posted_at, p.message_ref is not None)
            for p in (await session.execute(select(ChannelQuestion))).scalars()]
    return results


# -- the terminal ---------------------------------------------------------------------------

class ConsolePlatform:
    """Typed lines, as ``studybot console`` reads them; buttons are typed numbers."""

    def __init__(self, bot: StudyBot, files: Path) -> None:
        self.bot = bot
        self.screen = ConsoleScreen(io.StringIO(), files)
        bot.notifier = self.screen
        self.role_of = {role: role for role in ROLES}

    async def type(self, who: str, line: str) -> None:
        actor = Actor(CONSOLE, TENANT, who, who, is_teacher=who == "teacher",
                      is_manager=who == "teacher")
        assert await handle_line(self.bot, self.screen, actor, line)

    async def ask(self, who: str, question: str) -> list[str]:
        await self.type(who, question)
        return [c.action_id for c in self.screen.choices]

    async def command(self, who: str, line: str) -> None:
        await self.type(who, "/" + line)

    async def press_solo(self, who: str, right: bool) -> None:
        position = int(self.screen.choices[0].action_id.split(":")[2])
        await self._press(who, "solo", position, right)

    async def press_group(self, who: str, position: int, right: bool) -> None:
        await self._press(who, "group", position, right)

    async def _press(self, who: str, kind: str, position: int, right: bool) -> None:
        _, choice = await choice_for(self.bot, kind, position, right)
        assert self.screen.choices[choice].action_id.endswith(f":{position}:{choice}")
        await self.type(who, str(choice + 1))


# -- Slack ----------------------------------------------------------------------------------

class SlackPlatform:
    """``/study ...`` and button clicks as signed requests to the bot's HTTP server."""

    def __init__(self, world: SlackWorld) -> None:
        self.world = world
        self.user = dict(zip(ROLES, (TEACHER, *STUDENTS), strict=True))
        self.role_of = {user: role for role, user in self.user.items()}

    async def ask(self, who: str, question: str) -> list[str]:
        await self.command(who, f"ask {question}")
        return [a for _, a in buttons(self.world.last("chat.postMessage"))]

    async def command(self, who: str, line: str) -> None:
        assert await self.world.command(self.user[who], line) == 200

    async def press_solo(self, who: str, right: bool) -> None:
        question = [r for r in self.world.fake.calls_to("response_url") if buttons(r)][-1]
        position = int(buttons(question)[0][1].split(":")[2])
        quiz, choice = await choice_for(self.world.studybot, "solo", position, right)
        await self.world.click(self.user[who], f"solo:{quiz}:{position}:{choice}",
                               ephemeral=True)

    async def press_group(self, who: str, position: int, right: bool) -> None:
        quiz, choice = await choice_for(self.world.studybot, "group", position, right)
        posted = [b for b in self.world.fake.calls_to("chat.postMessage")
                  if any(a == f"quiz:{quiz}:{position}:{choice}" for _, a in buttons(b))]
        await self.world.click(self.user[who], f"quiz:{quiz}:{position}:{choice}",
                               ts=self.world.fake.ts_of(posted[-1]))


# -- Discord --------------------------------------------------------------------------------

class DiscordPlatform:
    """Slash commands and button clicks dispatched by the fake Discord gateway."""

    def __init__(self, running: DiscordBot) -> None:
        self.running = running
        self.fake = running.fake
        self.user = dict(zip(ROLES, (DISCORD_TEACHER, *DISCORD_STUDENTS), strict=True))
        self.role_of = {str(u.id): role for role, u in self.user.items()}
        self.pressed: set[str] = set()

    async def ask(self, who: str, question: str) -> list[str]:
        answer = await self._run(who, "ask", {"question": question})
        return [c["custom_id"] for row in answer["components"] for c in row["components"]]

    async def command(self, who: str, line: str) -> None:
        parsed = parse_command_line(line)
        kinds = {o.name: o.kind for o in parsed.spec.options}
        options = {k: int(v) if kinds[k] == "int" else v for k, v in parsed.args.items()}
        await self._run(who, parsed.spec.name, options)

    async def _run(self, who: str, name: str, options: dict[str, Any]) -> dict[str, Any]:
        token = await self.fake.command(name, options, user=self.user[who])
        response: dict[str, Any] = await self.fake.wait_response(token)
        return response

    def _with_buttons(self, prefix: str) -> list[dict[str, Any]]:
        return [m for m in self.fake.messages.values()
                if any(c.get("custom_id", "").startswith(prefix)
                       for row in m.get("components", []) for c in row["components"])]

    async def press_solo(self, who: str, right: bool) -> None:
        def unanswered() -> list[dict[str, Any]]:
            return [m for m in self._with_buttons("solo:") if _first_id(m) not in self.pressed]
        message = (await self.fake.wait_for(unanswered))[-1]
        self.pressed.add(_first_id(message))
        position = int(_first_id(message).split(":")[2])
        await self._press(who, "solo", message, position, right)

    async def press_group(self, who: str, position: int, right: bool) -> None:
        quiz, _ = await choice_for(self.running.studybot, "group", position, right)
        message = self._with_buttons(f"quiz:{quiz}:{position}:")[-1]
        await self._press(who, "group", message, position, right)

    async def _press(self, who: str, kind: str, message: dict[str, Any], position: int,
                     right: bool) -> None:
        quiz, choice = await choice_for(self.running.studybot, kind, position, right)
        prefix = "solo" if kind == "solo" else "quiz"
        token = await self.fake.click(message, f"{prefix}:{quiz}:{position}:{choice}",
                                      user=self.user[who])
        await self.fake.wait_for(lambda: self.fake.interactions[token].callbacks)


def _first_id(message: dict[str, Any]) -> str:
    return str(message["components"][0]["components"][0]["custom_id"])


# -- the contract ---------------------------------------------------------------------------

async def on_console(bot: StudyBot, clock: FakeClock, tmp: Path) -> Outcome:
    platform = ConsolePlatform(bot, tmp / "files")
    offered = await run_scenario(platform, bot, clock)
    return offered, await stored_results(bot, platform.role_of)


async def on_slack(bot: StudyBot, clock: FakeClock, tmp: Path) -> Outcome:
    async with slack_world(bot, clock) as world:
        platform = SlackPlatform(world)
        offered = await run_scenario(platform, bot, clock)
        return offered, await stored_results(bot, platform.role_of)


async def on_discord(bot: StudyBot, clock: FakeClock, tmp: Path) -> Outcome:
    fake = FakeDiscord()
    await fake.start()
    try:
        running = await start_bot(fake, bot, clock)
        try:
            platform = DiscordPlatform(running)
            offered = await run_scenario(platform, bot, clock)
            return offered, await stored_results(bot, platform.role_of)
        finally:
            await running.stop()
    finally:
        await fake.stop()


Runner = Callable[[StudyBot, FakeClock, Path], Awaitable[Outcome]]
RUNNERS: dict[str, Runner] = {"console": on_console, "slack": on_slack, "discord": on_discord}


async def test_every_platform_reaches_the_same_stored_results(kb: KnowledgeBase,
                                                              tmp_path: Path) -> None:
    outcomes: dict[str, Outcome] = {}
    for name, runner in RUNNERS.items():
        clock = FakeClock()
        bot = StudyBot(kb, await Database.open(f"sqlite+aiosqlite:///{tmp_path / name}.db"),
                       clock)
        try:
            outcomes[name] = await runner(bot, clock, tmp_path / name)
        finally:
            await bot.close()
    offered, results = outcomes["console"]
    assert offered[0].startswith("more:") and all(a.startswith("ask:") for a in offered[1:])
    assert [q["kind"] for q in results["quizzes"]] == ["solo", "group"]
    solo, group = results["quizzes"]
    assert [a[2] for a in solo["answers"]] == list(SOLO_PLAN)
    assert [p[:1] + p[2:] for p in sorted(group["players"], key=lambda p: -p[1])] == [
        ("s1", 3, 3), ("s3", 1, 3), ("s2", 0, 3)]
    assert [s[:2] + s[5:6] for s in results["schedules"]] == [("revision", "09:30", "teacher")]
    assert [shown for _, shown in results["posted"]] == [True]  # fired once, and posted
    for name, outcome in outcomes.items():
        assert outcome == (offered, results), f"{name} differs from the terminal"

