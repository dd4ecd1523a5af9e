"""Load test: many concurrent class quizzes driven through the bot core, no platform.

    python benchmarks/quiz_load.py                       # SQLite (a temporary file)
    python benchmarks/quiz_load.py --postgres postgresql://postgres@127.0.0.1:5432/test

Starts ``--quizzes`` group quizzes (default 1,000, spread over 50 servers), each with
``--players`` students (default 30). For each question every student presses an answer button
(``StudyBot.handle(Press)``, exactly what an adapter does); then the quiz clock (a FakeClock) is
moved past the deadline and ``tick`` reveals every question and opens the next.

Round 1 is closed-loop (``--concurrency`` presses in flight, as fast as possible): the most
answers per second the process handles. Later rounds are open-loop at ``--rate`` answers per
second (default 1,500/s: 30,000 students answering within a 20 s question): the time to handle
one answer at that load, reported as p50/p99/max. Posting to the chat platform is simulated as
``--post-ms`` per call (default 50 ms), which is what makes the ticks' timing realistic.
Afterwards the database is checked: every acknowledged answer is stored and counted in its
player's totals. Memory is the process's peak resident set size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Actor, Command, Place, Press
from bot.quiz.group import REVEAL_GAP
from bot.quiz.models import QuizAnswer, QuizPlayer, QuizSession
from bot.replies import Reply
from bot.storage.db import normalise_url

TENANTS = 50


class CountingNotifier:
    """Posts nowhere, taking ``delay`` seconds per call like a chat platform's API; remembers
    the latest question's buttons per channel."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.posts = 0
        self.edits = 0
        self.buttons: dict[str, tuple[str, ...]] = {}

    async def post(self, place: Place, reply: Reply) -> str:
        await asyncio.sleep(self.delay)
        self.posts += 1
        if reply.choices:
            self.buttons[place.key] = tuple(c.action_id for c in reply.choices)
        return f"m{self.posts}"

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        await asyncio.sleep(self.delay)
        self.edits += 1

    async def send_direct(self, tenant_platform: str, tenant: str, user_id: str,
                          reply: Reply) -> None:
        return None


@dataclass
class Round:
    mode: str
    answers: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    refused: int = 0

    def line(self) -> str:
        ms = sorted(x * 1000 for x in self.latencies)
        p50 = statistics.median(ms)
        p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
        return (f"{self.mode:<22} {self.answers:>7} answers in {self.seconds:6.1f} s = "
                f"{self.answers / self.seconds:7.0f}/s   p50 {p50:6.1f} ms   p99 {p99:6.1f} ms   "
                f"max {ms[-1]:7.1f} ms   refused {self.refused}")


def places(quizzes: int) -> list[Place]:
    return [Place("bench", f"t{i % TENANTS}", f"c{i}") for i in range(quizzes)]


#: A press to make: (quiz index, student number, button's action id). Plain tuples, so the
#: benchmark's own bookkeeping adds next to nothing to what the garbage collector scans.
Planned = tuple[int, int, str]


def presses(notifier: CountingNotifier, chans: list[Place], players: int,
            rng: random.Random) -> list[Planned]:
    """One press per student per quiz, on a random option, in a random order."""
    out = [(i, p, rng.choice(notifier.buttons[place.key]))
           for i, place in enumerate(chans) for p in range(players)]
    rng.shuffle(out)
    return out


def make_press(chans: list[Place], planned: Planned) -> Press:
    """The event an adapter would build when the student clicks."""
    index, player, action_id = planned
    place = chans[index]
    actor = Actor("bench", place.tenant, f"{place.channel}-s{player}", f"Student {player}")
    return Press(actor, place, action_id)


async def timed(bot: StudyBot, press: Press, result: Round) -> None:
    start = time.perf_counter()
    replies = await bot.handle(press)
    result.latencies.append(time.perf_counter() - start)
    if not replies or not replies[0].text.startswith("Got it"):
        result.refused += 1


async def closed_loop(bot: StudyBot, chans: list[Place], batch: list[Planned],
                      concurrency: int) -> Round:
    result = Round(f"closed loop ({concurrency} in flight)", len(batch))
    queue = iter(batch)

    async def worker() -> None:
        for planned in queue:
            await timed(bot, make_press(chans, planned), result)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.seconds = time.perf_counter() - start
    return result


async def open_loop(bot: StudyBot, chans: list[Place], batch: list[Planned],
                    rate: float) -> Round:
    """Presses arrive on a fixed schedule (``rate`` per second) whether or not earlier ones
    are done; latency is measured from each press's arrival to its reply."""
    result = Round(f"open loop ({rate:.0f}/s)", len(batch))
    pending: set[asyncio.Task[None]] = set()  # finished ones are dropped as they finish
    start = time.perf_counter()
    for i, planned in enumerate(batch):
        due = start + i / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        task = asyncio.create_task(timed(bot, make_press(chans, planned), result))
        pending.add(task)
        task.add_done_callback(pending.discard)
    while pending:
        await asyncio.gather(*pending)
    result.seconds = time.perf_counter() - start
    return result


async def run(url: str, label: str, args: argparse.Namespace) -> None:
    clock = FakeClock()
    notifier = CountingNotifier(args.post_ms / 1000)
    bot = await StudyBot.create(database_url=url, clock=clock, notifier=notifier)
    rng = random.Random(1)
    chans = places(args.quizzes)
    print(f"\n== {label}: {args.quizzes} quizzes x {args.players} players, "
          f"{args.questions} questions")
    start = time.perf_counter()
    for place in chans:
        teacher = Actor("bench", place.tenant, "teacher", "Teacher", is_teacher=True)
        replies = await bot.handle(Command(teacher, place, "quiz start",
                                           {"questions": str(args.questions), "seconds": "120"}))
        assert "started" in replies[0].text, replies[0].text
    print(f"started {args.quizzes} quizzes in {time.perf_counter() - start:.1f} s")
    acknowledged = 0
    for question in range(args.questions):
        batch = presses(notifier, chans, args.players, rng)
        if question == 0:
            result = await closed_loop(bot, chans, batch, args.concurrency)
        else:
            result = await open_loop(bot, chans, batch, args.rate)
        acknowledged += result.answers - result.refused
        print(result.line())
        clock.advance(121)
        start = time.perf_counter()
        await bot.tick()  # reveal every question
        reveal = time.perf_counter() - start
        clock.advance(REVEAL_GAP)
        start = time.perf_counter()
        await bot.tick()  # open every next question (or finish)
        print(f"  tick: {args.quizzes} reveals in {reveal:.1f} s, next step in "
              f"{time.perf_counter() - start:.1f} s")
    async with bot.db.transaction() as session:
        stored = (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one()
        counted = (await session.execute(select(func.sum(QuizPlayer.answered)))).scalar_one()
        finished = (await session.execute(select(func.count(QuizSession.id)).where(
            QuizSession.finished_at.is_not(None)))).scalar_one()
    lost = acknowledged - stored
    print(f"answers acknowledged {acknowledged}, stored {stored}, counted in totals {counted}, "
          f"lost {lost}; quizzes finished {finished}/{args.quizzes}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (RSS, whole process so far) {peak:.0f} MB")
    await bot.close()
    if lost or counted != stored:
        raise SystemExit("answers were lost")


@asynccontextmanager
async def throwaway_postgres(base: str) -> AsyncIterator[str]:
    import asyncpg

    base = normalise_url(base)
    plain = base.replace("postgresql+asyncpg://", "postgresql://")
    name = f"studybot_bench_{uuid.uuid4().hex[:8]}"
    conn = await asyncpg.connect(plain)
    await conn.execute(f'CREATE DATABASE "{name}"')
    await conn.close()
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        conn = await asyncpg.connect(plain)
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.close()


@asynccontextmanager
async def scratch_database(server: str | None) -> AsyncIterator[str]:
    """A throwaway database on the PostgreSQL ``server``, else SQLite in a temporary folder."""
    if server:
        async with throwaway_postgres(server) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quizzes", type=int, default=1000)
    parser.add_argument("--players", type=int, default=30)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--rate", type=float, default=1500.0, help="open-loop answers/s")
    parser.add_argument("--concurrency", type=int, default=32, help="closed-loop in flight")
    parser.add_argument("--postgres", metavar="URL", help="also run on this PostgreSQL server "
                        "(a throwaway database is created there)")
    parser.add_argument("--post-ms", type=float, default=50.0,
                        help="simulated chat API time per post or edit (default 50 ms)")
    parser.add_argument("--skip-sqlite", action="store_true")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory() as folder:
            await run(f"sqlite+aiosqlite:///{folder}/bench.sqlite3", "SQLite", args)
    if args.postgres:
        async with throwaway_postgres(args.postgres) as url:
            await run(url, "PostgreSQL", args)


if __name__ == "__main__":
    asyncio.run(main())
