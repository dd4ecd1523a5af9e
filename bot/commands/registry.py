"""The one table of commands and button actions, shared by every adapter.

Each feature module declares its commands with :func:`command` and its button prefixes with
:func:`action`; the help text, the text parser (Slack, terminal) and permission checks all
read from here, so a command is described once.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from bot.events import Command, Press

if TYPE_CHECKING:
    from bot.app import StudyBot
    from bot.replies import Reply

OptionKind = Literal["text", "int", "choice", "time", "date", "topic", "timezone", "days"]


@dataclass(frozen=True, slots=True)
class Option:
    name: str
    help: str
    kind: OptionKind = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    rest: bool = False  # takes the rest of a typed line ("ask when was munich")
    min: int | None = None
    max: int | None = None


CommandHandler = Callable[["StudyBot", Command], Awaitable[list["Reply"]]]
ActionHandler = Callable[["StudyBot", Press, list[str]], Awaitable[list["Reply"]]]


@dataclass(frozen=True, slots=True)
class CommandSpec:
    name: str  # "quiz start": space-separated words
    help: str
    handler: CommandHandler
    options: tuple[Option, ...] = ()
    teacher_only: bool = False

    @property
    def usage(self) -> str:
        parts = [self.name]
        for opt in self.options:
            parts.append(f"<{opt.name}>" if opt.required else f"[{opt.name}]")
        return " ".join(parts)


COMMANDS: dict[str, CommandSpec] = {}
ACTIONS: dict[str, ActionHandler] = {}


def command(name: str, help: str, *options: Option,
            teacher_only: bool = False) -> Callable[[CommandHandler], CommandHandler]:
    def register(handler: CommandHandler) -> CommandHandler:
        if name in COMMANDS:
            raise RuntimeError(f"command {name!r} is declared twice")
        COMMANDS[name] = CommandSpec(name, help, handler, tuple(options), teacher_only)
        return handler
    return register


def action(prefix: str) -> Callable[[ActionHandler], ActionHandler]:
    """Register the handler of button ids ``<prefix>:<part>:<part>...``."""
    def register(handler: ActionHandler) -> ActionHandler:
        if prefix in ACTIONS:
            raise RuntimeError(f"action prefix {prefix!r} is declared twice")
        ACTIONS[prefix] = handler
        return handler
    return register


Ticker = Callable[["StudyBot"], Awaitable[None]]
TICKERS: list[Ticker] = []


def ticker(handler: Ticker) -> Ticker:
    """Register work the bot does on each tick: quiz timers, schedules, reminders."""
    TICKERS.append(handler)
    return handler


def write_commands(text: str, prefix: str) -> str:
    """``text`` with each command it mentions written after ``prefix`` instead of ``/``.

    The core writes commands as the terminal and Discord take them (`/quiz solo`); Slack
    takes them after its one slash command (`/study quiz solo`). Only code spans naming a
    registered command change, so other slashes (`/invite`) stay as they are.
    """
    from bot.commands import load_commands

    load_commands()  # the registry fills as the feature modules are imported
    words = sorted({name.split()[0] for name in COMMANDS}, key=len, reverse=True)
    pattern = re.compile(r"`/(?=(?:" + "|".join(map(re.escape, words)) + r")(?:[\s`]))")
    return pattern.sub(lambda _: "`" + prefix, text)
