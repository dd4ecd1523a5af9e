"""The class-quiz load across two bot processes on one database.

    python -m benchmarks.quiz_load_processes --database-url postgresql://postgres@127.0.0.1/test
    python -m benchmarks.quiz_load_processes            # SQLite, a file in a temporary folder

Two processes (tests/fakes/core_worker.py: the real core, a fake clock, posts recorded) share
one database, as two workers behind a load balancer do. ``--quizzes`` class quizzes (default
1,000 over 50 servers) are started, half through each process; for every question each of
``--players`` students (default 30) presses an answer button, the even-numbered students
through one process and the odd through the other, ``--concurrency`` presses in flight in
each (closed loop, as fast as they go). Then both processes tick past the deadline together
(the reveals are claimed in the database, so each is done once, by either) and again after
the pause (the next questions); posts and edits take ``--post-ms`` (default 50 ms) each.
It prints the answers per second both processes handled together, the time to handle a press
(p50, p99, max), how the reveals split, and checks the database afterwards: every
acknowledged answer stored and counted in its player's totals.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select

from benchmarks.quiz_load import scratch_database
from bot.quiz.group import REVEAL_GAP
from bot.quiz.models import QuizAnswer, QuizPlayer, QuizSession
from bot.storage.db import Database
from tests.fakes.processes import Worker

TENANTS = 50
START = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)


def buttons(answers: list[dict[str, Any]]) -> dict[tuple[str, str], list[str]]:
    """The quiz buttons of each channel's latest question, from the workers' records."""
    found: dict[tuple[str, str], list[str]] = {}
    for answer in answers:
        for kind, key, _title, _text, _at, actions in answer["seen"]:
            if kind == "post" and actions and actions[0].startswith("quiz:"):
                _, tenant, channel = key.split(":")[:3]
                found[tenant, channel] = actions
    return found


async def start_quizzes(workers: list[Worker], count: int, questions: int
                        ) -> dict[tuple[str, str], list[str]]:
    async def start_some(worker: Worker, numbers: range) -> list[dict[str, Any]]:
        answers = []
        for n in numbers:
            answer = await worker.send(op="command", name="quiz start", tenant=f"t{n % TENANTS}",
                                       channel=f"c{n}", user="teacher", teacher=True,
                                       args={"questions": str(questions), "seconds": "120"})
            assert "started" in answer["replies"][0], answer["replies"]
            answers.append(answer)
        return answers

    halves = await asyncio.gather(start_some(workers[0], range(0, count, 2)),
                                  start_some(workers[1], range(1, count, 2)))
    return buttons([a for half in halves for a in half])


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


async def answer_round(workers: list[Worker], latest: dict[tuple[str, str], list[str]],
                       players: int, concurrency: int, rng: random.Random) -> tuple[int, int]:
    planned: list[list[list[str]]] = [[], []]
    for (tenant, channel), actions in latest.items():
        for student in range(players):
            planned[student % 2].append([tenant, channel, f"{channel}-s{student}",
                                         rng.choice(actions)])
    for half in planned:
        rng.shuffle(half)
    started = time.perf_counter()
    results = await asyncio.gather(*(w.send(op="presses", presses=half, concurrency=concurrency)
                                     for w, half in zip(workers, planned, strict=True)))
    took = time.perf_counter() - started
    total = sum(len(half) for half in planned)
    latencies = [x * 1000 for r in results for x in r["latencies"]]
    acknowledged = sum(int(r["acknowledged"]) for r in results)
    print(f"  {total:,} presses through 2 processes in {took:.1f} s = {total / took:,.0f}/s; "
          f"per press p50 {statistics.median(latencies):.1f} ms, p99 "
          f"{percentile(latencies, 0.99):.1f} ms, max {max(latencies):.1f} ms; "
          f"split {len(planned[0]):,}/{len(planned[1]):,}; acknowledged {acknowledged:,}")
    return total, acknowledged


async def tick_both(workers: list[Worker], when: datetime) -> tuple[float, list[int]]:
    started = time.perf_counter()
    answers = await asyncio.gather(*(w.send(op="tick", time=when.isoformat()) for w in workers))
    shares = [sum(1 for s in a["seen"] if s[0] == "post") for a in answers]
    return time.perf_counter() - started, shares


async def run(url: str, args: argparse.Namespace) -> None:
    db = await Database.open(url)  # migrate once, before the workers start
    workers = list(await asyncio.gather(*(Worker(url, args.post_ms).start() for _ in range(2))))
    rng = random.Random(1)
    acknowledged = 0
    try:
        now = START
        for worker in workers:
            await worker.send(op="at", time=now.isoformat())
        started = time.perf_counter()
        latest = await start_quizzes(workers, args.quizzes, args.questions)
        print(f"started {len(latest):,} quizzes through 2 processes in "
              f"{time.perf_counter() - started:.1f} s")
        for question in range(args.questions):
            print(f"question {question + 1}:")
            _, acked = await answer_round(workers, latest, args.players, args.concurrency, rng)
            acknowledged += acked
            now += timedelta(seconds=121)
            took, shares = await tick_both(workers, now)
            print(f"  reveals: {took:.1f} s, posted {shares[0]:,}/{shares[1]:,} by the two")
            now += timedelta(seconds=REVEAL_GAP)
            answers = await asyncio.gather(*(w.send(op="tick", time=now.isoformat())
                                             for w in workers))
            latest = buttons(list(answers))
    finally:
        for worker in workers:
            await worker.stop()
    async with db.transaction() as session:
        stored = (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one()
        counted = (await session.execute(select(func.sum(QuizPlayer.answered)))).scalar_one()
        finished = (await session.execute(select(func.count(QuizSession.id)).where(
            QuizSession.finished_at.is_not(None)))).scalar_one()
    await db.close()
    print(f"answers acknowledged {acknowledged:,}, stored {stored:,}, counted in totals "
          f"{counted:,}, lost {acknowledged - stored}; quizzes finished {finished:,}")
    if acknowledged != stored or counted != stored:
        raise SystemExit("answers were lost")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quizzes", type=int, default=1000)
    parser.add_argument("--players", type=int, default=30)
    parser.add_argument("--questions", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=32, help="presses in flight, each")
    parser.add_argument("--post-ms", type=float, default=50.0,
                        help="simulated chat API time per post or edit (default 50 ms)")
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database is "
                        "made there); default: SQLite in a temporary folder")
    args = parser.parse_args()
    async with scratch_database(args.database_url) as url:
        print(f"database: {url.split('@')[-1]}; {args.quizzes:,} quizzes x {args.players} "
              f"students x {args.questions} questions")
        await run(url, args)


if __name__ == "__main__":
    asyncio.run(main())
