"""kill -9 in the middle of a class answering: two real ``studybot run --platform slack``
processes share one database, a burst of quiz answers goes to both, one is killed while
answers are in flight. Every answer Slack got a 200 for is stored (Slack never resends a
click, so one acknowledged and then lost would be gone for good)."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select

from bot.app import StudyBot
from bot.events import Actor, Command, Place
from bot.quiz.models import QuizAnswer
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.adapters.slack_helpers import SECRET, TEAM
from tests.adapters.test_slack_process import ROOT, free_port, slack_env
from tests.fakes.slack_api import FakeSlack

STUDENTS = [f"UK{i:03d}" for i in range(120)]
IN_FLIGHT = 8
KILL_AFTER = 12  # acknowledged answers from the process that is then killed


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(team_id=TEAM).start()
    for user in STUDENTS:
        fake.add_user(user, f"Student {user}")
    yield fake
    await fake.close()


async def start_process(fake: FakeSlack, tmp_path: Path, database_url: str
                        ) -> tuple[asyncio.subprocess.Process, int]:
    port = free_port()
    env = slack_env(fake, tmp_path, port) | {"DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--platform", "slack", cwd=ROOT, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    assert process.stdout is not None
    output = []
    while not any("serving HTTP" in line for line in output):
        line = await asyncio.wait_for(process.stdout.readline(), 60)
        assert line, "the bot exited:\n" + "".join(output)
        output.append(line.decode(errors="replace"))
    asyncio.get_running_loop().create_task(_drain(process))
    return process, port


async def _drain(process: asyncio.subprocess.Process) -> None:
    assert process.stdout is not None
    while await process.stdout.readline():
        pass


def click_body(fake: FakeSlack, user: str, action_id: str) -> str:
    payload: dict[str, Any] = {
        "type": "block_actions", "user": {"id": user, "name": user.lower(), "team_id": TEAM},
        "team": {"id": TEAM}, "channel": {"id": "C1"},
        "container": {"type": "message", "channel_id": "C1", "message_ts": "1700000000.000100",
                      "is_ephemeral": False},
        "response_url": fake.response_url(f"k-{user}"), "trigger_id": f"t-{user}",
        "actions": [{"type": "button", "action_id": action_id, "value": action_id}]}
    return urlencode({"payload": json.dumps(payload)})


async def click(http: aiohttp.ClientSession, port: int, body: str) -> bool:
    """Send one click; True if the bot acknowledged it (HTTP 200)."""
    ts = str(int(time.time()))
    headers = {"content-type": "application/x-www-form-urlencoded",
               "x-slack-request-timestamp": ts,
               "x-slack-signature": SignatureVerifier(SECRET).generate_signature(
                   timestamp=ts, body=body)}
    try:
        async with http.post(f"http://127.0.0.1:{port}/slack/events", data=body,
                             headers=headers, timeout=aiohttp.ClientTimeout(total=20)) as resp:
            return resp.status == 200
    except (aiohttp.ClientError, TimeoutError):
        return False


async def test_every_acknowledged_answer_survives_a_kill_9(
        fake: FakeSlack, tmp_path: Path, database_url: str, kb: KnowledgeBase) -> None:
    db = await Database.open(database_url)
    teacher = Actor("slack", TEAM, "UTEACH", is_teacher=True)
    core = StudyBot(kb, db)  # the system clock, as the processes have
    processes: list[asyncio.subprocess.Process] = []
    try:
        started = await core.handle(Command(teacher, Place("slack", TEAM, "C1"), "quiz start",
                                            {"questions": "1", "seconds": "120"}))
        assert "Quiz #1 started" in started[0].text
        started_processes = await asyncio.gather(
                start_process(fake, tmp_path / "a", database_url),
                start_process(fake, tmp_path / "b", database_url))
        processes += [process for process, _ in started_processes]
        ports = [port for _, port in started_processes]
        victim = processes[0]
        acked: dict[str, bool] = {}
        killed = asyncio.Event()

        async def stream(users: list[str], port: int, kill: bool) -> None:
            gate = asyncio.Semaphore(IN_FLIGHT)

            async def one(user: str) -> None:
                async with gate:
                    acked[user] = await click(http, port, click_body(fake, user, "quiz:1:0:0"))
                    if kill and not killed.is_set() and sum(
                            acked.get(u, False) for u in users) >= KILL_AFTER:
                        victim.send_signal(signal.SIGKILL)  # mid-burst: others in flight
                        killed.set()
            await asyncio.gather(*(one(u) for u in users))

        half = len(STUDENTS) // 2
        async with aiohttp.ClientSession() as http:
            await asyncio.gather(stream(STUDENTS[:half], ports[0], True),
                                 stream(STUDENTS[half:], ports[1], False))
        assert killed.is_set()
        await asyncio.wait_for(victim.wait(), 10)
        assert victim.returncode == -signal.SIGKILL

        async with db.transaction() as session:
            stored = set((await session.execute(select(QuizAnswer.user_id))).scalars())
        acknowledged = {u for u, ok in acked.items() if ok}
        assert acknowledged <= stored, sorted(acknowledged - stored)
        assert set(STUDENTS[half:]) <= acknowledged  # the process left standing took all
        assert len(acknowledged & set(STUDENTS[:half])) >= KILL_AFTER
        assert set(STUDENTS[:half]) - acknowledged  # and the kill cut some off
    finally:
        for process in processes:
            if process.returncode is None:
                process.send_signal(signal.SIGTERM)
                await asyncio.wait_for(process.wait(), 30)
        await db.close()
