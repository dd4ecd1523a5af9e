"""A class answering a Slack quiz question at once: how fast the bot acknowledges the clicks
and how long until every student has their private confirmation.

    python -m benchmarks.slack_clicks [--students 30] [--rounds 3]

Runs the real bot (slack-bolt HTTP server, production settings: store, then acknowledge) on
127.0.0.1 against the local fake Slack Web API (tests/fakes/slack_api.py), with a SQLite file
database, and prints acknowledgement latency (p50, p95, max) and the time to confirm all.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.quiz.models import QuizAnswer
from tests.adapters.slack_helpers import (
    TEACHER,
    SlackWorld,
    latest_quiz,
    posts_with,
    slack_world,
)


async def stored_answers(bot: StudyBot, quiz: int) -> int:
    async with bot.db.transaction() as session:
        return int((await session.execute(select(func.count()).select_from(QuizAnswer).where(
            QuizAnswer.session_id == quiz))).scalar_one())


async def one_round(world: SlackWorld,
                    students: list[str]) -> tuple[list[float], float, int]:
    world.fake.clear()
    await world.command(TEACHER, "quiz start questions=1 seconds=120")
    await world.fake.wait_until(lambda: any("started" in r["text"]
                                            for r in world.fake.calls_to("response_url")))
    quiz = await latest_quiz(world.studybot)
    posted = posts_with(world, f"quiz:{quiz}:0:")[-1]
    ts = world.fake.ts_of(posted)

    def confirmed() -> int:
        return sum(r["text"].startswith("Got it") for r in world.fake.calls_to("response_url"))

    async def click(student: str) -> float:
        start = time.perf_counter()
        assert await world.click(student, f"quiz:{quiz}:0:0", ts=ts) == 200
        return time.perf_counter() - start

    start = time.perf_counter()
    acks = await asyncio.gather(*(click(s) for s in students))
    await world.fake.wait_until(lambda: confirmed() >= len(students), timeout=120)
    elapsed = time.perf_counter() - start
    stored = await stored_answers(world.studybot, quiz)
    await world.command(TEACHER, "quiz stop")
    await world.fake.wait_until(lambda: any("stopped" in r["text"]
                                            for r in world.fake.calls_to("response_url")))
    return acks, elapsed, stored


async def main(students: int, rounds: int) -> None:
    logging.basicConfig(level=logging.ERROR)  # any failed click would show here
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock()
        bot = await StudyBot.create(database_url=f"sqlite+aiosqlite:///{Path(tmp) / 'b.db'}",
                                    clock=clock)
        try:
            async with slack_world(bot, clock, process_before_response=False) as world:
                names = [f"UB{i:04d}" for i in range(students)]
                for name in names:
                    world.fake.add_user(name, name)
                for n in range(1, rounds + 1):
                    acks, total, stored = await one_round(world, names)
                    acks.sort()
                    p95 = acks[max(int(len(acks) * 0.95) - 1, 0)]
                    print(f"round {n}: {students} clicks acknowledged p50 "
                          f"{statistics.median(acks) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
                          f"max {acks[-1] * 1000:.0f} ms; all confirmed in "
                          f"{total * 1000:.0f} ms; answers stored {stored}/{students}")
        finally:
            await bot.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    asyncio.run(main(args.students, args.rounds))
