"""Schedules at scale: 10,000 due at the same minute, two bot processes, one database.

    python -m benchmarks.schedules_scale --database-url postgresql://postgres@127.0.0.1/test
    python -m benchmarks.schedules_scale            # SQLite, a file in a temporary folder

Every school's 09:00 is the worst case: ``--schedules`` schedules (default 10,000, over 500
servers) are written due at the next whole minute; two processes (tests/fakes/core_worker.py,
the real core on the real clock, ticking just after each second as ``studybot run`` does)
claim and post them, each post taking ``--post-ms`` (default 50 ms) like a chat platform's
API. It prints how late each post was after its due time (p50, p99, max, and how many within
one second), how the work split between the processes, and checks that every schedule posted
exactly once and moved on to tomorrow. With ``--database-url`` a throwaway database is made on
that server and dropped afterwards.

``--kind onthisday`` (the default) posts the day's events (the processes run on a date with
events, 23 August); ``--kind revision`` posts a revision question, which also writes the
question and its message id to the database (two more transactions per post).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, func, insert, select

from benchmarks.quiz_load import scratch_database
from bot.schedule.models import Schedule
from bot.storage.db import Database
from tests.fakes.processes import ROOT, clean_env

TENANTS = 500
EVENTFUL_DAY = (8, 23)  # the Nazi-Soviet Pact: on-this-day always has something to post


def shift_to_eventful_day(today: date) -> int:
    """Days from today to the next 23 August (the processes' clocks move by that much)."""
    target = date(today.year, *EVENTFUL_DAY)
    if target < today:
        target = date(today.year + 1, *EVENTFUL_DAY)
    return (target - today).days


async def write_schedules(db: Database, count: int, kind: str, due: datetime) -> None:
    table = cast(Table, Schedule.__table__)
    rows = [{"tenant_key": f"bench:t{n % TENANTS}", "platform": "bench",
             "tenant": f"t{n % TENANTS}", "channel": f"c{n}", "thread": None, "kind": kind,
             "at_time": due.strftime("%H:%M"), "days": "daily", "timezone": "UTC",
             "topic": None, "created_by": "bench", "created_at": due - timedelta(days=1),
             "next_due": due, "last_fired": None} for n in range(count)]
    async with db.transaction() as session:
        for start in range(0, count, 2000):
            await session.execute(insert(table), rows[start:start + 2000])


async def worker(url: str, post_ms: float, shift: int) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.fakes.core_worker", "--database-url", url,
        "--clock", "system", "--post-ms", str(post_ms), "--shift-days", str(shift),
        cwd=ROOT, env=clean_env({}), stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, limit=1 << 20)
    assert process.stdout is not None
    ready = json.loads(await asyncio.wait_for(process.stdout.readline(), 120))
    assert ready.get("ready"), ready
    return process


async def collect(process: asyncio.subprocess.Process, posts: list[tuple[str, float, int]],
                  number: int) -> None:
    assert process.stdout is not None
    while line := await process.stdout.readline():
        item: dict[str, Any] = json.loads(line)
        if "post" in item:
            posts.append((item["post"], item["at"], number))


async def run(url: str, args: argparse.Namespace) -> None:
    shift = shift_to_eventful_day(datetime.now(UTC).date())
    db = await Database.open(url)
    processes: list[asyncio.subprocess.Process] = []
    posts: list[tuple[str, float, int]] = []
    try:
        processes = list(await asyncio.gather(*(worker(url, args.post_ms, shift)
                                                for _ in range(2))))
        now = datetime.now(UTC) + timedelta(days=shift)
        due = (now + timedelta(seconds=args.lead + 60)).replace(second=0, microsecond=0)
        started = time.perf_counter()
        await write_schedules(db, args.schedules, args.kind, due)
        print(f"{args.schedules:,} {args.kind} schedules written in "
              f"{time.perf_counter() - started:.1f} s, due at {due:%H:%M:%S} "
              f"({(due - now).total_seconds():.0f} s from now)")
        readers = [asyncio.create_task(collect(p, posts, n)) for n, p in enumerate(processes)]
        deadline = time.monotonic() + (due - now).total_seconds() + args.wait
        while len(posts) < args.schedules and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(2)  # a duplicate would show up by now
    finally:
        for process in processes:
            assert process.stdin is not None
            process.stdin.close()
        for process in processes:
            await asyncio.wait_for(process.wait(), 60)
    await asyncio.gather(*readers)
    async with db.transaction() as session:
        moved_on = (await session.execute(select(func.count()).select_from(Schedule).where(
            Schedule.next_due == due + timedelta(days=1),
            Schedule.last_fired == due))).scalar_one()
    await db.close()
    report(posts, due.timestamp(), args.schedules, moved_on)


def report(posts: list[tuple[str, float, int]], due: float, count: int, moved_on: int) -> None:
    late = sorted(at - due for _, at, _ in posts)
    per_place = Counter(place for place, _, _ in posts)
    twice = sum(1 for n in per_place.values() if n > 1)
    shares = Counter(number for _, _, number in posts)
    if not late:
        print("nothing was posted")
        return
    within = sum(1 for s in late if s <= 1.0)
    p99 = late[min(len(late) - 1, int(len(late) * 0.99))]
    print(f"posted {len(posts):,} of {count:,} (distinct {len(per_place):,}, twice {twice}); "
          f"split {shares[0]:,}/{shares[1]:,}; moved on to tomorrow: {moved_on:,}")
    print(f"lateness after the due time: first {late[0]:.3f} s, p50 "
          f"{statistics.median(late):.3f} s, p99 {p99:.3f} s, max {late[-1]:.3f} s; "
          f"within 1 s: {within:,} ({within / count:.1%})")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--schedules", type=int, default=10_000)
    parser.add_argument("--kind", choices=["onthisday", "revision"], default="onthisday")
    parser.add_argument("--post-ms", type=float, default=50.0)
    parser.add_argument("--lead", type=float, default=15.0,
                        help="at least this many seconds between writing and the due minute")
    parser.add_argument("--wait", type=float, default=60.0,
                        help="seconds after the due time to wait for every post")
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database is "
                        "made there); default: SQLite in a temporary folder")
    args = parser.parse_args()
    async with scratch_database(args.database_url) as url:
        print(f"database: {url.split('@')[-1]}")
        await run(url, args)


if __name__ == "__main__":
    asyncio.run(main())
