"""The bot core: one object every adapter drives with events and asks to tick."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, TypeVar

from bot.clock import Clock, SystemClock
from bot.commands import load_commands
from bot.commands.parse import EVERY_TOPIC, is_whole_number
from bot.commands.registry import ACTIONS, COMMANDS, TICKERS, CommandSpec
from bot.events import Command, Event, Press, Text
from bot.faults import TRY_AGAIN, FaultLog, storage_unreachable
from bot.limits import RateLimits, slow_down
from bot.notifier import Notifier, RecordingNotifier
from bot.ops.observe import event_name, observing, timing_tick
from bot.replies import Reply, private
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase

log = logging.getLogger(__name__)
T = TypeVar("T")

MAX_ARG = 1000  # longer values are cut before any matching work


class StudyBot:
    """Holds the knowledge base, the database, the clock and the notifier.

    ``handle`` turns one inbound event into the replies for the person who acted;
    ``tick`` runs timed work (quiz deadlines, schedules), posting through the notifier.
    """

    def __init__(self, kb: KnowledgeBase, db: Database, clock: Clock | None = None,
                 notifier: Notifier | None = None) -> None:
        load_commands()
        self.kb = kb
        self.db = db
        self.clock: Clock = clock or SystemClock()
        self.notifier: Notifier = notifier or RecordingNotifier()
        self._services: dict[Callable[..., Any], Any] = {}

    @classmethod
    async def create(cls, *, database_url: str | None = None, clock: Clock | None = None,
                     notifier: Notifier | None = None, kb: KnowledgeBase | None = None) -> StudyBot:
        """Load the packs (refusing a bad one) and their answer index, from the on-disk cache
        when they are unchanged, and open and migrate the database."""
        engine = None
        if kb is None:
            from bot.answering.index_cache import load_indexed

            kb, engine = load_indexed()
        db = await Database.open(database_url)
        bot = cls(kb, db, clock, notifier)
        if engine is not None:
            from bot.commands.ask import answer_engine

            bot.provide(answer_engine, engine)
        return bot

    def provide(self, factory: Callable[[StudyBot], T], instance: T) -> None:
        """Use ``instance`` as the service ``factory`` would build (one built ahead)."""
        self._services[factory] = instance

    def service(self, factory: Callable[[StudyBot], T]) -> T:
        """One instance per bot of a service built from it (answer engine, question bank)."""
        if factory not in self._services:
            self._services[factory] = factory(self)
        return self._services[factory]  # type: ignore[no-any-return]

    async def handle(self, event: Event) -> list[Reply]:
        with observing(event):  # log context, one line and a latency sample per event
            return await self._handle(event)

    async def _handle(self, event: Event) -> list[Reply]:
        if not event.actor.is_teacher:
            kind = "press" if isinstance(event, Press) else "command"
            actor = event.actor
            wait = self.service(RateLimits).wait(kind, actor.tenant_key, actor.user_id)
            if wait:
                return [private(slow_down(wait))]
        try:
            if isinstance(event, Command):
                return await self._command(event)
            if isinstance(event, Press):
                return await self._press(event)
            if isinstance(event, Text):
                return await self._command(Command(event.actor, event.place, "ask",
                                                   {"question": event.text}))
        except Exception as exc:
            if storage_unreachable(exc):
                self.service(FaultLog).report(f"handling {event_name(event)}", exc)
                return [private(TRY_AGAIN)]
            # the event itself is not logged: it may hold what a student typed
            log.exception("error handling %s", event_name(event))
            return [private("Sorry, something went wrong on my side. Nothing you had done "
                            "was lost; please try again.")]
        raise TypeError(f"not an event: {event!r}")

    async def tick(self) -> None:
        """Run every due timer once. Each ticker's failure is logged (a line a minute while it
        lasts, see :class:`FaultLog`), never fatal."""
        faults = self.service(FaultLog)
        with timing_tick():
            for run in TICKERS:
                where = f"ticker {getattr(run, '__name__', run)}"
                try:
                    await run(self)
                except Exception as exc:
                    faults.report(where, exc)
                else:
                    faults.recovered(where)

    async def close(self) -> None:
        await self.db.close()

    async def _command(self, cmd: Command) -> list[Reply]:
        spec = COMMANDS.get(cmd.name)
        if spec is None:
            return [private(f"I don't know the command `{cmd.name[:40]}`. Try `/help`.")]
        if spec.teacher_only and not cmd.actor.is_teacher:
            return [private(f"Sorry, only a teacher can use `/{spec.name}`. "
                            "Ask your teacher if you'd like one started.")]
        args, problem = check_args(spec, cmd.args)
        if problem:
            return [private(f"{problem}\nUsage: `/{spec.usage}`")]
        return await spec.handler(self, Command(cmd.actor, cmd.place, cmd.name, args))

    async def _press(self, press: Press) -> list[Reply]:
        prefix, _, rest = press.action_id.partition(":")
        handler = ACTIONS.get(prefix)
        if handler is None:
            return [private("That button no longer does anything.")]
        return await handler(self, press, rest.split(":") if rest else [])


def check_args(spec: CommandSpec, raw: Any) -> tuple[dict[str, str], str | None]:
    """Clean and check option values; return them, or a short message saying what is wrong."""
    args: dict[str, str] = {}
    known = {o.name: o for o in spec.options}
    for key, value in dict(raw).items():
        option = known.get(key)
        if option is None:
            return {}, f"`/{spec.name}` has no option `{str(key)[:30]}`."
        text = _clean(str(value))
        if not text:
            continue
        if option.kind == "topic" and text.lower() in EVERY_TOPIC:
            continue  # "all": no one topic, which is what leaving it out means
        if option.kind == "int":
            if not is_whole_number(text):
                return {}, f"`{key}` must be a whole number, not `{text[:20]}`."
            number = int(text)
            if (option.min is not None and number < option.min) or (
                    option.max is not None and number > option.max):
                return {}, f"`{key}` must be {allowed_range(option.min, option.max)}."
            text = str(number)
        elif option.kind == "choice" and text.lower() not in option.choices:
            return {}, f"`{key}` must be one of: {', '.join(option.choices)}."
        elif option.kind == "choice":
            text = text.lower()
        args[key] = text
    missing = [o.name for o in spec.options if o.required and o.name not in args]
    if missing:
        return {}, f"`/{spec.name}` needs `{missing[0]}`."
    return args, None


def allowed_range(low: int | None, high: int | None) -> str:
    """"from 1 to 50", "1 or more", "50 or less": the bounds a number must keep to."""
    if low is not None and high is not None:
        return f"from {low} to {high}"
    if low is not None:
        return f"{low} or more"
    return f"{high} or less"


def _clean(text: str) -> str:
    """Control characters out, length capped: any input is safe to match and to echo."""
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text[: MAX_ARG * 4])
    return text.strip()[:MAX_ARG]
