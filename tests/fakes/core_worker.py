"""One bot process for multi-process tests and benchmarks: the real core on a shared database,
posting to a recording notifier instead of a chat platform.

    python -m tests.fakes.core_worker --database-url URL [--clock fake|system] [--post-ms N]

With ``--clock fake`` (tests) the process does only what it is told, one JSON object per line
on stdin, and answers each with one JSON line on stdout:

    {"op": "at", "time": "2026-11-27T09:00:00+00:00"}   set the clock
    {"op": "tick", "time": "..."}                        (set the clock and) run every due
                                                         timer once
    {"op": "command", "name": "schedule add", "args": {...}, "tenant": "t1", "channel": "c1",
     "user": "u1", "teacher": true}                      handle one command
    {"op": "presses", "presses": [[tenant, channel, user, action id], ...],
     "concurrency": 32}                                  students pressing buttons
    {"op": "quit"}

and each answer lists the posts and edits made since the last one (``[kind, place key,
title, text, clock time, button action ids]``). So several such processes step through a
simulated day together with no sleeping.

With ``--clock system`` (benchmarks) it ticks on its own, just after each whole second as
``studybot run`` does, and prints one line per post, ``{"post": key, "at": unix time}``, until
its stdin closes. Posts take ``--post-ms`` each, like a chat platform's API, and
``--shift-days`` moves the date (not the seconds) to one with events on it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.app import StudyBot
from bot.clock import Clock, FakeClock, until_next_tick
from bot.events import Actor, Command, Place, Press
from bot.replies import Reply


class ShiftedClock:
    """The system clock moved by whole days: real seconds, another date (benchmarks pick a
    day with events on it)."""

    def __init__(self, days: int) -> None:
        self.offset = timedelta(days=days)

    def now(self) -> datetime:
        return datetime.now(UTC) + self.offset


class Recorder:
    """The notifier: remembers posts and edits with the bot clock's time."""

    def __init__(self, clock: Clock, delay: float, stream: bool) -> None:
        self.clock = clock
        self.delay = delay
        self.stream = stream
        self.seen: list[list[Any]] = []
        self._count = 0

    async def post(self, place: Place, reply: Reply) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
        self._count += 1
        if self.stream:
            print(json.dumps({"post": place.key, "at": self.clock.now().timestamp()}),
                  flush=True)
        else:
            self.seen.append(["post", place.key, reply.title or "", reply.text,
                              self.clock.now().isoformat(),
                              [c.action_id for c in reply.choices]])
        return f"m{self._count}"

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        if not self.stream:
            self.seen.append(["edit", place.key, reply.title or "", reply.text,
                              self.clock.now().isoformat()])

    async def send_direct(self, tenant_platform: str, tenant: str, user_id: str,
                          reply: Reply) -> None:
        return None

    def take(self) -> list[list[Any]]:
        seen, self.seen = self.seen, []
        return seen


async def driven(bot: StudyBot, clock: FakeClock, recorder: Recorder) -> None:
    loop = asyncio.get_running_loop()
    while True:
        line = await loop.run_in_executor(None, sys.stdin.readline)
        if not line:
            return
        order: dict[str, Any] = json.loads(line)
        answer: dict[str, Any] = {"ok": True}
        if order["op"] == "quit":
            return
        if order["op"] == "at":
            clock.set(datetime.fromisoformat(order["time"]))
        elif order["op"] == "tick":
            if "time" in order:
                clock.set(datetime.fromisoformat(order["time"]))
            await bot.tick()
        elif order["op"] == "command":
            actor = Actor("test", order["tenant"], order["user"], order["user"],
                          is_teacher=order.get("teacher", False))
            replies = await bot.handle(Command(actor, Place("test", order["tenant"],
                                                            order["channel"]),
                                               order["name"], order.get("args", {})))
            answer["replies"] = [r.text for r in replies]
        elif order["op"] == "presses":
            answer |= await presses(bot, order["presses"], order.get("concurrency", 32))
        answer["seen"] = recorder.take()
        print(json.dumps(answer), flush=True)


async def presses(bot: StudyBot, planned: list[list[str]], concurrency: int) -> dict[str, Any]:
    """Press buttons as students would, ``concurrency`` at a time: ``[tenant, channel, user,
    action id]`` each. Returns the seconds it took, each press's latency and how many were
    acknowledged ("Got it")."""
    queue = iter(planned)
    latencies: list[float] = []
    acknowledged = 0

    async def student() -> None:
        nonlocal acknowledged
        for tenant, channel, user, action_id in queue:
            started = time.perf_counter()
            replies = await bot.handle(Press(Actor("test", tenant, user, user),
                                             Place("test", tenant, channel), action_id))
            latencies.append(time.perf_counter() - started)
            acknowledged += bool(replies) and replies[0].text.startswith("Got it")

    started = time.perf_counter()
    await asyncio.gather(*(student() for _ in range(concurrency)))
    return {"seconds": time.perf_counter() - started, "latencies": latencies,
            "acknowledged": acknowledged}


async def ticking(bot: StudyBot, every: float) -> None:
    """Tick just after each whole second until stdin closes."""
    loop = asyncio.get_running_loop()
    closed = loop.run_in_executor(None, sys.stdin.read)
    print(json.dumps({"ready": True}), flush=True)
    while not closed.done():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(closed), until_next_tick(every))
        if not closed.done():
            await bot.tick()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--clock", choices=["fake", "system"], default="fake")
    parser.add_argument("--post-ms", type=float, default=0.0)
    parser.add_argument("--tick", type=float, default=1.0)
    parser.add_argument("--shift-days", type=int, default=0,
                        help="with --clock system: run this many days ahead (or behind)")
    args = parser.parse_args()
    clock: Clock = FakeClock() if args.clock == "fake" else ShiftedClock(args.shift_days)
    recorder = Recorder(clock, args.post_ms / 1000, stream=args.clock == "system")
    bot = await StudyBot.create(database_url=args.database_url, clock=clock, notifier=recorder)
    try:
        if isinstance(clock, FakeClock):
            print(json.dumps({"ready": True}), flush=True)
            await driven(bot, clock, recorder)
        else:
            await ticking(bot, args.tick)
    finally:
        await bot.close()


if __name__ == "__main__":
    asyncio.run(main())
