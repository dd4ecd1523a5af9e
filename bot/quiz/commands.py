"""Quiz commands, buttons and the quiz timer, declared once for every platform."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.commands.registry import Option, action, command, ticker
from bot.events import Command, Press
from bot.quiz import group, solo
from bot.quiz.models import AUTO
from bot.quiz.records import leaderboard
from bot.quiz.render import MEDALS
from bot.replies import Reply
from bot.storage.tenants import get_tenant

if TYPE_CHECKING:
    from bot.app import StudyBot

TOPIC = Option("topic", "Only questions on this part of the essay (e.g. spain, purges).",
               kind="topic")


@command("quiz start", "Start a quiz for the whole channel.",
         TOPIC,
         Option("questions", "How many questions (1-50, default 10).", kind="int", min=1, max=50),
         Option("seconds", "Seconds per question (5-120, default 20).", kind="int", min=5,
                max=120),
         Option("pace", "auto: move on by itself; teacher: wait for `/quiz next`.",
                kind="choice", choices=("auto", "teacher")),
         teacher_only=True)
async def quiz_start(bot: StudyBot, cmd: Command) -> list[Reply]:
    settings = group.QuizSettings(topic=cmd.args.get("topic"),
                                  questions=int(cmd.args.get("questions", 10)),
                                  seconds=int(cmd.args.get("seconds", 20)),
                                  pace=cmd.args.get("pace", AUTO))
    return await group.start(bot, cmd.actor, cmd.place, settings)


@command("quiz next", "Reveal the open question now, or show the next one.", teacher_only=True)
async def quiz_next(bot: StudyBot, cmd: Command) -> list[Reply]:
    return await group.next_question(bot, cmd.place)


@command("quiz stop", "End the channel's quiz now; its results are kept.", teacher_only=True)
async def quiz_stop(bot: StudyBot, cmd: Command) -> list[Reply]:
    return await group.stop(bot, cmd.place)


@command("quiz pause", "Stop the quiz clock for a moment.", teacher_only=True)
async def quiz_pause(bot: StudyBot, cmd: Command) -> list[Reply]:
    return await group.pause(bot, cmd.place)


@command("quiz resume", "Start the quiz clock again.", teacher_only=True)
async def quiz_resume(bot: StudyBot, cmd: Command) -> list[Reply]:
    return await group.resume(bot, cmd.place)


@command("quiz solo", "Practise on your own: questions only you see, with explanations.",
         TOPIC,
         Option("questions", "How many questions (1-30, default 10).", kind="int", min=1, max=30))
async def quiz_solo(bot: StudyBot, cmd: Command) -> list[Reply]:
    return await solo.start_solo(bot, cmd.actor, cmd.place, cmd.args.get("topic"),
                                 int(cmd.args.get("questions", 10)))


@action("quiz")
async def quiz_button(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    return await group.answer(bot, press, parts)


@action("solo")
async def solo_button(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    return await solo.solo_answer(bot, press, parts)


@ticker
async def quiz_timer(bot: StudyBot) -> None:
    await group.tick(bot)


@command("leaderboard", "Quiz points in this server: this week or all time.",
         Option("period", "week (default) or all.", kind="choice", choices=("week", "all")))
async def show_leaderboard(bot: StudyBot, cmd: Command) -> list[Reply]:
    period = cmd.args.get("period", "week")
    tenant_key = cmd.actor.tenant_key
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        since = None
        if period == "week":
            since = week_start(now, (await get_tenant(session, tenant_key, now)).timezone)
        rows = await leaderboard(session, tenant_key, since=since, limit=10)
    label = "this week" if period == "week" else "all time"
    if not rows:
        return [Reply(f"No class quiz points {label} yet.", title=f"Leaderboard, {label}")]
    lines = []
    for i, row in enumerate(rows):
        rank = MEDALS[i] if i < len(MEDALS) else f"{i + 1}."
        lines.append(f"{rank} {row.name}: {row.score} points · accuracy "
                     f"{round(100 * row.accuracy)}% ({row.right}/{row.answered}) · "
                     f"{row.quizzes} quiz{'zes' if row.quizzes != 1 else ''}")
    return [Reply("\n".join(lines), title=f"Leaderboard, {label}")]


def week_start(now: datetime, timezone: str) -> datetime:
    """Monday 00:00 of the current week in the class's time zone."""
    local = now.astimezone(ZoneInfo(timezone))
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0,
                                                               microsecond=0)
    return monday
