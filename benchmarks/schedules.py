"""Schedules, revision and timeline figures: how long firing, revising and drawing take.

    python -m benchmarks.schedules [--schedules 500] [--cycles 200] [--database-url URL]

Fires ``--schedules`` due on-this-day schedules with two bots ticking on one database (SQLite
in a temp folder unless a URL is given), checks each fired exactly once, and prints the time;
then times ``--cycles`` revise-and-answer cycles for one student, and the timeline drawing.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from bot.app import StudyBot
from bot.calendar.timeline import draw_timeline
from bot.clock import FakeClock
from bot.events import Actor, Command, Place, Press
from bot.notifier import RecordingNotifier
from bot.quiz.bank import question_bank
from bot.revision.models import RevisionCard
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase, load_knowledge


async def fire_many(kb: KnowledgeBase, url: str, count: int) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bots = [StudyBot(kb, await Database.open(url), clock, RecordingNotifier()) for _ in range(2)]
    try:
        started = time.perf_counter()
        for n in range(count):
            teacher = Actor("discord", f"g{n % 50}", "t", is_teacher=True)
            await bots[0].handle(Command(teacher, Place("discord", f"g{n % 50}", f"c{n}"),
                                         "schedule add", {"kind": "onthisday", "time": "09:00"}))
        added = time.perf_counter() - started
        clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
        started = time.perf_counter()
        while True:
            await asyncio.gather(*(b.tick() for b in bots))
            fired = sum(len(b.notifier.posts) for b in bots)  # type: ignore[attr-defined]
            if fired >= count or time.perf_counter() - started > 120:
                break
        took = time.perf_counter() - started
        await asyncio.gather(*(b.tick() for b in bots))
        fired = sum(len(b.notifier.posts) for b in bots)  # type: ignore[attr-defined]
        shares = [len(b.notifier.posts) for b in bots]  # type: ignore[attr-defined]
        print(f"schedules: added {count} in {added:.2f} s ({added / count * 1000:.1f} ms each)")
        print(f"schedules: two bots fired {fired} of {count} due (each once: {fired == count}; "
              f"split {shares[0]}/{shares[1]}) in {took:.2f} s "
              f"({took / count * 1000:.1f} ms per firing)")
    finally:
        for b in bots:
            await b.close()


async def revise_cycles(kb: KnowledgeBase, url: str, cycles: int) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = StudyBot(kb, await Database.open(url), clock, RecordingNotifier())
    place = Place("discord", "bench", "c")
    bank = bot.service(question_bank)
    try:
        started = time.perf_counter()
        done = 0
        for n in range(cycles):
            student = Actor("discord", "bench", f"s{n % 20}")
            [card] = await bot.handle(Command(student, place, "revise", {}))
            if not card.choices:
                clock.advance(minutes=11)
                continue
            card_id = int(card.choices[0].action_id.split(":")[2])
            async with bot.db.transaction() as session:
                row = await session.get(RevisionCard, card_id)
                assert row is not None
                _labels, right = bank.questions[row.question_id].options()
            await bot.handle(Press(student, place, card.choices[right if n % 3 else 0].action_id))
            done += 1
            clock.advance(minutes=1)
        took = time.perf_counter() - started
        print(f"revision: {done} revise+answer cycles in {took:.2f} s "
              f"({took / max(done, 1) * 1000:.1f} ms per cycle, bank of {len(bank)} questions)")
    finally:
        await bot.close()


def timeline(kb: KnowledgeBase) -> None:
    started = time.perf_counter()
    pages = draw_timeline(kb)
    took = time.perf_counter() - started
    sizes = ", ".join(f"{len(p) // 1024} KB" for p in pages)
    print(f"timeline: {len(kb.events())} events in {len(pages)} pictures ({sizes}) "
          f"drawn in {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schedules", type=int, default=500)
    parser.add_argument("--cycles", type=int, default=200)
    parser.add_argument("--database-url", help="An empty scratch database (it is filled); "
                        "default: SQLite files in a temp folder.")
    args = parser.parse_args()
    kb = load_knowledge()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.sqlite3'}"
        asyncio.run(fire_many(kb, url, args.schedules))
        url2 = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench2.sqlite3'}"
        asyncio.run(revise_cycles(kb, url2, args.cycles))
    timeline(kb)


if __name__ == "__main__":
    main()
