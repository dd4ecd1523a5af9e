"""Small helpers the quiz tests share: people, places, pressing buttons, reading the DB."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import StudyBot
from bot.events import Actor, Command, Place, Press
from bot.notifier import RecordingNotifier
from bot.quiz.models import QuizQuestion
from bot.replies import Reply

PLACE = Place("discord", "g1", "c1")


def teacher(name: str = "Ms Gray", tenant: str = "g1") -> Actor:
    return Actor("discord", tenant, f"teacher-{name}", name, is_teacher=True)


def student(name: str, tenant: str = "g1") -> Actor:
    return Actor("discord", tenant, f"user-{name}", name)


async def run(bot: StudyBot, actor: Actor, name: str, place: Place = PLACE,
              **args: str) -> list[Reply]:
    return await bot.handle(Command(actor, place, name, args))


async def press(bot: StudyBot, actor: Actor, action_id: str, place: Place = PLACE) -> list[Reply]:
    return await bot.handle(Press(actor, place, action_id))


async def correct_option(bot: StudyBot, session_id: int, position: int) -> int:
    async with bot.db.transaction() as session:
        return int((await session.execute(select(QuizQuestion.correct).where(
            QuizQuestion.session_id == session_id,
            QuizQuestion.position == position))).scalar_one())


def last_question(notifier: RecordingNotifier) -> Reply:
    """The latest posted message with buttons: the open question."""
    return next(r for _, _, r in reversed(notifier.posts) if r.choices)


def titled(notifier: RecordingNotifier, start: str) -> list[Reply]:
    return [r for _, _, r in notifier.posts if (r.title or "").startswith(start)]
