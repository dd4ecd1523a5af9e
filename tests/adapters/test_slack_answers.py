"""Answers on Slack as the class sees them: who asked what, the answer laid out in Block Kit
with its complete plain fallback, and a channel's choice of private answers with a button
that shares one. Every check reads the payloads the bot posted to the fake Slack."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from tests.adapters.slack_helpers import (
    STUDENTS,
    TEACHER,
    SlackWorld,
    blocks_of,
    buttons,
    slack_world,
)

S1, S2 = STUDENTS[:2]
LITVINOV = "who was litvinov"
#: Words of Litvinov's correction note (the essay misspells his name).
LITVINOV_FIX = '"Litvoniv"'
TS = "1700000000.000001"


@pytest.fixture
async def world(studybot: StudyBot, clock: FakeClock) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock) as w:
        yield w


def kinds(body: dict[str, Any]) -> list[str]:
    """The block types of a message, in order, with the blocks the bot names by id."""
    return [b.get("block_id", b["type"]).split("-")[0] for b in blocks_of(body)]


def shown(body: dict[str, Any]) -> str:
    """Every text a message's blocks show, in order."""
    texts = []
    for block in blocks_of(body):
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [e["text"] if isinstance(e["text"], str) else e["text"]["text"]
                  for e in block.get("elements", []) if "text" in e]
    return "\n".join(texts)


def mentions(text: str) -> list[str]:
    """Every piece of Slack markup that could notify someone."""
    return re.findall(r"<[!@][^>]*>", text)


async def test_a_public_answer_says_who_asked_what_then_the_answer_in_blocks(
        world: SlackWorld) -> None:
    await world.command(S1, f"ask {LITVINOV}")
    answer = world.last("chat.postMessage")
    assert answer["text"].startswith(f"<@{S1}> asked: {LITVINOV}\n")
    assert kinds(answer) == ["asked", "header", "section", "correction", "actions"]
    asked, header, section, correction, _ = blocks_of(answer)
    assert asked["elements"][0]["text"] == f"<@{S1}> asked: {LITVINOV}"
    assert header["text"] == {"type": "plain_text", "text": "Maxim Litvinov"}
    assert "Commissar for Foreign Affairs" in section["text"]["text"]
    assert correction["type"] == "context"
    assert correction["elements"][0]["text"].startswith(":warning: *Correction:* ")
    assert LITVINOV_FIX in correction["elements"][0]["text"]
    assert LITVINOV_FIX in answer["text"]  # the fallback has the correction too
    assert buttons(answer)[0][1] == "more:entry:litvinov"


async def test_more_keeps_who_asked_and_shows_the_passage_as_a_quote(world: SlackWorld) -> None:
    await world.command(S1, f"ask {LITVINOV}")
    answer = world.last("chat.postMessage")
    await world.click(S2, "more:entry:litvinov", ts=TS, posted=answer)
    whole = world.last("chat.update")
    assert kinds(whole)[:4] == ["asked", "header", "section", "correction"]
    assert whole["text"].startswith(f"<@{S1}> asked: {LITVINOV}\n")
    quote = next(b for b in blocks_of(whole) if "From the essay" in shown({"blocks": [b]}))
    assert quote["type"] == "section"
    lines = quote["text"]["text"].split("\n")
    assert lines[0] == "*From the essay:*" and all(line.startswith(">") for line in lines[1:])
    assert "yes men" in quote["text"]["text"]
    assert kinds(whole)[-2:] == ["context", "actions"]  # "Related: ...", then its buttons
    # the fallback is the whole answer: the passage and the correction included
    assert 'From the essay: "The career of Litvinov' in whole["text"]
    assert f"Correction: The essay once spells his name {LITVINOV_FIX}" in whole["text"]


async def test_a_hostile_question_is_repeated_escaped_and_pings_no_one(world: SlackWorld) -> None:
    # as Slack sends what was typed: mentions as markup, a typed "&" and "<" as entities
    await world.command(S1, "ask <!channel> <@U999> &amp; &lt;!here&gt; who was litvinov")
    answer = world.last("chat.postMessage")
    line = blocks_of(answer)[0]["elements"][0]
    assert line["text"] == (f"<@{S1}> asked: @channel @U999 &amp; &lt;!here&gt; "
                            "who was litvinov")
    assert line["verbatim"] is True  # nothing in the student's words becomes a link
    assert answer["text"].startswith(line["text"] + "\n")
    assert mentions(answer["text"]) == [f"<@{S1}>"]
    assert mentions(shown(answer)) == [f"<@{S1}>"]


async def test_a_list_answer_is_a_bulleted_section(world: SlackWorld) -> None:
    await world.command(S1, "ask what are the arguments that foreign policy was consistent")
    answer = world.last("chat.postMessage")
    assert kinds(answer)[:2] == ["asked", "header"]
    listed = [b["text"]["text"] for b in blocks_of(answer) if b["type"] == "section"]
    assert any(text.startswith("• ") and text.count("\n• ") >= 2 for text in listed)


async def test_a_mention_gets_the_same_layout_in_its_thread_without_repeating_the_question(
        world: SlackWorld) -> None:
    await world.mention(S1, f"<@UBOT> {LITVINOV}")
    answer = world.last("chat.postMessage")
    assert answer["thread_ts"].startswith("1699999999.")
    assert kinds(answer) == ["header", "section", "correction", "actions"]
    assert "asked:" not in answer["text"] and mentions(answer["text"]) == []


async def test_the_scheduled_on_this_day_post_has_the_same_layout(world: SlackWorld) -> None:
    world.clock.set(datetime(2026, 8, 23, 8, 0, tzinfo=UTC))  # 09:00 in London
    await world.command(TEACHER, "schedule add onthisday 09:30 daily", channel="C7")
    world.fake.clear()
    world.clock.advance(minutes=31)
    await world.studybot.tick()
    post = world.last("chat.postMessage")
    assert post["channel"] == "C7"
    assert kinds(post)[:3] == ["header", "section", "section"]
    header, text, quote = blocks_of(post)[:3]
    assert header["text"]["text"] == "On this day: 23 August"
    assert text["text"]["text"].startswith("On 23 August 1939, 87 years ago today: "
                                           "*Nazi-Soviet Pact")
    assert quote["text"]["text"].startswith("*From the essay:*\n>")
    assert 'From the essay: "' in post["text"]


# --- private answers and the share button ---------------------------------------------------

async def make_private(world: SlackWorld, channel: str = "C1") -> None:
    await world.command(TEACHER, "settings answers private", channel=channel)
    confirmed = world.last("response_url")
    assert confirmed["response_type"] == "ephemeral" and "only to the student" in confirmed["text"]
    world.fake.clear()


async def private_answer(world: SlackWorld, user: str = S1, channel: str = "C1"
                         ) -> tuple[dict[str, Any], str]:
    await world.command(user, f"ask {LITVINOV}", channel=channel)
    assert not world.fake.calls_to("chat.postMessage")
    answer = world.last("response_url")
    assert answer["response_type"] == "ephemeral"
    (label, share), *_ = buttons(answer)
    assert label == "Share with the channel" and share.startswith("share:")
    return answer, share


async def test_a_private_answer_is_shared_once_by_its_asker_saying_who_asked(
        world: SlackWorld) -> None:
    await make_private(world)
    answer, share = await private_answer(world)
    assert kinds(answer) == ["header", "section", "correction", "actions"]
    assert "asked:" not in answer["text"]
    await world.click(S2, share, ts=TS, ephemeral=True)  # another student, a forged press
    assert "Only the student who asked" in world.last("response_url")["text"]
    await world.click(S1, share, ts=TS, ephemeral=True, channel="C2")  # another channel
    assert "can no longer be shared" in world.last("response_url")["text"]
    assert not world.fake.calls_to("chat.postMessage")
    await world.click(S1, share, ts=TS, ephemeral=True, response_key="share1")
    posted = world.last("chat.postMessage")
    assert posted["channel"] == "C1"
    assert posted["text"].startswith(f"<@{S1}> asked: {LITVINOV}\n")
    assert kinds(posted) == ["asked", "header", "section", "correction", "actions"]
    assert shown(posted).replace(shown({"blocks": blocks_of(posted)[:1]}) + "\n", "") \
        == shown(answer).replace("Share with the channel\n", "")  # that answer, as shown
    assert "share:" not in str(buttons(posted))
    note = [r for r in world.fake.calls_to("response_url") if r["response_key"] == "share1"]
    assert note[-1]["replace_original"] is True and "Shared with the channel" in note[-1]["text"]
    world.fake.clear()
    await world.click(S1, share, ts=TS, ephemeral=True)  # a second press posts nothing
    assert "already shared" in world.last("response_url")["text"]
    assert not world.fake.calls_to("chat.postMessage")


async def test_buttons_on_a_private_answer_answer_privately(world: SlackWorld) -> None:
    await make_private(world)
    answer, _ = await private_answer(world)
    related = next(a for _, a in buttons(answer) if a.startswith("ask:"))
    await world.click(S1, related, ts=TS, ephemeral=True)
    assert not world.fake.calls_to("chat.postMessage")
    assert world.last("response_url")["response_type"] == "ephemeral"


async def test_a_mention_in_a_private_channel_is_answered_to_the_asker_in_its_thread(
        world: SlackWorld) -> None:
    await make_private(world)
    await world.mention(S1, f"<@UBOT> {LITVINOV}", thread_ts="1699999000.000001")
    assert not world.fake.calls_to("chat.postMessage")
    answer = world.last("chat.postEphemeral")
    assert answer["user"] == S1 and answer["thread_ts"] == "1699999000.000001"
    assert buttons(answer)[0][0] == "Share with the channel"


async def test_only_teachers_choose_and_the_choice_is_the_channels_alone(
        world: SlackWorld) -> None:
    await world.command(S1, "settings answers private")
    assert "only a teacher" in world.last("response_url")["text"]
    await world.command(S1, f"ask {LITVINOV}")
    assert world.last("chat.postMessage")["text"].startswith(f"<@{S1}> asked:")
    await make_private(world, "C1")
    await world.command(S2, f"ask {LITVINOV}", channel="C2")  # another channel: still public
    assert world.last("chat.postMessage")["channel"] == "C2"
    world.fake.clear()
    await world.command(S2, f"ask {LITVINOV}", channel="C1", team="T2")  # another workspace
    assert world.last("chat.postMessage")["text"].startswith(f"<@{S2}> asked:")
    world.fake.clear()
    await private_answer(world, S2, "C1")  # the same channel id in this workspace: private
    await world.command(TEACHER, "settings answers public", channel="C1")
    assert "posted for everyone" in world.last("response_url")["text"]
    await world.command(S2, f"ask {LITVINOV}", channel="C1")
    assert world.last("chat.postMessage")["text"].startswith(f"<@{S2}> asked:")
