"""How fast the Discord adapter acknowledges interactions, through the real discord.py client
against the local fake Discord (no network), on a SQLite database in a temporary folder.

    python -m benchmarks.discord_acks [--students 30] [--questions 50]

Prints the time from an interaction's dispatch to its first callback (Discord allows 3 s):
a class of students all answering a quiz question at once, then a burst of /ask questions.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
import time
from pathlib import Path

from adapters.discord.client import StudyClient
from bot.app import StudyBot
from bot.clock import FakeClock
from tests.fakes.discord_harness import TEACHER, start_bot
from tests.fakes.discord_server import FakeDiscord, FakeUser

QUESTIONS = ["When was the Nazi-Soviet Pact signed?", "Who was Litvinov?",
             "What was collective security?", "Why did Stalin purge the Red Army?",
             "What happened at Munich?"]


def summary(name: str, fake: FakeDiscord, tokens: list[str], seconds: float) -> str:
    waits = sorted((fake.interactions[t].acked or float("inf")) - fake.interactions[t].created
                   for t in tokens)
    p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
    late = sum(w > 3 for w in waits)
    return (f"{name}: {len(tokens)} interactions in {seconds:.2f} s; ack p50 "
            f"{1000 * statistics.median(waits):.0f} ms, p95 {1000 * p95:.0f} ms, max "
            f"{1000 * waits[-1]:.0f} ms; later than 3 s: {late}")


async def measure(students: int, questions: int) -> None:
    fake = FakeDiscord()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        clock = FakeClock()
        core = await StudyBot.create(database_url=f"sqlite+aiosqlite:///{Path(folder) / 'b.db'}",
                                     clock=clock)
        bot = await start_bot(fake, core, clock)
        client: StudyClient = bot.client
        try:
            await fake.wait_response(await fake.command(
                "quiz start", {"questions": 3, "seconds": 120}, user=TEACHER))
            post = await fake.wait_for(lambda: next(
                (m for m in fake.channel_messages(bot.channel) if m["components"]), None))
            first = post["components"][0]["components"][0]["custom_id"]
            class_ = [FakeUser(8000 + i, f"Student {i}") for i in range(students)]
            began = time.perf_counter()
            tokens = [await fake.click(post, first, user=s) for s in class_]
            await fake.wait_for(lambda: all(fake.interactions[t].acked for t in tokens), 60)
            print(summary("quiz answers at once", fake, tokens, time.perf_counter() - began))

            began = time.perf_counter()
            asked = [await fake.command("ask", {"question": QUESTIONS[i % len(QUESTIONS)]},
                                        user=class_[i % students]) for i in range(questions)]
            await fake.wait_for(lambda: all(fake.interactions[t].acked for t in asked), 120)
            print(summary("/ask burst", fake, asked, time.perf_counter() - began))
        finally:
            await client.close()
            await bot.task
            await core.close()
            await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--questions", type=int, default=50)
    args = parser.parse_args()
    asyncio.run(measure(args.students, args.questions))


if __name__ == "__main__":
    main()
