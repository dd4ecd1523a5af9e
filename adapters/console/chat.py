"""The terminal chat: the same bot core as Discord and Slack, rendered as plain text.

A line starting with ``/`` is a command (parsed like Slack's typed commands); any other line
is a question. Buttons become a numbered list: type the number (or the label) to press one.
The bot's own posts (a class quiz's next question, a timer) arrive through
:class:`ConsoleScreen`, which is this adapter's notifier.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from bot.commands.parse import ParseError, parse_command_line
from bot.events import Actor, Command, Event, Place, Press, Text
from bot.replies import Choice, Reply

if TYPE_CHECKING:
    from bot.app import StudyBot

PLATFORM, TENANT, CHANNEL = "console", "local", "terminal"
HISTORY_ENV = "STUDYBOT_HISTORY"
TICK_SECONDS = 1.0
QUIT = frozenset({"/quit", "/exit", "/q"})
WELCOME = ("Study bot: ask me anything about the essay, or type /help for commands. "
           "/quit or Ctrl-D leaves.")


class ConsoleScreen:
    """Prints replies and the bot's own posts; remembers the last buttons shown."""

    def __init__(self, out: TextIO, files: Path) -> None:
        self.out = out
        self.files = files
        self.choices: list[Choice] = []
        self.choices_ref: str | None = None
        self._count = 0

    def show(self, reply: Reply, *, prefix: str = "") -> str:
        """Print one reply; its buttons become the numbered choices. Returns its reference."""
        self._count += 1
        ref = f"c{self._count}"
        lines = [f"{prefix}{reply.title}" if reply.title else "", reply.text]
        lines += [f"{name}: {value}" for name, value in reply.fields]
        lines += [self._save(a.filename, a.data) for a in reply.attachments]
        if reply.choices:
            self.choices, self.choices_ref = list(reply.choices), ref
            lines += [f"  {n}. {c.label}" for n, c in enumerate(reply.choices, 1)]
            lines.append("  (type a number to choose)")
        text = "\n".join(line for line in lines if line)
        if prefix and not reply.title:
            text = prefix + text
        print(text + "\n", file=self.out, flush=True)
        return ref

    def pick(self, line: str) -> tuple[Choice, str | None] | None:
        """The button a typed line presses: its number or its label, if buttons are showing."""
        wanted = line.strip().lower()
        if wanted.isdigit() and 1 <= int(wanted) <= len(self.choices):
            return self.choices[int(wanted) - 1], self.choices_ref
        for choice in self.choices:
            if choice.label.lower() == wanted:
                return choice, self.choices_ref
        return None

    def _save(self, filename: str, data: bytes) -> str:
        self.files.mkdir(parents=True, exist_ok=True)
        path = self.files / Path(filename).name
        path.write_bytes(data)
        return f"[saved {path} ({len(data):,} bytes)]"

    # The notifier interface: the bot posting on its own.
    async def post(self, place: Place, reply: Reply) -> str:
        return self.show(reply)

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        self.show(reply, prefix="(updated) ")

    async def send_direct(self, tenant_platform: str, tenant: str, user_id: str,
                          reply: Reply) -> None:
        self.show(reply, prefix="(to you) ")


def local_actor() -> Actor:
    """The person at the terminal: their own bot, so teacher and manager too."""
    user = os.environ.get("USER") or _login_name()
    return Actor(PLATFORM, TENANT, user, user, is_teacher=True, is_manager=True)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "student"


PLACE = Place(PLATFORM, TENANT, CHANNEL)


def to_event(line: str, actor: Actor, screen: ConsoleScreen) -> Event | str | None:
    """A typed line as an event; a string is a message to show instead; None for nothing."""
    line = line.strip()
    if not line:
        return None
    picked = screen.pick(line)
    if picked is not None:
        choice, ref = picked
        return Press(actor, PLACE, choice.action_id, ref)
    if not line.startswith("/"):
        return Text(actor, PLACE, line)
    try:
        parsed = parse_command_line(line)
    except ParseError as problem:
        return str(problem)
    return Command(actor, PLACE, parsed.spec.name, parsed.args)


async def handle_line(bot: StudyBot, screen: ConsoleScreen, actor: Actor, line: str) -> bool:
    """Act on one typed line; False when the user asked to leave."""
    if line.strip().lower() in QUIT:
        return False
    event = to_event(line, actor, screen)
    if isinstance(event, str):
        print(event + "\n", file=screen.out, flush=True)
    elif event is not None:
        for reply in await bot.handle(event):
            screen.show(reply)
    return True


async def keep_ticking(bot: StudyBot) -> None:
    """Timers (quiz deadlines, schedules) fire while the user is typing."""
    while True:
        await bot.tick()
        await asyncio.sleep(TICK_SECONDS)


async def chat(bot: StudyBot, screen: ConsoleScreen, read: Callable[[str], str],
               actor: Actor | None = None) -> None:
    """The read-answer loop until /quit or end of input (Ctrl-D)."""
    actor = actor or local_actor()
    print(WELCOME + "\n", file=screen.out, flush=True)
    ticking = asyncio.create_task(keep_ticking(bot))
    try:
        while True:
            try:
                line = await read_line(read, "you> ")
            except EOFError:
                print("", file=screen.out)
                break
            if not await handle_line(bot, screen, actor, line):
                break
    finally:
        ticking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await ticking
    print("Bye.", file=screen.out, flush=True)


async def read_line(read: Callable[[str], str], prompt: str) -> str:
    """``read(prompt)`` on a daemon thread, so timers tick while the user types and Ctrl-C
    never waits for a line that will not come."""
    loop = asyncio.get_running_loop()
    done: asyncio.Future[str] = loop.create_future()

    def settle(line: str | None, problem: BaseException | None) -> None:
        if done.done():
            return
        if problem is not None:
            done.set_exception(problem)
        else:
            done.set_result(line or "")

    def work() -> None:
        try:
            line, problem = read(prompt), None
        except BaseException as exc:  # EOFError (Ctrl-D) and the like go to the loop
            line, problem = None, exc
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
            loop.call_soon_threadsafe(settle, line, problem)

    threading.Thread(target=work, name="console-input", daemon=True).start()
    return await done


async def run_console(out: TextIO, read: Callable[[str], str]) -> None:
    from bot.app import StudyBot
    from bot.storage.db import default_url

    files = Path(os.environ.get("STUDYBOT_DATA_DIR", "data")) / "console"
    screen = ConsoleScreen(out, files)
    bot = await StudyBot.create(database_url=default_url(), notifier=screen)
    try:
        await chat(bot, screen, read)
    finally:
        await bot.close()


def console_main(args: argparse.Namespace) -> int:
    import sys

    history = _start_history() if sys.stdin.isatty() else None
    try:
        asyncio.run(run_console(sys.stdout, input))
    finally:
        if history is not None:
            history()
    return 0


def _start_history() -> Callable[[], None] | None:
    """Readline editing and a history file; returns the function that saves it."""
    try:
        import readline
    except ImportError:  # Windows without pyreadline
        return None
    path = Path(os.environ.get(HISTORY_ENV, "~/.studybot_history")).expanduser()
    with contextlib.suppress(OSError):
        readline.read_history_file(path)
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            readline.write_history_file(path)
    return save


def starting_with(first: str, read: Callable[[str], str], out: TextIO) -> Callable[[str], str]:
    """``read``, except that the first line is ``first``, typed for the user (and shown)."""
    pending = [first]

    def read_line(prompt: str) -> str:
        if pending:
            line = pending.pop()
            print(prompt + line, file=out, flush=True)
            return line
        return read(prompt)
    return read_line


def revise_main(args: argparse.Namespace) -> int:
    """``studybot revise``: the terminal chat, opened on the user's revision queue."""
    import sys

    asyncio.run(run_console(sys.stdout, starting_with("/revise", input, sys.stdout)))
    return 0
