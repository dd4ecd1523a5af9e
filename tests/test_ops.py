"""Operating the bot: logs (one line per event, JSON on request, no students' text, no
tokens), Prometheus metrics, and the health check."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import re
from collections.abc import Callable, Iterator

import pytest
from prometheus_client import REGISTRY

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Actor, Command, Place, Press
from bot.ops import metrics
from bot.ops.logs import Redactor, request_context, setup_logging
from bot.storage.db import Database
from tests.adapters.slack_helpers import STUDENTS, TEACHER, buttons, slack_world
from tests.fakes.discord_server import FAKE_TOKEN

STUDENT = Actor("discord", "g1", "u1", "Ada")
PLACE = Place("discord", "g1", "c1")


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


@pytest.fixture
def log_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The bot's own log handler, writing JSON lines into a buffer."""
    stream = io.StringIO()
    monkeypatch.setenv("STUDYBOT_LOG_FORMAT", "json")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-9999-8888-verysecretpart")
    monkeypatch.delenv("STUDYBOT_LOG_MESSAGES", raising=False)
    setup_logging(stream=stream)
    yield stream
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == "studybot":
            root.removeHandler(handler)


def parsed(stream: io.StringIO) -> list[dict[str, object]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


# --- logs --------------------------------------------------------------------------------------

async def test_one_json_line_per_request_with_its_context_and_not_the_question(
        studybot: StudyBot, log_lines: io.StringIO) -> None:
    await studybot.handle(Command(STUDENT, PLACE, "ask", {"question": "my secret crush"}))
    [line] = [e for e in parsed(log_lines) if e["logger"] == "studybot.requests"]
    assert line["tenant"] == "discord:g1" and line["channel"] == "c1"
    assert line["command"] == "ask" and line["level"] == "info"
    assert str(line["message"]).startswith("ask handled in ")
    assert "crush" not in log_lines.getvalue()


async def test_students_text_is_logged_only_when_asked(
        studybot: StudyBot, log_lines: io.StringIO, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STUDYBOT_LOG_MESSAGES", "true")
    await studybot.handle(Command(STUDENT, PLACE, "ask", {"question": "when was munich"}))
    assert "when was munich" in log_lines.getvalue()


def test_a_traceback_stays_on_its_events_line_and_tokens_never_show(
        log_lines: io.StringIO) -> None:
    log = logging.getLogger("studybot.test")
    with request_context(tenant="slack:T1", channel="C1", command="quiz start"):
        try:
            raise RuntimeError("Authorization: Bearer xoxb-9999-8888-verysecretpart failed")
        except RuntimeError:
            log.exception("posting with %s", FAKE_TOKEN)
    lines = log_lines.getvalue().splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["command"] == "quiz start" and "RuntimeError" in str(event["error"])
    assert "verysecretpart" not in lines[0] and FAKE_TOKEN not in lines[0]
    assert "local-fake-discord-token" not in lines[0]


def test_text_logs_are_one_line_too(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = io.StringIO()
    monkeypatch.setenv("STUDYBOT_LOG_FORMAT", "text")
    setup_logging(stream=stream)
    try:
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("x").exception("failed\nbadly")
    finally:
        for handler in list(logging.getLogger().handlers):
            if handler.get_name() == "studybot":
                logging.getLogger().removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    assert "failed | badly" in line and "ValueError: boom" in line


def test_the_database_password_is_masked_wherever_it_appears() -> None:
    redact = Redactor.from_settings({"DATABASE_URL": "postgresql://bot:s3cr3t-pw@db/studybot"})
    assert redact("connect to postgresql://bot:s3cr3t-pw@db/x, password s3cr3t-pw") == \
        "connect to postgresql://bot:****@db/x, password ****"


# --- metrics -----------------------------------------------------------------------------------

async def test_questions_are_counted_by_outcome(studybot: StudyBot) -> None:
    sure = sample("studybot_questions_total", outcome="sure")
    none = sample("studybot_questions_total", outcome="none")
    await studybot.handle(Command(STUDENT, PLACE, "ask",
                                  {"question": "when was the nazi soviet pact"}))
    await studybot.handle(Command(STUDENT, PLACE, "ask", {"question": "capital of peru"}))
    await studybot.handle(Command(STUDENT, PLACE, "ask", {"question": ""}))  # not a question
    assert sample("studybot_questions_total", outcome="sure") == sure + 1
    assert sample("studybot_questions_total", outcome="none") == none + 1
    with pytest.raises(ValueError, match="outcome"):
        metrics.record_question("maybe")


async def test_schedule_runs_and_misses_are_counted(studybot: StudyBot, clock: FakeClock) -> None:
    teacher = Actor("discord", "g1", "t1", is_teacher=True)
    for n in range(3):
        await studybot.handle(Command(teacher, Place("discord", "g1", f"c{n}"), "schedule add",
                                      {"kind": "revision", "time": "10:00"}))
    runs = sample("studybot_schedule_runs_total", kind="revision")
    misses = sample("studybot_schedule_misses_total", kind="revision")
    clock.advance(hours=1, minutes=5)  # 10:05: five minutes late, within the grace
    await studybot.tick()
    assert sample("studybot_schedule_runs_total", kind="revision") == runs + 3
    clock.advance(days=1, hours=1)  # the bot was down past the next 10:00 and its grace
    await studybot.tick()
    assert sample("studybot_schedule_misses_total", kind="revision") == misses + 3


async def test_slack_serves_health_and_metrics_beside_its_events(
        studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        await world.command(TEACHER, "quiz start questions=2 seconds=30")
        base = f"http://127.0.0.1:{world.running.port}"
        async with world.http.get(f"{base}/metrics") as resp:
            assert resp.status == 200
            assert resp.headers["Content-Type"].startswith("text/plain")
            text = await resp.text()
        assert re.search(r"^studybot_quizzes_running 1\.0$", text, re.M)
        assert 'studybot_request_seconds_count{event="quiz start",platform="slack"}' in text
        for name in ("studybot_questions_total", "studybot_answers_stored_total",
                     "studybot_schedule_runs_total", "studybot_schedule_misses_total",
                     "studybot_platform_errors_total", "studybot_platform_retries_total",
                     "studybot_tick_seconds_bucket"):
            assert f"# TYPE {name.rsplit('_', 1)[0]}" in text or name in text, name


async def test_answers_stored_are_counted_when_committed(studybot: StudyBot,
                                                         clock: FakeClock) -> None:
    stored = sample("studybot_answers_stored_total", kind="solo")
    *_, question = await studybot.handle(Command(STUDENT, PLACE, "quiz solo",
                                                 {"questions": "2"}))
    press = question.choices[0].action_id
    await studybot.handle(Press(STUDENT, PLACE, press))
    await studybot.handle(Press(STUDENT, PLACE, press))  # already answered: nothing stored
    assert sample("studybot_answers_stored_total", kind="solo") == stored + 1


# --- health ------------------------------------------------------------------------------------

async def test_health_says_which_part_is_down(studybot: StudyBot, clock: FakeClock,
                                              database_url: str) -> None:
    async with slack_world(studybot, clock) as world:
        url = f"http://127.0.0.1:{world.running.port}/healthz"
        async with world.http.get(url) as resp:
            assert resp.status == 200
            assert await resp.json() == {"ok": True, "database": "ok",
                                         "platform": "connected"}
        healthy_db = studybot.db
        studybot.db = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")
        try:
            async with world.http.get(url) as resp:
                assert resp.status == 503
                report = await resp.json()
        finally:
            await studybot.db.close()
            studybot.db = healthy_db
        assert report["ok"] is False and report["database"].startswith("unreachable")
        world.running.ops.stopping = True
        async with world.http.get(url) as resp:
            assert resp.status == 503 and (await resp.json())["stopping"] is True


async def test_a_stopping_slack_worker_finishes_the_clicks_it_took(
        studybot: StudyBot, clock: FakeClock, database_url: str) -> None:
    """SIGTERM while answers are being written: each is stored and answered, then it stops."""
    if not database_url.startswith("sqlite"):
        pytest.skip("the busy writer is made with SQLite's own lock")
    import sqlite3

    async with slack_world(studybot, clock, process_before_response=False) as world:
        await world.command(TEACHER, "quiz start questions=2 seconds=60")
        await world.fake.wait_for("response_url")  # started, and the teacher told
        posted = world.fake.calls_to("chat.postMessage")[0]
        ts = world.fake.ts_of(posted)
        busy = sqlite3.connect(database_url.split("///", 1)[1], isolation_level=None)
        busy.execute("BEGIN IMMEDIATE")  # every writer waits: the clicks are in flight
        try:
            for student in STUDENTS:
                assert await world.click(student, buttons(posted)[0][1], ts=ts) == 200
            await wait_until(lambda: len(world.running.adapter.in_flight) == len(STUDENTS))
            stopping = asyncio.create_task(world.running.stop())
            await wait_until(lambda: world.running.ops.stopping)
            assert not stopping.done()
        finally:
            busy.execute("ROLLBACK")
            busy.close()
        await stopping
        got = [r for r in world.fake.calls_to("response_url") if "Got it" in r.get("text", "")]
        assert len(got) == len(STUDENTS)


async def wait_until(ready: Callable[[], object], timeout: float = 10) -> None:
    """Poll a condition another task or thread makes true (no timer is being waited out)."""
    async def poll() -> None:
        while not ready():
            await asyncio.sleep(0.01)
    await asyncio.wait_for(poll(), timeout)

