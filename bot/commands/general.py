"""Help: the list of commands, drawn from the registry so it never goes stale."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.registry import COMMANDS, Option, command
from bot.events import Command
from bot.replies import Reply

if TYPE_CHECKING:
    from bot.app import StudyBot


@command("help", "Show what I can do, or how to use one command.",
         Option("command", "A command to explain, e.g. `quiz start`.", rest=True))
async def show_help(bot: StudyBot, cmd: Command) -> list[Reply]:
    wanted = cmd.args.get("command", "").strip().lower().lstrip("/")
    if wanted:
        matches = [s for n, s in COMMANDS.items() if n == wanted or n.startswith(wanted + " ")]
        if not matches:
            return [Reply(f"There is no command `{wanted[:40]}`. Type `/help` for the list.",
                          private=True)]
        lines = []
        for spec in matches:
            lines.append(f"`/{spec.usage}`: {spec.help}")
            lines += [f"  {o.name}: {o.help}" for o in spec.options]
        return [Reply("\n".join(lines), private=True)]
    lines = ["Ask me anything about the essay: just type a question.", ""]
    for spec in sorted(COMMANDS.values(), key=lambda s: s.name):
        if spec.teacher_only and not cmd.actor.is_teacher:
            continue
        lines.append(f"`/{spec.usage}`: {spec.help}")
    return [Reply("\n".join(lines), private=True, title="Study bot help")]
