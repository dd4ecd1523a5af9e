"""Malformed requests to the Slack endpoint: 401 when they are not Slack's, 400 when they are
signed but not something Slack sends; never a 500, one log line each, nothing done."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator
from urllib.parse import urlencode

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from tests.adapters.slack_helpers import STUDENTS, TEAM, SlackWorld, slack_world

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
S1 = STUDENTS[0]


@pytest.fixture(params=[True, False], ids=["answer-after", "ack-first"])
async def world(studybot: StudyBot, clock: FakeClock,
                request: pytest.FixtureRequest) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock, process_before_response=request.param) as w:
        yield w


def event(**fields: object) -> str:
    body: dict[str, object] = {"token": "t", "team_id": TEAM, "api_app_id": "A1",
                               "type": "event_callback", "event_id": "Ev1",
                               "event_time": int(time.time()),
                               "event": {"type": "app_mention", "user": S1, "text": "hi",
                                         "channel": "C1", "ts": "1.1"}}
    body.update(fields)
    return json.dumps(body)


def click(**payload_fields: object) -> str:
    payload: dict[str, object] = {
        "type": "block_actions", "user": {"id": S1, "team_id": TEAM},
        "team": {"id": TEAM}, "container": {"channel_id": "C1", "message_ts": "1.1"},
        "channel": {"id": "C1"}, "response_url": "http://127.0.0.1:1/r",
        "actions": [{"action_id": "ask:munich-agreement", "type": "button"}]}
    payload.update(payload_fields)
    return urlencode({"payload": json.dumps(payload)})


SIGNED_BUT_MALFORMED = {
    "not JSON": ("{not json", JSON),
    "a JSON list": ("[1, 2, 3]", JSON),
    "a JSON string": ('"event_callback"', JSON),
    "payload not JSON": ("payload=%7Bnot", FORM),
    "payload a list": (urlencode({"payload": "[]"}), FORM),
    "event a string": (event(event="app_mention"), JSON),
    "event user a number": (event(event={"type": "app_mention", "user": 5, "text": "hi",
                                         "channel": "C1", "ts": "1.1"}), JSON),
    "event text a list": (event(event={"type": "app_mention", "user": S1, "text": ["x"],
                                       "channel": "C1", "ts": "1.1"}), JSON),
    "event_id a number": (event(event_id=7), JSON),
    "team_id a list": (event(team_id=["T1"]), JSON),
    "type a number": (event(type=3), JSON),
    "click user a string": (click(user=S1), FORM),
    "click actions a dict": (click(actions={"action_id": "x"}), FORM),
    "click action_id a number": (click(actions=[{"action_id": 5}]), FORM),
    "click container a list": (click(container=[]), FORM),
    "click team a string": (click(team=TEAM), FORM),
    "command without user": (urlencode({"command": "/study", "text": "help",
                                        "team_id": TEAM, "channel_id": "C1"}), FORM),
    "url check without challenge": (json.dumps({"type": "url_verification"}), JSON),
}


@pytest.mark.parametrize("case", sorted(SIGNED_BUT_MALFORMED))
async def test_signed_but_malformed_requests_get_400(world: SlackWorld, case: str,
                                                     caplog: pytest.LogCaptureFixture) -> None:
    body, content_type = SIGNED_BUT_MALFORMED[case]
    caplog.set_level(logging.INFO)
    status, _ = await world.send(body, content_type)
    assert status == 400, case
    assert world.fake.posted() == []
    refused = [r for r in caplog.records if "Slack request refused" in r.getMessage()]
    assert len(refused) == 1 and refused[0].exc_info is None
    assert not [r for r in caplog.records if r.exc_info]


@pytest.mark.parametrize("timestamp", ["soon", "", "1e9", "١٧٠٠٠٠٠٠٠٠", "-5", "9" * 40])
async def test_a_bad_timestamp_header_gets_401_before_anything_else(
        world: SlackWorld, timestamp: str, caplog: pytest.LogCaptureFixture) -> None:
    async with world.http.post(world.url, data=b"{}", headers={
            "content-type": JSON, "x-slack-request-timestamp": timestamp,
            "x-slack-signature": "v0=00"}) as resp:
        assert resp.status == 401
    assert not [r for r in caplog.records if r.exc_info]


async def test_refusals_are_logged_once_a_minute_not_once_a_request(
        world: SlackWorld, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    for _ in range(50):
        async with world.http.post(world.url, data=b"x", headers={
                "x-slack-request-timestamp": "nope", "x-slack-signature": "v0=00"}) as resp:
            assert resp.status == 401
    assert len([r for r in caplog.records if "Slack request refused" in r.getMessage()]) == 1


async def test_well_formed_requests_still_work(world: SlackWorld) -> None:
    assert await world.command(S1, "help") == 200
    assert await world.mention(S1, "<@UBOT> when was munich?") == 200
