"""Socket Mode: the bot opens a websocket (URL from ``apps.connections.open`` on the fake Web
API), takes envelopes from it and acknowledges each by its envelope id."""

from __future__ import annotations

import json
from typing import Any

from bot.app import StudyBot
from bot.clock import FakeClock
from tests.adapters.slack_helpers import STUDENTS, TEAM, slack_world


def command_envelope(envelope_id: str, user: str, text: str, response_url: str) -> dict[str, Any]:
    return {
        "envelope_id": envelope_id, "type": "slash_commands", "accepts_response_payload": True,
        "payload": {"token": "legacy", "team_id": TEAM, "team_domain": "school",
                    "channel_id": "C1", "channel_name": "history", "user_id": user,
                    "user_name": user.lower(), "command": "/study", "text": text,
                    "api_app_id": "A1", "response_url": response_url,
                    "trigger_id": "trigger.1"},
    }


async def test_a_slash_command_over_socket_mode_is_acked_and_answered(
        studybot: StudyBot, clock: FakeClock) -> None:
    # acking first, as production does: the reply follows the acknowledgement
    async with slack_world(studybot, clock, app_token="xapp-test", signing_secret="",
                           process_before_response=False) as world:
        # the HTTP port serves health and metrics only: Slack's requests come by the socket
        base = f"http://127.0.0.1:{world.running.port}"
        async with world.http.get(f"{base}/healthz") as resp:
            assert resp.status == 200 and (await resp.json())["platform"] == "connected"
        async with world.http.post(f"{base}/slack/events", data=b"{}") as resp:
            assert resp.status == 404
        assert world.fake.calls_to("apps.connections.open")
        envelope = command_envelope("env-1", STUDENTS[0], "help",
                                    world.fake.response_url("sock1"))
        ack = await world.fake.socket_send(envelope)
        assert ack == {"envelope_id": "env-1"}
        await world.fake.wait_for("response_url")
        answer = world.last("response_url")
        assert answer["response_key"] == "sock1"
        assert answer["response_type"] == "ephemeral"
        assert "Ask me anything" in answer["text"]


async def test_a_retried_event_envelope_runs_once(studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock, app_token="xapp-test") as world:
        event = json.loads(world.mention_body(STUDENTS[0], "<@UBOT>", event_id="EvSOCK"))
        for attempt in range(2):
            ack = await world.fake.socket_send({
                "envelope_id": f"env-{attempt}", "type": "events_api", "payload": event,
                "accepts_response_payload": False, "retry_attempt": attempt,
                "retry_reason": "timeout" if attempt else ""})
            assert ack["envelope_id"] == f"env-{attempt}"
        assert len(world.fake.calls_to("chat.postEphemeral")) == 1
