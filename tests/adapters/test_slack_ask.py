"""Asking on Slack: ``/study ask`` answers in the channel, a mention answers in a thread."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from tests.adapters.slack_helpers import STUDENTS, SlackWorld, buttons, slack_world

S1, S2 = STUDENTS[:2]
PACT = "when was the nazi-soviet pact signed?"


@pytest.fixture
async def world(studybot: StudyBot, clock: FakeClock) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock) as w:
        yield w


async def test_ask_answers_in_the_channel_from_the_knowledge_base(world: SlackWorld) -> None:
    await world.command(S1, f"ask {PACT}")
    answer = world.last("chat.postMessage")
    assert answer["channel"] == "C1" and "1939" in answer["text"]
    more, *related = [a for _, a in buttons(answer)]
    assert more == "more:entry:nazi-soviet-pact" and "From the essay" not in answer["text"]
    assert related and all(a.startswith("ask:") for a in related)
    world.fake.clear()  # a related entry's button opens that entry's answer, for everyone
    await world.click(S2, related[0], ts="1700000000.000001")
    opened = world.last("chat.postMessage")
    assert opened["channel"] == "C1" and opened["text"] != answer["text"]
    world.fake.clear()  # "More" shows the whole answer in place of the short one
    await world.click(S2, more, ts="1700000000.000001")
    whole = world.last("chat.update")
    assert whole["ts"] == "1700000000.000001" and "From the essay" in whole["text"]


async def test_a_mention_is_answered_in_a_thread(world: SlackWorld) -> None:
    await world.mention(S1, f"<@UBOT> {PACT}")
    answer = world.last("chat.postMessage")
    assert answer["thread_ts"].startswith("1699999999.")
    assert "1939" in answer["text"] and "UBOT" not in answer["text"]


async def test_a_mention_inside_a_thread_stays_in_that_thread(world: SlackWorld) -> None:
    await world.mention(S1, f"<@UBOT> {PACT}", thread_ts="1699999000.000001")
    assert world.last("chat.postMessage")["thread_ts"] == "1699999000.000001"


async def test_a_question_outside_the_essay_is_not_answered_with_a_guess(
        world: SlackWorld) -> None:
    await world.command(S1, "ask what is the airspeed velocity of an unladen swallow")
    assert "1939" not in " ".join(world.texts())


async def test_ask_with_nothing_to_ask_is_private(world: SlackWorld) -> None:
    await world.command(S1, "ask")
    assert world.last("response_url")["response_type"] == "ephemeral"
    assert not world.fake.calls_to("chat.postMessage")


async def test_a_hostile_question_cannot_ping_the_channel(world: SlackWorld) -> None:
    await world.command(S1, "ask &lt;!channel&gt; <!here> when was the pact?")
    for body in world.fake.posted():
        for text in (body.get("text", ""), str(body.get("blocks", ""))):
            assert "<!channel>" not in text and "<!here>" not in text


async def test_a_public_reply_where_the_bot_may_not_post_goes_through_the_command(
        world: SlackWorld) -> None:
    world.fake.errors["chat.postMessage"] = "not_in_channel"
    await world.command(S1, f"ask {PACT}", channel="G1")
    answer = world.last("response_url")
    assert answer["response_type"] == "in_channel" and "1939" in answer["text"]
