"""Several bot processes on one database, as a host runs them (on SQLite, and on PostgreSQL
when ``TEST_DATABASE_URL`` is set).

- Two real ``studybot run --platform slack`` workers behind one request URL (the test is the
  load balancer, sending each request to one or the other): a class quiz started through one,
  answered through both at once, moved on and stopped through the other, keeps one scoreboard
  with every answer; each worker's ``/metrics`` counts the answers it stored.
- Two core workers (tests/fakes/core_worker.py) on a fake clock step through a simulated day
  together: every schedule fires exactly once, at its time, and every revision question is
  revealed once.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from bot.quiz.models import QuizAnswer, QuizPlayer
from bot.storage.db import Database
from tests.adapters.slack_helpers import SECRET, TEAM, SlackWorld, buttons
from tests.fakes.processes import BotProcess, Worker, clean_env, free_port
from tests.fakes.slack_api import FakeSlack

TEACHER = "UTEACH"
STUDENTS = [f"US{n:02d}" for n in range(1, 11)]  # ten: all fit on the final leaderboard


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(team_id=TEAM).start()
    fake.add_user(TEACHER, "Ms Teacher", admin=True)
    for student in STUDENTS:
        fake.add_user(student, f"Student {student[2:]}")
    yield fake
    await fake.close()


class Workers:
    """Two Slack workers, and the signed requests Slack would send them."""

    def __init__(self, fake: FakeSlack, ports: list[int], http: aiohttp.ClientSession) -> None:
        self.fake = fake
        self.ports = ports
        self.http = http
        self.world = SlackWorld(fake, None, None, None, http)  # type: ignore[arg-type]

    async def post(self, worker: int, body: str) -> None:
        ts = str(int(time.time()))
        headers = {"content-type": "application/x-www-form-urlencoded",
                   "x-slack-request-timestamp": ts,
                   "x-slack-signature": SignatureVerifier(SECRET).generate_signature(
                       timestamp=ts, body=body)}
        url = f"http://127.0.0.1:{self.ports[worker]}/slack/events"
        async with self.http.post(url, data=body.encode(), headers=headers) as resp:
            assert resp.status == 200

    async def command(self, worker: int, user: str, text: str) -> None:
        await self.post(worker, self.world.command_body(user, text))

    async def click(self, worker: int, user: str, action_id: str, ts: str) -> None:
        await self.post(worker, self.world.click_body(user, action_id, ts=ts))

    async def metric(self, worker: int, name: str) -> float:
        url = f"http://127.0.0.1:{self.ports[worker]}/metrics"
        async with self.http.get(url) as resp:
            text = await resp.text()
        found = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.M)
        assert found, f"{name} not in /metrics"
        return float(found.group(1))


def question_posts(fake: FakeSlack) -> list[dict[str, object]]:
    return [b for b in fake.calls_to("chat.postMessage")
            if any(a.startswith("quiz:") for _, a in buttons(b))]


async def answered(fake: FakeSlack, count: int) -> None:
    """Wait until ``count`` students were told their answer was taken."""
    await fake.wait_until(lambda: sum(
        1 for r in fake.calls_to("response_url") if "Got it" in str(r.get("text"))) >= count,
        timeout=30)


async def test_a_class_quiz_across_two_workers_keeps_one_scoreboard(
        fake: FakeSlack, database_url: str, tmp_path: Path) -> None:
    ports = [free_port(), free_port()]
    workers = []
    for port in ports:
        env = clean_env({"SLACK_BOT_TOKEN": "xoxb-two-workers", "SLACK_SIGNING_SECRET": SECRET,
                         "SLACK_API_URL": fake.api_url, "STUDYBOT_HTTP_PORT": str(port),
                         "STUDYBOT_HTTP_HOST": "127.0.0.1", "DATABASE_URL": database_url,
                         "STUDYBOT_DATA_DIR": str(tmp_path)})
        workers.append(BotProcess(env, "--platform", "slack"))
    try:
        await asyncio.gather(*(w.start("serving HTTP") for w in workers))
        async with aiohttp.ClientSession() as http:
            lb = Workers(fake, ports, http)
            await lb.command(0, TEACHER, "quiz start questions=2 seconds=120 pace=teacher")
            await fake.wait_until(lambda: len(question_posts(fake)) == 1, timeout=30)
            for position in range(2):
                posted = question_posts(fake)[position]
                ts = fake.ts_of(posted)
                options = [a for _, a in buttons(posted)]
                # every student at once, through either worker
                await asyncio.gather(*(lb.click(n % 2, student, options[n % len(options)], ts)
                                       for n, student in enumerate(STUDENTS)))
                await answered(fake, len(STUDENTS) * (position + 1))
                if position == 0:  # reveal and open the next question through the other
                    await lb.command(1, TEACHER, "quiz next")
                    await fake.wait_until(lambda: len(question_posts(fake)) == 2, timeout=30)
            await lb.command(1, TEACHER, "quiz stop")
            await fake.wait_until(lambda: any("Final leaderboard" in str(b.get("text"))
                                              for b in fake.calls_to("chat.postMessage")),
                                  timeout=30)
            stored = [await lb.metric(w, 'studybot_answers_stored_total{kind="quiz"}')
                      for w in (0, 1)]
    finally:
        codes = [await w.stop() for w in workers]
    assert codes == [0, 0], "".join(workers[0].output + workers[1].output)
    assert all(n > 0 for n in stored) and sum(stored) == 2 * len(STUDENTS)
    board = next(str(b["text"]) for b in fake.calls_to("chat.postMessage")
                 if "Final leaderboard" in str(b.get("text")))
    for student in STUDENTS:
        assert f"Student {student[2:]}:" in board and "/2 right" in board
    db = await Database.open(database_url)
    try:
        async with db.transaction() as session:
            answers = (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one()
            players = (await session.execute(select(QuizPlayer.user_id, QuizPlayer.answered)))
            totals = dict(players.tuples().all())
    finally:
        await db.close()
    assert answers == 2 * len(STUDENTS)
    assert totals == {student: 2 for student in STUDENTS}


# --- schedules over a simulated day -----------------------------------------------------------

DAY = datetime(2026, 11, 27, tzinfo=UTC)  # a Friday
STEP = timedelta(minutes=10)  # under the 15-minute grace: no occurrence is skipped
#: (days, time, zone) and the UTC time it falls on during DAY, or None when not that day.
SCHEDULES = [
    ("daily", "09:00", "Europe/London", DAY.replace(hour=9)),
    ("weekdays", "12:30", "America/New_York", DAY.replace(hour=17, minute=30)),
    ("sat,sun", "08:00", "Asia/Tokyo", DAY.replace(hour=23)),  # Saturday morning in Tokyo
    ("mon", "10:00", "Europe/Paris", None),
    ("daily", "00:00", "UTC", DAY),
    ("fri", "23:50", "UTC", DAY.replace(hour=23, minute=50)),
    ("daily", "06:15", "Australia/Sydney", DAY.replace(hour=19, minute=15)),  # Saturday there
]


async def test_schedules_fire_exactly_once_over_a_day_with_two_processes(
        database_url: str) -> None:
    start, end = DAY - timedelta(minutes=30), DAY + timedelta(days=1, minutes=15)
    workers = await asyncio.gather(Worker(database_url).start(), Worker(database_url).start())
    try:
        for worker in workers:
            await worker.send(op="at", time=start.isoformat())
        for n, (days, at, zone, _) in enumerate(SCHEDULES):
            answer = await workers[n % 2].send(
                op="command", name="schedule add", tenant=f"school{n % 3}", channel=f"c{n}",
                user="teacher", teacher=True,
                args={"kind": "revision", "time": at, "days": days, "timezone": zone})
            assert answer["replies"][0].startswith("Scheduled #"), answer
        seen: list[list[str]] = []
        now = start
        while now <= end:  # both processes tick at each step, at the same time
            answers = await asyncio.gather(*(w.send(op="tick", time=now.isoformat())
                                             for w in workers))
            seen += [item for a in answers for item in a["seen"]]
            now += STEP
    finally:
        codes = [await w.stop() for w in workers]
    assert codes == [0, 0]
    questions = [s for s in seen if s[0] == "post" and s[2] == "Revision question"]
    day = [q for q in questions if DAY <= datetime.fromisoformat(q[4]) < DAY + timedelta(days=1)]
    due_today = {f"test:school{n % 3}:c{n}": due for n, (*_, due) in enumerate(SCHEDULES)
                 if due is not None and DAY <= due < DAY + timedelta(days=1)}
    assert Counter(q[1] for q in day) == Counter(due_today.keys())  # once each; none on Monday
    for post in day:  # at its time: on the first tick at or after it
        lateness = datetime.fromisoformat(post[4]) - due_today[post[1]]
        assert timedelta(0) <= lateness < STEP
    # every question posted in the whole run was revealed, once, ten minutes later
    reveals = [s for s in seen if s[0] == "edit"]
    assert Counter(r[1] for r in reveals) == Counter(q[1] for q in questions)
