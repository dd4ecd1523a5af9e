"""The slash commands, each a thin mapping to one core command with the core's option names.

Every command is registered from the start; one whose core feature is not there yet gets the
core's own "I don't know the command" answer. Teacher-only checks stay in the core (a member
with the tenant's teacher role may lack any Discord permission), so no command is hidden.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Literal, Protocol
from zoneinfo import available_timezones

import discord
from discord import app_commands

from bot.commands.registry import COMMANDS

MAX_CHOICES = 25
Interaction = discord.Interaction[Any]


class CommandRunner(Protocol):
    """The client side of a slash command: turns it into a core ``Command``."""

    async def run_command(self, interaction: Interaction, name: str, args: dict[str, str], *,
                          private: bool = False) -> None: ...

    def topics(self) -> list[str]: ...


async def _run(interaction: Interaction, name: str, private: bool = False,
               **options: object) -> None:
    await _run_with(interaction, name, options, private)


async def _run_with(interaction: Interaction, name: str, options: dict[str, object],
                    private: bool = False) -> None:
    """Hand the command to the client with the core's option names, unset options left out."""
    client: CommandRunner = interaction.client
    args = {key: str(value) for key, value in options.items() if value is not None}
    await client.run_command(interaction, name, args, private=private)


# --- autocomplete ----------------------------------------------------------------------------

def _matching(values: list[str], current: str) -> list[app_commands.Choice[str]]:
    """Values starting with what was typed first, then those containing it."""
    typed = current.strip().lower()
    starts = [v for v in values if v.lower().startswith(typed)]
    inside = [v for v in values if typed in v.lower() and v not in starts]
    return [app_commands.Choice(name=v[:100], value=v[:100])
            for v in (starts + inside)[:MAX_CHOICES]]


async def topic_autocomplete(interaction: Interaction,
                             current: str) -> list[app_commands.Choice[str]]:
    client: CommandRunner = interaction.client
    return _matching(client.topics(), current)


@lru_cache(maxsize=1)
def _zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z and not z.startswith("Etc/"))


async def timezone_autocomplete(interaction: Interaction,
                                current: str) -> list[app_commands.Choice[str]]:
    return _matching(_zones(), current.replace(" ", "_"))


async def days_autocomplete(interaction: Interaction,
                            current: str) -> list[app_commands.Choice[str]]:
    return _matching(["daily", "weekdays", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
                      "mon,wed,fri", "tue,thu"], current)


async def command_autocomplete(interaction: Interaction,
                               current: str) -> list[app_commands.Choice[str]]:
    return _matching(sorted(COMMANDS), current)


# --- the commands ----------------------------------------------------------------------------

Pace = Literal["auto", "teacher"]
Kind = Literal["onthisday", "revision", "quiz"]
Period = Literal["week", "all"]
State = Literal["on", "off"]
PrivacyAction = Literal["show", "delete"]


class QuizGroup(app_commands.Group, name="quiz", description="Quizzes for the class or alone."):
    @app_commands.command(name="start", description="Start a class quiz here (teachers).")
    @app_commands.describe(topic="A topic, e.g. spain (default: everything)",
                           questions="How many questions (1-50, default 10)",
                           seconds="Seconds per question (5-120, default 20)",
                           pace="auto: timed; teacher: you press next")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def start(self, interaction: Interaction, topic: str | None = None,
                    questions: app_commands.Range[int, 1, 50] | None = None,
                    seconds: app_commands.Range[int, 5, 120] | None = None,
                    pace: Pace | None = None) -> None:
        await _run(interaction, "quiz start", topic=topic, questions=questions,
                   seconds=seconds, pace=pace)

    @app_commands.command(name="next", description="Move the class quiz on (teachers).")
    async def next(self, interaction: Interaction) -> None:
        await _run(interaction, "quiz next")

    @app_commands.command(name="stop", description="End the class quiz now (teachers).")
    async def stop(self, interaction: Interaction) -> None:
        await _run(interaction, "quiz stop")

    @app_commands.command(name="pause", description="Pause the class quiz (teachers).")
    async def pause(self, interaction: Interaction) -> None:
        await _run(interaction, "quiz pause")

    @app_commands.command(name="resume", description="Carry on a paused quiz (teachers).")
    async def resume(self, interaction: Interaction) -> None:
        await _run(interaction, "quiz resume")

    @app_commands.command(name="solo", description="A quiz just for you.")
    @app_commands.describe(topic="A topic, e.g. spain (default: everything)",
                           questions="How many questions (1-30, default 10)")
    @app_commands.autocomplete(topic=topic_autocomplete)
    async def solo(self, interaction: Interaction, topic: str | None = None,
                   questions: app_commands.Range[int, 1, 30] | None = None) -> None:
        await _run(interaction, "quiz solo", private=True, topic=topic, questions=questions)


class ScheduleGroup(app_commands.Group, name="schedule",
                    description="Regular posts in this channel (teachers)."):
    @app_commands.command(name="add", description="Post something here on a regular basis.")
    @app_commands.describe(kind="What to post", time="When, as HH:MM (24-hour)",
                           days="e.g. mon,wed or weekdays or daily (default daily)",
                           timezone="e.g. Europe/London (default: the server's)",
                           topic="For quizzes: a topic")
    @app_commands.autocomplete(days=days_autocomplete, timezone=timezone_autocomplete,
                               topic=topic_autocomplete)
    async def add(self, interaction: Interaction, kind: Kind,
                  time: app_commands.Range[str, 1, 5], days: str | None = None,
                  timezone: str | None = None, topic: str | None = None) -> None:
        await _run(interaction, "schedule add", kind=kind, time=time, days=days,
                   timezone=timezone, topic=topic)

    @app_commands.command(name="list", description="This server's schedules.")
    async def list(self, interaction: Interaction) -> None:
        await _run(interaction, "schedule list")

    @app_commands.command(name="remove", description="Stop a schedule.")
    @app_commands.describe(id="The schedule's number, from /schedule list")
    async def remove(self, interaction: Interaction,
                     id: app_commands.Range[int, 1, None]) -> None:
        await _run(interaction, "schedule remove", id=id)


class SettingsGroup(app_commands.Group, name="settings", description="This server's settings."):
    @app_commands.command(name="teacher-role",
                          description="Members with this role count as teachers (managers).")
    @app_commands.describe(role="The teachers' role; leave empty to clear it")
    async def teacher_role(self, interaction: Interaction,
                           role: discord.Role | None = None) -> None:
        # the role's mention is stored: it shows as the role's name and never pings
        await _run(interaction, "settings teacher-role",
                   role=role.mention if role is not None else "none")

    @app_commands.command(name="retention",
                          description="How long quiz answers are kept (managers).")
    @app_commands.describe(days="Days to keep quiz answers (1-3650), or forever")
    async def retention(self, interaction: Interaction, days: str) -> None:
        await _run(interaction, "settings retention", private=True, days=days)

    @app_commands.command(name="timezone", description="The class's time zone (teachers).")
    @app_commands.describe(timezone="e.g. Europe/London")
    @app_commands.autocomplete(timezone=timezone_autocomplete)
    async def timezone(self, interaction: Interaction, timezone: str) -> None:
        await _run(interaction, "settings timezone", timezone=timezone)


@app_commands.command(name="ask", description="Ask about the essay; the answer shows its source.")
@app_commands.describe(question="Your question (leave empty to write a longer one)",
                       private="Answer only to you")
async def ask(interaction: Interaction, question: app_commands.Range[str, 1, 1000] | None = None,
              private: bool = False) -> None:
    if question is None:
        modal = ask_modal(private)
        await interaction.response.send_modal(modal)
        modal.stop()  # its submit is routed by custom_id alone: see modal_question
        return
    await _run(interaction, "ask", private=private, question=question)


ASK_MODAL = "studybot-ask:"  # then 1 (answer privately) or 0
QUESTION_FIELD = "question"


def ask_modal(private: bool) -> discord.ui.Modal:
    """A roomier box for a long question; its answer is the same as /ask's."""
    modal = discord.ui.Modal(title="Ask about the essay", custom_id=f"{ASK_MODAL}{int(private)}",
                             timeout=None)
    modal.add_item(discord.ui.TextInput(
        label="Your question", custom_id=QUESTION_FIELD, style=discord.TextStyle.paragraph,
        max_length=1000, placeholder="e.g. Why did Stalin sign the Nazi-Soviet Pact?"))
    return modal


def modal_question(data: Any) -> tuple[str, bool] | None:
    """The question and privacy of a submitted ask modal, from the payload alone, so a
    submit still counts after a restart; None for any other modal."""
    custom_id = str((data or {}).get("custom_id", ""))
    if custom_id not in (f"{ASK_MODAL}0", f"{ASK_MODAL}1"):
        return None
    found = _field_value(data.get("components", []), QUESTION_FIELD)
    return (found or "", custom_id.endswith("1"))


def _field_value(components: Any, custom_id: str) -> str | None:
    for component in components if isinstance(components, list) else []:
        if not isinstance(component, dict):
            continue
        if component.get("custom_id") == custom_id and "value" in component:
            return str(component["value"])
        nested = component.get("components") or (
            [component["component"]] if "component" in component else [])
        found = _field_value(nested, custom_id)
        if found is not None:
            return found
    return None


@app_commands.command(name="onthisday", description="What happened on this day (or another).")
@app_commands.describe(date="A day as MM-DD, e.g. 08-23 (default: today)")
async def onthisday(interaction: Interaction,
                    date: app_commands.Range[str, 1, 5] | None = None) -> None:
    await _run(interaction, "onthisday", date=date)


@app_commands.command(name="timeline", description="A picture of the dated events.")
@app_commands.describe(start="First year, e.g. 1917", end="Last year, e.g. 1941")
@app_commands.rename(start="from", end="to")
async def timeline(interaction: Interaction,
                   start: app_commands.Range[int, 1000, 2100] | None = None,
                   end: app_commands.Range[int, 1000, 2100] | None = None) -> None:
    await _run_with(interaction, "timeline", {"from": start, "to": end})


@app_commands.command(name="revise", description="Your next revision card (only you see it).")
async def revise(interaction: Interaction) -> None:
    await _run(interaction, "revise", private=True)


@app_commands.command(name="remind", description="A daily message when cards are due.")
@app_commands.describe(state="on or off", time="When, as HH:MM (24-hour)")
async def remind(interaction: Interaction, state: State,
                 time: app_commands.Range[str, 1, 5] | None = None) -> None:
    await _run(interaction, "remind", private=True, state=state, time=time)


@app_commands.command(name="leaderboard", description="The class's quiz scores.")
@app_commands.describe(period="This week or all time (default: week)")
async def leaderboard(interaction: Interaction, period: Period | None = None) -> None:
    await _run(interaction, "leaderboard", period=period)


@app_commands.command(name="report", description="A quiz's results as CSV and a chart (teachers).")
@app_commands.describe(quiz="The quiz's number (default: the latest)")
async def report(interaction: Interaction,
                 quiz: app_commands.Range[int, 1, None] | None = None) -> None:
    await _run(interaction, "report", quiz=quiz)


@app_commands.command(name="privacy", description="What I store about you; erase it if you like.")
@app_commands.describe(action="show (default) or delete")
async def privacy(interaction: Interaction, action: PrivacyAction | None = None) -> None:
    await _run(interaction, "privacy delete" if action == "delete" else "privacy", private=True)


@app_commands.command(name="help", description="What I can do, or how to use one command.")
@app_commands.describe(command="A command, e.g. quiz start")
@app_commands.autocomplete(command=command_autocomplete)
async def help_command(interaction: Interaction, command: str | None = None) -> None:
    await _run(interaction, "help", command=command)


def build_commands() -> list[app_commands.Command[Any, Any, Any] | app_commands.Group]:
    """Every top-level command, fresh for one tree (groups hold per-tree state)."""
    return [ask, QuizGroup(), onthisday, timeline, revise, remind, ScheduleGroup(),
            leaderboard, report, SettingsGroup(), privacy, help_command]


def install(tree: app_commands.CommandTree[Any]) -> None:
    for command in build_commands():
        tree.add_command(command)
