"""``studybot run --platform slack`` in its own process, configured by its environment alone
and pointed at the fake Slack Web API: it serves signed requests and stops cleanly."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import pytest
from slack_sdk.signature import SignatureVerifier

from tests.adapters.process import failed_start, free_port
from tests.adapters.slack_helpers import SECRET, TEAM
from tests.fakes.slack_api import FakeSlack

ROOT = Path(__file__).parents[2]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = await FakeSlack(team_id=TEAM).start()
    yield fake
    await fake.close()


def slack_env(fake: FakeSlack, tmp_path: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_")) and k != "DATABASE_URL"}
    return env | {"SLACK_BOT_TOKEN": "xoxb-process", "SLACK_SIGNING_SECRET": SECRET,
                  "SLACK_API_URL": fake.api_url, "STUDYBOT_HTTP_PORT": str(port),
                  "STUDYBOT_HTTP_HOST": "127.0.0.1", "STUDYBOT_DATA_DIR": str(tmp_path)}


async def test_the_real_process_serves_slack_from_its_environment(fake: FakeSlack,
                                                                  tmp_path: Path) -> None:
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "--platform", "slack", cwd=ROOT,
        env=slack_env(fake, tmp_path, port), stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output: list[str] = []
    try:
        assert process.stdout is not None
        while not any("serving HTTP" in line for line in output):
            line = await asyncio.wait_for(process.stdout.readline(), 60)
            assert line, "the bot exited:\n" + "".join(output)
            output.append(line.decode(errors="replace"))
        assert fake.calls_to("auth.test")  # the token was checked at start
        body = urlencode({"team_id": TEAM, "channel_id": "C1", "user_id": "US1",
                          "user_name": "ann", "command": "/study", "text": "help",
                          "response_url": fake.response_url("p1"), "trigger_id": "t"})
        ts = str(int(time.time()))
        headers = {"content-type": "application/x-www-form-urlencoded",
                   "x-slack-request-timestamp": ts,
                   "x-slack-signature": SignatureVerifier(SECRET).generate_signature(
                       timestamp=ts, body=body)}
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{port}"
            async with http.post(f"{url}/slack/events", data=body, headers=headers) as resp:
                assert resp.status == 200
            async with http.get(f"{url}/healthz") as resp:
                assert resp.status == 200
        await fake.wait_for("response_url", timeout=30)  # production mode: acked first
        assert "Ask me anything" in fake.calls_to("response_url")[0]["text"]
        assert (tmp_path / "studybot.sqlite3").exists()
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0  # SIGTERM closes the server and the database cleanly


def test_run_without_settings_says_what_to_set(tmp_path: Path) -> None:
    import subprocess

    env = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--platform", "slack"],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "SLACK_SIGNING_SECRET" in result.stderr


def test_no_network_at_start_is_one_line_and_a_failure(tmp_path: Path) -> None:
    """Slack unreachable (no network, a wrong SLACK_API_URL): one line, exit 1, no traceback."""
    closed = free_port()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_")) and k != "DATABASE_URL"}
    env |= {"SLACK_BOT_TOKEN": "xoxb-process", "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": f"http://127.0.0.1:{closed}/api/",
            "STUDYBOT_HTTP_PORT": str(free_port()), "STUDYBOT_DATA_DIR": str(tmp_path)}
    assert failed_start("slack", env).startswith(
        f"studybot: cannot reach Slack at http://127.0.0.1:{closed}/api/: "
        f"Cannot connect to host 127.0.0.1:{closed}")
