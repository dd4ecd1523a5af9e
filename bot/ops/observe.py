"""One log line, one latency sample and the log context for each event the core handles."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Iterator

from bot.commands.registry import ACTIONS, COMMANDS
from bot.events import Command, Event, Press, Text
from bot.ops.logs import log_messages, request_context
from bot.ops.metrics import REQUEST_SECONDS, TICK_SECONDS

log = logging.getLogger("studybot.requests")


def event_name(event: Event) -> str:
    """A bounded name for logs and metric labels: the command, ``press:<prefix>``, or ask."""
    if isinstance(event, Command):
        return event.name if event.name in COMMANDS else "unknown"
    if isinstance(event, Press):
        prefix = event.action_id.partition(":")[0]
        return f"press:{prefix if prefix in ACTIONS else 'unknown'}"
    return "ask"


def _typed(event: Event) -> str | None:
    """What the person typed, when the operator has asked for it in the logs."""
    if isinstance(event, Text):
        return event.text
    if isinstance(event, Command) and event.args:
        return " ".join(f"{k}={v}" for k, v in event.args.items())
    return None


@contextlib.contextmanager
def observing(event: Event) -> Iterator[None]:
    """Around the core's handling of ``event``: log context, timing, one line when done."""
    name = event_name(event)
    with request_context(tenant=event.actor.tenant_key, channel=event.place.channel,
                         command=name):
        started = time.perf_counter()
        try:
            yield
        finally:
            elapsed = time.perf_counter() - started
            REQUEST_SECONDS.labels(event.actor.platform, name).observe(elapsed)
            typed = _typed(event) if log_messages() else None
            log.info("%s handled in %.1f ms%s", name, elapsed * 1000,
                     f": {typed[:500]!r}" if typed else "")


@contextlib.contextmanager
def timing_tick() -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        TICK_SECONDS.observe(time.perf_counter() - started)
