"""Answers laid out for Slack and Discord from their parts: every answer the shipped pack
gives fits both platforms' limits with its correction kept, and an answer far longer than any
the pack gives is cut in its small print, never in its correction, while the plain fallback
stays whole."""

from __future__ import annotations

import re
from typing import Any

import pytest

from adapters.discord.render import MAX_EMBED, answer_embed, send_kwargs
from adapters.slack.render import blocks, fallback_text
from bot.answering.answer import CLOSEST
from bot.answering.engine import AnswerEngine
from bot.answering.respond import open_view
from bot.commands.ask import short_reply
from bot.replies import Asked, Part, Reply, plain_parts
from knowledge.loader import KnowledgeBase

FIX = "The essay gives 1938; it was 1939."


def slack_problems(rendered: list[dict[str, Any]]) -> list[str]:
    """Every way a message's blocks break Slack's limits."""
    found = [f"{len(rendered)} blocks"] if len(rendered) > 50 else []
    for block in rendered:
        if block["type"] == "header" and len(block["text"]["text"]) > 150:
            found.append("header over 150")
        if block["type"] == "section" and not 0 < len(block["text"]["text"]) <= 3000:
            found.append("section text over 3000")
        if block["type"] == "context":
            elements = block["elements"]
            if len(elements) > 10 or any(not 0 < len(e["text"]) <= 3000 for e in elements):
                found.append("context over its limits")
    return found


def corrections_shown(rendered: list[dict[str, Any]]) -> str:
    return " ".join(e["text"] for b in rendered if b["type"] == "context"
                    and b.get("block_id", "").startswith("correction") for e in b["elements"])


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine.for_knowledge(kb)


def test_every_entrys_answer_fits_both_platforms_with_its_correction(
        engine: AnswerEngine) -> None:
    for entry_id, entry in engine.by_id.items():
        whole = open_view(engine, f"entry:{entry_id}")
        assert whole is not None
        for reply in (short_reply(whole), Reply(whole.text, parts=whole.parts)):
            rendered = blocks(reply)
            assert slack_problems(rendered) == [], entry_id
            embed = answer_embed(reply)
            assert len(embed) <= MAX_EMBED and len(embed.description or "") <= 4096
            assert reply.text in fallback_text(reply)  # the plain answer, whole
            notes = [p.text for p in reply.parts if p.kind == "correction"]
            assert bool(notes) == bool(entry.note), entry_id
            for note in notes:
                assert note[:60] in corrections_shown(rendered), entry_id
                assert f"**Correction:** {note}" in (embed.description or ""), entry_id


def test_an_answer_far_past_the_limits_loses_small_print_never_its_correction() -> None:
    parts = (Part("heading", "H" * 200),  # too long for a header: a bold section instead
             Part("text", "word " * 2000),  # 10,000 characters: several sections
             *(Part("item", f"point {n}") for n in range(80)),
             *(Part("context", f"Source {n}") for n in range(60)),
             Part("quote", "passage " * 50),
             Part("correction", FIX))
    reply = Reply(plain_parts(parts), parts=parts, asked=Asked("U123", "what?"))
    rendered = blocks(reply)
    assert slack_problems(rendered) == []
    assert len(rendered) == 50 and rendered[0]["block_id"] == "asked"
    assert rendered[1] == {"type": "section", "text": {"type": "mrkdwn", "text": f"*{'H' * 200}*"}}
    assert FIX in corrections_shown(rendered)
    assert rendered[-1]["text"]["text"] == "…"  # says something was left out
    text = fallback_text(reply)
    assert text.startswith("<@U123> asked: what?\n") and FIX in text and "Source 59" in text
    embed = answer_embed(reply)
    assert len(embed) <= MAX_EMBED and len(embed.description or "") <= 4096
    assert (embed.description or "").endswith(f"⚠️ **Correction:** {FIX}\n\n…")
    assert embed.title == "H" * 200


def test_small_print_before_the_heading_stands_above_the_title_on_discord() -> None:
    parts = (Part("context", CLOSEST), Part("heading", "Maxim Litvinov"),
             Part("text", "Soviet Commissar for Foreign Affairs."))
    embed = answer_embed(Reply(plain_parts(parts), parts=parts))
    assert embed.author.name == CLOSEST and embed.title == "Maxim Litvinov"
    assert embed.description == "Soviet Commissar for Foreign Affairs."


def test_only_a_real_user_id_becomes_a_mention() -> None:
    for odd in ("U1> <!channel", "@here", "<@U999>", "<@&12345678901234567>"):
        reply = Reply("An answer.", parts=(Part("text", "An answer."),), asked=Asked(odd, "q"))
        assert "<!" not in fallback_text(reply) and "<@" not in fallback_text(reply)
        content = send_kwargs(reply)["content"] or ""
        assert not re.search(r"<@[!&]?\d|@here|@everyone", content), content
    for asker, slack, discord in (("U0123ABC", "<@U0123ABC>", "U0123ABC"),
                                  ("123456789012345678", "123456789012345678",
                                   "<@123456789012345678>")):
        reply = Reply("An answer.", parts=(Part("text", "An answer."),), asked=Asked(asker, "q"))
        assert fallback_text(reply).startswith(f"{slack} asked: q\n")
        assert send_kwargs(reply)["content"] == f"{discord} asked: q"
