"""Answers on Discord as the class sees them: one embed in the answer's order (heading as
title, the passage as a quote, the correction marked), Discord's own "used /ask" header for
slash commands, and a channel's private answers shared by a button, saying who asked."""

from __future__ import annotations

from typing import Any

from bot.clock import FakeClock
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.fakes.discord_harness import STUDENTS, TEACHER, DiscordBot, two_servers
from tests.fakes.discord_server import EPHEMERAL

ADA, BEN = STUDENTS[:2]
LITVINOV = "who was litvinov"
LITVINOV_FIX = '"Litvoniv"'


def embed(message: dict[str, Any]) -> dict[str, Any]:
    (only,) = message["embeds"]
    return dict(only)


def buttons(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_an_answer_is_one_embed_in_the_answers_order(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    answer = await fake.wait_response(await fake.command(
        "ask", {"question": LITVINOV}, user=ADA), timeout=20)
    assert not answer["content"]  # Discord heads it with "Ada used /ask" itself
    lead = embed(answer)
    assert lead["title"] == "Maxim Litvinov"
    first, correction = lead["description"].split("\n\n")
    assert "Commissar for Foreign Affairs" in first
    assert correction.startswith("⚠️ **Correction:** ") and LITVINOV_FIX in correction
    await fake.click(answer, "more:entry:litvinov", user=BEN)
    whole = await fake.wait_for(lambda: "From the essay" in (embed(
        fake.messages[int(answer["id"])]).get("description") or "") and fake.messages[
        int(answer["id"])])
    text = embed(whole)["description"]
    assert text.startswith(lead["description"])  # the lead, then the rest in order
    assert "**From the essay:**\n> “The career of Litvinov" in text
    assert text.rstrip().split("\n")[-1].startswith("-# Related: ")  # small print last


async def test_a_private_answer_is_shared_by_its_asker_saying_who_asked(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    refused = await fake.wait_response(await fake.command(
        "settings answers", {"mode": "private"}, user=ADA))
    assert refused["flags"] & EPHEMERAL and "only a teacher" in refused["content"]
    chosen = await fake.wait_response(await fake.command(
        "settings answers", {"mode": "private"}, user=TEACHER))
    assert chosen["flags"] & EPHEMERAL and "only to the student" in chosen["content"]
    answer = await fake.wait_response(await fake.command(
        "ask", {"question": "who was __litvinov__ @here <@&123456789012345678>"}, user=ADA),
        timeout=20)
    assert answer["flags"] & EPHEMERAL and embed(answer)["title"] == "Maxim Litvinov"
    share, seen = buttons(answer)[0], embed(answer)
    assert share.startswith("share:")
    not_hers = await fake.wait_response(await fake.click(answer, share, user=BEN))
    assert not_hers["flags"] & EPHEMERAL and "Only the student who asked" in not_hers["content"]
    shared = await fake.wait_response(await fake.click(answer, share, user=ADA))
    assert not shared["flags"] & EPHEMERAL
    assert shared["allowed_mentions"] == {"parse": []}
    assert shared["content"] == (f"<@{ADA.id}> asked: who was \\_\\_litvinov\\_\\_ @\u200bhere "
                                 "<@\u200b&123456789012345678>")  # shown as typed, no pings
    assert embed(shared) == seen  # that answer, as the asker saw it
    assert not any(b.startswith("share:") for b in buttons(shared))
    assert "Shared with the channel" in fake.messages[int(answer["id"])]["content"]
    # "More" on the shared answer shows it whole, still saying who asked
    await fake.click(shared, "more:entry:litvinov", user=BEN)
    whole = await fake.wait_for(lambda: "From the essay" in (embed(
        fake.messages[int(shared["id"])]).get("description") or "") and fake.messages[
        int(shared["id"])])
    assert whole["content"] == shared["content"]


async def test_the_setting_holds_in_the_channels_threads_and_no_other_server(
        kb: KnowledgeBase, db: Database, clock: FakeClock) -> None:
    async with two_servers(kb, db, clock) as bot:
        fake = bot.fake
        first, second = fake.guild_ids
        await fake.wait_response(await fake.command(
            "settings answers", {"mode": "private"}, user=TEACHER, guild_id=first))
        threaded = await fake.wait_response(await fake.command(
            "ask", {"question": LITVINOV}, user=ADA, channel_id=fake.open_thread(first)),
            timeout=20)
        assert threaded["flags"] & EPHEMERAL and buttons(threaded)[0].startswith("share:")
        theirs = await fake.wait_response(await fake.command(
            "ask", {"question": LITVINOV}, user=ADA, guild_id=second), timeout=20)
        assert not theirs["flags"] & EPHEMERAL and embed(theirs)["title"] == "Maxim Litvinov"
