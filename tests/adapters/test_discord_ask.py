"""Questions on Discord: public answers with their source, private ones on request, the
"related" buttons, and nothing a student types can ping anyone."""

from __future__ import annotations

from typing import Any

import pytest

pytest.importorskip("bot.commands.ask", reason="answering has not landed on this branch yet")

from tests.fakes.discord_harness import STUDENTS, DiscordBot
from tests.fakes.discord_server import EPHEMERAL


def text_of(message: dict[str, Any]) -> str:
    return message["content"] or "\n".join(e.get("description") or "" for e in message["embeds"])


def buttons(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def test_an_answer_is_public_with_its_source_and_related_buttons(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    ada, ben = STUDENTS[:2]
    answer = await fake.wait_response(await fake.command(
        "ask", {"question": "When was the Nazi-Soviet Pact signed?"}, user=ada), timeout=20)
    assert not answer["flags"] & EPHEMERAL
    assert "1939" in text_of(answer) and "From the essay" not in text_of(answer)
    more, *related = buttons(answer)
    assert more == "more:entry:nazi-soviet-pact"
    assert related and all(b.startswith("ask:") for b in related)
    # anyone in the class can open a related entry from the answer
    opened = await fake.wait_response(await fake.click(answer, related[0], user=ben))
    assert text_of(opened) and opened["allowed_mentions"] == {"parse": []}
    # "More" shows the whole answer in place of the short one, the essay passage included
    await fake.click(answer, more, user=ben)
    whole = await fake.wait_for(lambda: "From the essay" in text_of(
        fake.messages[int(answer["id"])]) and fake.messages[int(answer["id"])])
    assert text_of(whole).startswith(text_of(answer).splitlines()[0])
    assert "more:entry:nazi-soviet-pact" not in buttons(whole)


async def test_a_private_question_gets_a_private_answer(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    answer = await fake.wait_response(await fake.command(
        "ask", {"question": "Who was Litvinov?", "private": True}, user=STUDENTS[2]), timeout=20)
    assert answer["flags"] & EPHEMERAL and text_of(answer)


async def test_what_a_student_types_never_pings(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    answer = await fake.wait_response(await fake.command(
        "ask", {"question": "@everyone <@&123> why did the purges happen?"}, user=STUDENTS[0]),
        timeout=20)
    assert answer["allowed_mentions"] == {"parse": []}
