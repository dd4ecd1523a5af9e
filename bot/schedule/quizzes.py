"""Starting a short class quiz from a schedule, through the quiz module's own entry point."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.events import Actor
from bot.quiz import group
from bot.quiz.models import AUTO

if TYPE_CHECKING:
    from bot.app import StudyBot
    from bot.schedule.models import Occurrence

log = logging.getLogger(__name__)
QUESTIONS = 5  # "a short group quiz"
SECONDS = 20


async def start_scheduled_quiz(bot: StudyBot, row: Occurrence) -> None:
    """Start the quiz as the teacher who set the schedule; it runs on the bot's ticks."""
    teacher = Actor(row.platform, row.tenant, row.created_by, "Scheduled quiz", is_teacher=True)
    settings = group.QuizSettings(topic=row.topic, questions=QUESTIONS, seconds=SECONDS,
                                  pace=AUTO)
    for reply in await group.start(bot, teacher, row.place, settings):
        # the confirmation (or "a quiz is already running here") is the teacher's, not the
        # channel's: keep it in the log
        log.info("scheduled quiz #%s in %s: %s", row.id, row.place.key, reply.text)
