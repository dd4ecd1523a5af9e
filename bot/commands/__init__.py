"""Command modules register themselves on import; :func:`load_commands` imports them all."""

from __future__ import annotations

import importlib

#: Every feature module that declares commands, buttons or tickers.
MODULES = (
    "bot.commands.general",
    "bot.commands.settings",
    "bot.commands.ask",
    "bot.quiz.commands",
    "bot.quiz.reports",
    "bot.calendar.commands",
    "bot.schedule.commands",
    "bot.schedule.channel",
    "bot.revision.commands",
    "bot.privacy",
)


def load_commands() -> None:
    for name in MODULES:
        importlib.import_module(name)
