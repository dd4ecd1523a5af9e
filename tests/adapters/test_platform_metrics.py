"""Failures and retries on each chat platform, as counted on ``/metrics``."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Place
from bot.replies import Reply
from tests.adapters.slack_helpers import slack_world
from tests.fakes.discord_harness import DiscordBot


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_discord_rate_limits_and_server_errors_are_counted(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    place = Place("discord", str(discord_bot.guild), str(discord_bot.channel))
    limited = sample("studybot_platform_retries_total", platform="discord", kind="rate_limited")
    errors = sample("studybot_platform_errors_total", platform="discord", kind="server_error")
    fake.inject(429, rf"/channels/{discord_bot.channel}/messages$", times=2, retry_after=0.01)
    fake.inject(502, rf"/channels/{discord_bot.channel}/messages$", times=1)
    await discord_bot.studybot.notifier.post(place, Reply("Q1"))
    assert sample("studybot_platform_retries_total", platform="discord",
                  kind="rate_limited") == limited + 2
    assert sample("studybot_platform_errors_total", platform="discord",
                  kind="server_error") == errors + 1


async def test_slack_errors_are_counted_by_their_code(studybot: StudyBot,
                                                      clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        before = sample("studybot_platform_errors_total", platform="slack",
                        kind="channel_not_found")
        world.fake.errors["chat.postMessage"] = "channel_not_found"
        with pytest.raises(Exception, match="channel_not_found"):
            await studybot.notifier.post(Place("slack", "T1", "C404"), Reply("hello"))
        assert sample("studybot_platform_errors_total", platform="slack",
                      kind="channel_not_found") == before + 1
