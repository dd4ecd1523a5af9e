"""Driving the Slack bot as Slack does: signed HTTP requests to its real server, with the
local fake Web API (tests/fakes/slack_api.py) answering its calls.

A world is a fake Slack workspace (a teacher ``UTEACH`` who is a workspace admin, students
``US1``..``US3``), the bot started by :func:`adapters.slack.run.start` exactly as
``studybot run --platform slack`` starts it, and a client that signs requests.
"""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import func, select

from adapters.slack.config import SlackConfig
from adapters.slack.run import RunningSlack, start
from bot.app import StudyBot
from bot.clock import FakeClock
from tests.fakes.slack_api import FakeSlack

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
TEAM = "T1"
TEACHER = "UTEACH"
STUDENTS = ("US1", "US2", "US3")


def config_for(fake: FakeSlack, **changes: Any) -> SlackConfig:
    config = SlackConfig(bot_token="xoxb-test", signing_secret=SECRET, api_url=fake.api_url,
                         port=0, host="127.0.0.1", process_before_response=True)
    return replace(config, **changes)


@dataclass
class SlackWorld:
    fake: FakeSlack
    studybot: StudyBot
    clock: FakeClock
    running: RunningSlack
    http: aiohttp.ClientSession
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.running.port}/slack/events"

    # -- raw signed requests --------------------------------------------------------------

    async def send(self, body: str, content_type: str, *, secret: str = SECRET,
                   timestamp: int | None = None, headers: dict[str, str] | None = None
                   ) -> tuple[int, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        signature = SignatureVerifier(secret).generate_signature(timestamp=ts, body=body)
        all_headers = {"content-type": content_type, "x-slack-request-timestamp": ts,
                       "x-slack-signature": signature, **(headers or {})}
        async with self.http.post(self.url, data=body.encode(), headers=all_headers) as resp:
            return resp.status, await resp.text()

    # -- what Slack sends -----------------------------------------------------------------

    def next_id(self) -> int:
        return next(self._ids)

    def command_body(self, user: str, text: str, channel: str = "C1", team: str = TEAM) -> str:
        return urlencode({
            "token": "legacy", "team_id": team, "team_domain": "school",
            "channel_id": channel, "channel_name": "history", "user_id": user,
            "user_name": user.lower(), "command": "/study", "text": text, "api_app_id": "A1",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(f"cmd{self.next_id()}"),
            "trigger_id": f"trigger.{self.next_id()}",
        })

    async def command(self, user: str, text: str, channel: str = "C1", team: str = TEAM) -> int:
        status, _ = await self.send(self.command_body(user, text, channel, team),
                                    "application/x-www-form-urlencoded")
        return status

    def mention_body(self, user: str, text: str, channel: str = "C1",
                     event_id: str | None = None, thread_ts: str | None = None) -> str:
        n = self.next_id()
        event: dict[str, Any] = {"type": "app_mention", "user": user, "text": text,
                                 "ts": f"1699999999.{n:06d}", "channel": channel,
                                 "event_ts": f"1699999999.{n:06d}", "team": TEAM}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return json.dumps({
            "token": "legacy", "team_id": TEAM, "api_app_id": "A1", "event": event,
            "type": "event_callback", "event_id": event_id or f"Ev{n:08d}",
            "event_time": int(time.time()),
            "authorizations": [{"team_id": TEAM, "user_id": self.fake.bot_user_id,
                                "is_bot": True, "enterprise_id": None}],
        })

    async def mention(self, user: str, text: str, channel: str = "C1", **kw: Any) -> int:
        status, _ = await self.send(self.mention_body(user, text, channel, **kw),
                                    "application/json")
        return status

    def click_body(self, user: str, action_id: str, *, channel: str = "C1",
                   ts: str | None = None, ephemeral: bool = False,
                   response_key: str | None = None, team: str = TEAM,
                   posted: dict[str, Any] | None = None) -> str:
        """A button press as Slack sends it; ``posted`` is the clicked message as the bot sent
        it (Slack sends a public message's text and blocks back with the click)."""
        n = self.next_id()
        container: dict[str, Any] = {"type": "message", "channel_id": channel,
                                     "is_ephemeral": ephemeral}
        payload: dict[str, Any] = {
            "type": "block_actions", "api_app_id": "A1", "token": "legacy",
            "user": {"id": user, "username": user.lower(), "name": user.lower(),
                     "team_id": team},
            "team": {"id": team, "domain": "school"}, "enterprise": None,
            "is_enterprise_install": False, "channel": {"id": channel, "name": "history"},
            "container": container, "trigger_id": f"trigger.{n}",
            "response_url": self.fake.response_url(response_key or f"click{n}"),
            "actions": [{"type": "button", "action_id": action_id, "block_id": "b1",
                         "value": action_id, "text": {"type": "plain_text", "text": "x"},
                         "action_ts": f"1700000001.{n:06d}"}],
        }
        if ts:
            container["message_ts"] = ts
            if not ephemeral:
                payload["message"] = {"type": "message", "ts": ts,
                                      "text": (posted or {}).get("text", ""),
                                      "blocks": blocks_of(posted or {})}
        return urlencode({"payload": json.dumps(payload)})

    async def click(self, user: str, action_id: str, **kw: Any) -> int:
        status, _ = await self.send(self.click_body(user, action_id, **kw),
                                    "application/x-www-form-urlencoded")
        return status

    # -- reading replies ------------------------------------------------------------------

    def last(self, method: str) -> dict[str, Any]:
        calls = self.fake.calls_to(method)
        assert calls, f"no {method} call; calls were {[c.method for c in self.fake.calls]}"
        return calls[-1]

    def texts(self) -> list[str]:
        """The fallback text of everything the bot sent, in order."""
        return [str(body.get("text") or body.get("initial_comment") or "")
                for body in self.fake.posted()]


def blocks_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The blocks of a recorded message body (form-encoded bodies carry them as JSON)."""
    blocks = body.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def buttons(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(label, action id) of every button in a recorded message body."""
    return [(e["text"]["text"], e["action_id"]) for b in blocks_of(body)
            if b["type"] == "actions" for e in b["elements"]]


@asynccontextmanager
async def slack_world(studybot: StudyBot, clock: FakeClock, **config: Any
                      ) -> AsyncIterator[SlackWorld]:
    fake = await FakeSlack(team_id=TEAM).start()
    fake.add_user(TEACHER, "Ms Teacher", admin=True)
    for i, student in enumerate(STUDENTS, 1):
        fake.add_user(student, f"Student {i}")
    running = await start(studybot, config_for(fake, **config), tick_every=None)
    http = aiohttp.ClientSession()
    try:
        yield SlackWorld(fake, studybot, clock, running, http)
    finally:
        await http.close()
        await running.stop()
        await fake.close()


def posts_with(world: SlackWorld, prefix: str) -> list[dict[str, Any]]:
    """chat.postMessage bodies carrying buttons whose action ids start with ``prefix``."""
    return [b for b in world.fake.calls_to("chat.postMessage")
            if any(a.startswith(prefix) for _, a in buttons(b))]


async def correct_option(bot: StudyBot, session_id: int, position: int) -> int:
    """The stored right option of a quiz question (what a student who knows would press)."""
    from bot.quiz.models import QuizQuestion

    async with bot.db.transaction() as session:
        return int((await session.execute(select(QuizQuestion.correct).where(
            QuizQuestion.session_id == session_id,
            QuizQuestion.position == position))).scalar_one())


async def latest_quiz(bot: StudyBot) -> int:
    from bot.quiz.models import QuizSession

    async with bot.db.transaction() as session:
        return int((await session.execute(select(func.max(QuizSession.id)))).scalar_one())
