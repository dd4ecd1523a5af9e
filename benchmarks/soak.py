"""Soak: Slack traffic at several times a large school's peak, sustained for minutes, against
a real ``studybot run --platform slack`` process. Prints throughput, latency and the bot's
memory minute by minute: the figures should hold steady and the memory should not grow.

    python -m benchmarks.soak [--rate 240] [--minutes 5] [--database-url URL]

A large school's peak, as assumed here: 1,500 students in 50 classes, every class in a quiz
at once, each student answering a question within 20 s (75 answers/s), plus a question or a
command from one student in ten in the same 20 s (7.5/s): about 80 interactions a second.
The default rate, 240/s, is three times that. The mix: 80% quiz answers (to whichever
question is open in the student's class; the teacher moves every class on every 30 s),
12% questions (``/study ask``), 8% private commands (``/study revise``, ``/study help``).

The bot runs as its own process (production settings: HTTP mode, store then acknowledge) on
a SQLite file in a temporary folder, or on ``--database-url`` (an empty scratch PostgreSQL
database); the fake Slack Web API (tests/fakes/slack_api.py) and the load run here.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import socket
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.quiz.models import QuizAnswer
from bot.storage.db import Database
from tests.fakes.slack_api import Call, FakeSlack

ROOT = Path(__file__).parents[1]
SECRET = "soak-secret"
TEAM = "T1"
TEACHER = "UTEACH"
CLASSES = 50
CLASS_SIZE = 30
ADVANCE_EVERY = 30.0  # seconds between the teacher's `quiz next` in every class
PEAK = 80.0  # interactions a second at a large school's busiest (see above)


@dataclass
class Minute:
    sent: int = 0
    acked: int = 0
    failed: int = 0
    acks: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    by_kind: dict[str, list[float]] = field(default_factory=dict)  # ack times per kind
    rss_mb: float = 0.0


@dataclass
class Soak:
    fake: FakeSlack
    http: aiohttp.ClientSession
    port: int
    minutes: list[Minute]
    quiz_of: dict[str, int] = field(default_factory=dict)  # channel -> quiz id
    position: dict[str, int] = field(default_factory=dict)  # channel -> open question
    waiting: dict[str, tuple[float, Minute]] = field(default_factory=dict)  # reply key
    keys: int = 0

    def signed(self, body: str, content_type: str) -> dict[str, str]:
        ts = str(int(time.time()))
        return {"content-type": content_type, "x-slack-request-timestamp": ts,
                "x-slack-signature": SignatureVerifier(SECRET).generate_signature(
                    timestamp=ts, body=body)}

    def key(self) -> str:
        self.keys += 1
        return f"k{self.keys}"

    async def post(self, body: str, content_type: str, minute: Minute | None,
                   key: str | None = None, kind: str = "other") -> int:
        start = time.perf_counter()
        if minute is not None:
            minute.sent += 1
            if key is not None:
                self.waiting[key] = (start, minute)
        try:
            async with self.http.post(f"http://127.0.0.1:{self.port}/slack/events",
                                      data=body, headers=self.signed(body, content_type)) as r:
                status = r.status
        except (aiohttp.ClientError, TimeoutError):
            status = 0
        if minute is not None:
            if status == 200:
                minute.acked += 1
                minute.acks.append(time.perf_counter() - start)
                minute.by_kind.setdefault(kind, []).append(minute.acks[-1])
            else:
                minute.failed += 1
                self.waiting.pop(key or "", None)
        return status

    def command(self, user: str, channel: str, text: str, key: str) -> str:
        return urlencode({"team_id": TEAM, "channel_id": channel, "user_id": user,
                          "user_name": user.lower(), "command": "/study", "text": text,
                          "response_url": self.fake.response_url(key), "trigger_id": "t"})

    def click(self, user: str, channel: str, action_id: str, key: str) -> str:
        payload = {"type": "block_actions", "user": {"id": user, "team_id": TEAM},
                   "team": {"id": TEAM}, "channel": {"id": channel},
                   "container": {"type": "message", "channel_id": channel,
                                 "message_ts": "1700000000.000001", "is_ephemeral": False},
                   "response_url": self.fake.response_url(key), "trigger_id": "t",
                   "actions": [{"type": "button", "action_id": action_id}]}
        return urlencode({"payload": json.dumps(payload)})

    def on_call(self, call: Call) -> None:
        if call.method == "response_url":
            found = self.waiting.pop(call.body.get("response_key", ""), None)
            if found is not None:
                found[1].replies.append(time.perf_counter() - found[0])
        elif call.method == "chat.postMessage":
            ids = [e.get("action_id", "") for b in _blocks(call.body)
                   if b.get("type") == "actions" for e in b.get("elements", [])]
            quiz = [i.split(":") for i in ids if i.startswith("quiz:")]
            if quiz:
                channel = str(call.body.get("channel"))
                self.quiz_of[channel], self.position[channel] = int(quiz[0][1]), int(quiz[0][2])


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = body.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def students_of(channel: int) -> list[str]:
    return [f"U{channel:02d}{n:03d}" for n in range(CLASS_SIZE)]


async def one_interaction(soak: Soak, minute: Minute, rng: random.Random) -> None:
    channel_no = rng.randrange(CLASSES)
    channel = f"C{channel_no:02d}"
    user = rng.choice(students_of(channel_no))
    key = soak.key()
    roll = rng.random()
    if roll < 0.80 and channel in soak.quiz_of:
        action = f"quiz:{soak.quiz_of[channel]}:{soak.position[channel]}:{rng.randrange(4)}"
        await soak.post(soak.click(user, channel, action, key),
                        "application/x-www-form-urlencoded", minute, key, "answer")
    elif roll < 0.92:
        question = rng.choice(["when was the nazi-soviet pact", "who was litvinov",
                               "why did stalin purge the army", "what was the comintern",
                               "what happened at munich", "was stalin consistent"])
        await soak.post(soak.command(user, channel, f"ask {question}", key),
                        "application/x-www-form-urlencoded", minute, None, "ask")  # public
    else:
        text = rng.choice(["revise", "help"])
        await soak.post(soak.command(user, channel, text, key),
                        "application/x-www-form-urlencoded", minute, key, text)


async def advance_quizzes(soak: Soak) -> None:
    """The teacher in every class: reveal the open question, then open the next one."""
    for _ in range(2):
        await asyncio.gather(*(soak.post(soak.command(TEACHER, f"C{c:02d}", "quiz next",
                                                      soak.key()),
                                         "application/x-www-form-urlencoded", None)
                               for c in range(CLASSES)))


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def start_bot(fake: FakeSlack, database_url: str, data: Path
                    ) -> tuple[asyncio.subprocess.Process, int]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    env |= {"SLACK_BOT_TOKEN": "xoxb-soak", "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": fake.api_url, "STUDYBOT_HTTP_PORT": str(port),
            "STUDYBOT_HTTP_HOST": "127.0.0.1", "STUDYBOT_DATA_DIR": str(data),
            "DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--platform", "slack", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert process.stdout is not None
    while True:
        line = (await asyncio.wait_for(process.stdout.readline(), 120)).decode()
        if not line:
            raise SystemExit("the bot exited before serving")
        if "serving HTTP" in line:
            break
    asyncio.get_running_loop().create_task(_echo_errors(process))
    return process, port


async def _echo_errors(process: asyncio.subprocess.Process) -> None:
    """The bot's log lines at WARNING and above, so a failure under load shows."""
    assert process.stdout is not None
    while line := await process.stdout.readline():
        text = line.decode(errors="replace")
        if " ERROR " in text or " WARNING " in text or "Traceback" in text:
            print("  bot:", text.rstrip()[:200], flush=True)


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(int(len(ordered) * q), len(ordered) - 1)] * 1000


async def soak(rate: float, minutes: int, database_url: str, data: Path) -> None:
    fake = await FakeSlack(team_id=TEAM).start()
    fake.add_user(TEACHER, "Ms Teacher", admin=True)
    for c in range(CLASSES):
        for user in students_of(c):
            fake.add_user(user, user)
    process, port = await start_bot(fake, database_url, data)
    rng = random.Random(7)
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512)) as http:
            run = Soak(fake, http, port, [])
            fake.on_call = run.on_call
            await asyncio.gather(*(run.post(run.command(
                TEACHER, f"C{c:02d}", "quiz start questions=50 seconds=120 pace=teacher",
                run.key()), "application/x-www-form-urlencoded", None)
                for c in range(CLASSES)))
            for _ in range(100):  # the first questions are posted just after the replies
                if len(run.quiz_of) == CLASSES:
                    break
                await asyncio.sleep(0.1)
            if len(run.quiz_of) < CLASSES:
                missing = sorted({f"C{c:02d}" for c in range(CLASSES)} - set(run.quiz_of))
                raise SystemExit(f"only {len(run.quiz_of)} of {CLASSES} quizzes started; "
                                 f"not in {missing}")
            print(f"{CLASSES} class quizzes started; {rate:.0f} interactions/s "
                  f"({rate / PEAK:.1f}x a large school's peak) for {minutes} min", flush=True)
            await drive(run, rate, minutes, rng, process.pid)
            await asyncio.sleep(5)  # the last replies
        report(run, rate)
        db = await Database.open(database_url)
        async with db.transaction() as session:
            stored = (await session.execute(select(func.count()).select_from(QuizAnswer))
                      ).scalar_one()
        await db.close()
        print(f"quiz answers stored: {stored}")
    finally:
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 60)
        await fake.close()


async def drive(run: Soak, rate: float, minutes: int, rng: random.Random, pid: int) -> None:
    start = time.perf_counter()
    tasks: set[asyncio.Task[None]] = set()
    next_advance = start + ADVANCE_EVERY
    for m in range(minutes):
        minute = Minute()
        run.minutes.append(minute)
        end = start + 60 * (m + 1)
        sent = 0
        while (now := time.perf_counter()) < end:
            due = int((now - (start + 60 * m)) * rate)
            for _ in range(due - sent):
                task = asyncio.create_task(one_interaction(run, minute, rng))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            sent = max(sent, due)
            if now >= next_advance:
                next_advance += ADVANCE_EVERY
                _keep(tasks, asyncio.create_task(advance_quizzes(run)))
            run.fake.calls.clear()  # the fake keeps no history: on_call measured it
            await asyncio.sleep(0.005)
        minute.rss_mb = rss_mb(pid)
        print(line_for(m + 1, minute), flush=True)


def _keep(tasks: set[asyncio.Task[None]], task: asyncio.Task[None]) -> None:
    tasks.add(task)
    task.add_done_callback(tasks.discard)


def line_for(number: int, minute: Minute) -> str:
    return (f"minute {number}: {minute.acked / 60:.0f}/s acknowledged ({minute.failed} failed), "
            f"ack p50 {pct(minute.acks, 0.5):.0f} ms p99 {pct(minute.acks, 0.99):.0f} ms, "
            f"private reply p99 {pct(minute.replies, 0.99):.0f} ms, "
            f"bot RSS {minute.rss_mb:.0f} MB; ack p99 by kind: " + ", ".join(
                f"{kind} {pct(times, 0.99):.0f} ms"
                for kind, times in sorted(minute.by_kind.items())))


def report(run: Soak, rate: float) -> None:
    total = sum(m.sent for m in run.minutes)
    acked = sum(m.acked for m in run.minutes)
    acks = [a for m in run.minutes for a in m.acks]
    replies = [r for m in run.minutes for r in m.replies]
    first, last = run.minutes[0].rss_mb, run.minutes[-1].rss_mb
    print(f"total: {acked}/{total} acknowledged, {acked / (60 * len(run.minutes)):.0f}/s "
          f"(target {rate:.0f}/s); ack p50 {pct(acks, 0.5):.0f} ms, p99 {pct(acks, 0.99):.0f} "
          f"ms; private replies {len(replies)}, p99 {pct(replies, 0.99):.0f} ms, "
          f"{len(run.waiting)} never came")
    print(f"bot RSS: {first:.0f} MB after minute 1, {last:.0f} MB at the end "
          f"({last - first:+.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=3 * PEAK)
    parser.add_argument("--minutes", type=int, default=5)
    parser.add_argument("--database-url", help="An empty scratch database (default: SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(tmp) / 'soak.sqlite3'}"
        asyncio.run(soak(args.rate, args.minutes, url, Path(tmp)))


if __name__ == "__main__":
    main()


