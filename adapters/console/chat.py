"""The terminal chat: the same bot core as Discord and Slack, rendered for a terminal.

A line starting with ``/`` is a command (parsed like Slack's typed commands); any other line
is a question. Buttons become a numbered list: type the number (or the label) to press one.
The bot's own posts (a class quiz's next question, a timer) arrive through
:class:`ConsoleScreen`, which is this adapter's notifier; they may arrive while the user is
typing, so the prompt and what was typed so far are shown again after them.

Whatever ends the chat (``/quit``, Ctrl-D, Ctrl-C, an error), the terminal is left as it was
found: :func:`terminal_kept` restores its settings, which readline changes while it reads.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import getpass
import itertools
import os
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

from adapters.console.render import bold, terminal_parts, terminal_text, wants_styles
from bot import settings
from bot.commands.parse import ParseError, is_count, parse_command_line
from bot.events import Actor, Command, Event, Place, Press, Text
from bot.files import OutputError, page_path, remove_pages_after, write_file
from bot.replies import Attachment, Choice, Reply

if TYPE_CHECKING:
    from bot.app import StudyBot

PLATFORM, TENANT, CHANNEL = "console", "local", "terminal"
HISTORY_ENV = "STUDYBOT_HISTORY"
TICK_SECONDS = 1.0
QUIT = frozenset({"/quit", "/exit", "/q", "quit", "exit"})
#: Typed without the slash, these still mean the command: no one asks the essay "help".
BARE_COMMANDS = frozenset({"help"})
PROMPT = "you> "
WELCOME = ("Study bot: ask me anything about the essay, or type `/help` for commands. "
           "`/quit` or Ctrl-D leaves.")
#: A typed number this long or shorter is a button's number while buttons show; a longer one
#: ("1939") is a question.
CHOICE_DIGITS = 2


class ConsoleScreen:
    """Prints replies and the bot's own posts; remembers the last buttons shown.

    ``styled`` renders the core's Markdown in ANSI styles (else plain text). While the chat
    waits for a line, ``waiting`` is its prompt and ``typed`` tells what the user has typed
    so far, so a post arriving meanwhile can put both back under itself.
    """

    def __init__(self, out: TextIO, files: Path, *, styled: bool = False) -> None:
        self.out = out
        self.files = files
        self.styled = styled
        self.choices: list[Choice] = []
        self.choices_ref: str | None = None
        self.waiting: str | None = None
        self.typed: Callable[[], str] = lambda: ""
        self._count = 0

    def show(self, reply: Reply, *, prefix: str = "") -> str:
        """Print one reply; its buttons become the numbered choices. Returns its reference."""
        self._count += 1
        ref = f"c{self._count}"
        title = f"{prefix}{reply.title}" if reply.title else ""
        body = terminal_parts(reply.parts, True) if reply.parts and self.styled \
            else self.render(reply.text)
        lines = [bold(title, self.styled), body]
        lines += [f"{bold(name, self.styled)}: {self.render(value)}"
                  for name, value in reply.fields]
        lines += self._save(reply.attachments)
        if reply.choices:
            self.choices, self.choices_ref = list(reply.choices), ref
            lines += [f"  {n}. {c.label}" for n, c in enumerate(reply.choices, 1)]
            lines.append("  (type a number to choose)")
        text = "\n".join(line for line in lines if line)
        if prefix and not reply.title:
            text = prefix + text
        self.say(text)
        return ref

    def say(self, text: str) -> None:
        print(text + "\n", file=self.out, flush=True)

    def render(self, text: str) -> str:
        return terminal_text(text, self.styled)

    def pick(self, line: str) -> tuple[Choice, str | None] | str | None:
        """The button a typed line presses (its number or its label, if buttons are showing);
        a message when it is a number no button has; None when it is no button at all."""
        wanted = line.strip().lower()
        if self.choices and is_count(wanted) and len(wanted) <= CHOICE_DIGITS:
            number = int(wanted)
            if 1 <= number <= len(self.choices):
                return self.choices[number - 1], self.choices_ref
            return f"There is no choice {number}: choose {choice_range(len(self.choices))}."
        for choice in self.choices:
            if choice.label.lower() == wanted:
                return choice, self.choices_ref
        return None

    def interrupting(self, reply: Reply, prefix: str = "") -> str:
        """Show a post that arrives on its own: if the user is at the prompt, on a line of
        its own, with the prompt and the half-typed line shown again after it."""
        if self.waiting is None:
            return self.show(reply, prefix=prefix)
        self.out.write("\r\x1b[K" if _is_terminal(self.out) else "\n")  # the prompt's line
        ref = self.show(reply, prefix=prefix)
        self.out.write(self.waiting + self.typed())
        self.out.flush()
        return ref

    def _save(self, attachments: Sequence[Attachment]) -> list[str]:
        """Write a reply's files to the files folder; a picture's pages stay one set."""
        if not attachments:
            return []
        saved = {Path(a.filename).name: a.data for a in attachments}
        try:
            self.files.mkdir(parents=True, exist_ok=True)
            for name, data in saved.items():
                write_file(self.files / name, data)
            for name in saved:
                first = self.files / name
                count = next(n for n in itertools.count(1)
                             if page_path(first, n + 1).name not in saved)
                remove_pages_after(first, count)
        except (OSError, OutputError) as error:
            return [f"[could not save the files: {error}]"]
        return [f"[saved {self.files / name} ({len(data):,} bytes)]"
                for name, data in saved.items()]

    # The notifier interface: the bot posting on its own.
    async def post(self, place: Place, reply: Reply) -> str:
        return self.interrupting(reply)

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        self.interrupting(reply, prefix="(updated) ")

    async def send_direct(self, tenant_platform: str, tenant: str, user_id: str,
                          reply: Reply) -> None:
        self.interrupting(reply, prefix="(to you) ")


def choice_range(count: int) -> str:
    return "1" if count == 1 else f"1-{count}"


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
    if isinstance(picked, str):
        return picked
    if picked is not None:
        choice, ref = picked
        return Press(actor, PLACE, choice.action_id, ref)
    if line.lower() in BARE_COMMANDS:
        line = "/" + line
    if not line.startswith("/"):
        return Text(actor, PLACE, line)
    try:
        parsed = parse_command_line(line)
    except ParseError as problem:
        return screen.render(str(problem))
    return Command(actor, PLACE, parsed.spec.name, parsed.args)


async def handle_line(bot: StudyBot, screen: ConsoleScreen, actor: Actor, line: str) -> bool:
    """Act on one typed line; False when the user asked to leave."""
    if line.strip().lower() in QUIT:
        return False
    event = to_event(line, actor, screen)
    if isinstance(event, str):
        screen.say(event)
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
    screen.say(screen.render(WELCOME))
    ticking = asyncio.create_task(keep_ticking(bot))
    try:
        while True:
            screen.waiting = PROMPT
            try:
                line = await read_line(read, PROMPT)
            except EOFError:
                print("", file=screen.out)
                break
            finally:
                screen.waiting = None
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


async def run_console(out: TextIO, read: Callable[[str], str],
                      typed: Callable[[], str] | None = None) -> None:
    from bot.app import StudyBot
    from bot.storage.db import default_url

    files = settings.data_dir() / "console"
    screen = ConsoleScreen(out, files, styled=wants_styles(out))
    if typed is not None:
        screen.typed = typed
    bot = await StudyBot.create(database_url=default_url(), notifier=screen)
    try:
        await chat(bot, screen, read)
    finally:
        await bot.close()


def console_main(args: argparse.Namespace) -> int:
    return _run_in_terminal(input)


def revise_main(args: argparse.Namespace) -> int:
    """``studybot revise``: the terminal chat, opened on the user's revision queue."""
    return _run_in_terminal(starting_with("/revise", input, sys.stdout))


def _run_in_terminal(read: Callable[[str], str]) -> int:
    """The chat on this process's terminal, which is left as it was found however it ends.

    Ctrl-C ends the chat like Ctrl-D, with exit status 130 (a shell's "interrupted").
    """
    with terminal_kept(sys.stdin) as typed:
        try:
            asyncio.run(run_console(sys.stdout, read, typed))
        except KeyboardInterrupt:
            print("\nBye.", flush=True)
            return 130
    return 0


@contextlib.contextmanager
def terminal_kept(stdin: TextIO) -> Iterator[Callable[[], str] | None]:
    """Readline editing and history while inside; the terminal's settings put back after.

    The line is read on a helper thread (so timers tick while the user types), and readline
    switches echo and line editing off while it waits. When the chat ends in the middle of a
    read (Ctrl-C, an error), that read never finishes and readline never switches them back:
    the settings saved here are restored instead. Yields the function that tells what is
    typed so far (None without readline).
    """
    if not _is_terminal(stdin):
        yield None
        return
    import termios

    saved = termios.tcgetattr(stdin.fileno())
    readline = _start_history()
    try:
        yield None if readline is None else readline.get_line_buffer
    finally:
        if readline is not None:
            with contextlib.suppress(OSError):
                readline.write_history_file(_history_path())
        with contextlib.suppress(termios.error):
            termios.tcsetattr(stdin.fileno(), termios.TCSADRAIN, saved)


def _is_terminal(stream: TextIO) -> bool:
    try:
        import termios  # noqa: F401  (not on Windows, whose console restores itself)
    except ImportError:
        return False
    try:
        return stream.isatty()
    except ValueError:  # closed
        return False


def _history_path() -> Path:
    return Path(os.environ.get(HISTORY_ENV, "~/.studybot_history")).expanduser()


def _start_history() -> ModuleType | None:
    """Readline with the history file loaded; None where Python has no readline."""
    try:
        import readline
    except ImportError:
        return None
    with contextlib.suppress(OSError):
        readline.read_history_file(_history_path())
    readline.set_history_length(1000)
    return readline


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

