"""Starting a short class quiz from a schedule, through the quiz module's own entry point."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.events import Place

if TYPE_CHECKING:
    from bot.app import StudyBot

QUESTIONS = 5  # "a short group quiz"

QuizStarter = Callable[["StudyBot", Place, "str | None", datetime], Awaitable[None]]


def quiz_starter() -> QuizStarter | None:
    """The function that starts a group quiz in a channel, once the quiz module provides one."""
    return None
