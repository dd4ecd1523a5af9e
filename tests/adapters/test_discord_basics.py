"""The Discord adapter against the fake Discord: start-up, registration, help, settings,
rendering, button routing and the notifier. The real discord.py client runs throughout."""

from __future__ import annotations

from typing import Any

from bot.events import Place
from bot.replies import Attachment, Choice, Reply
from tests.fakes.discord_harness import STUDENT, TEACHER, DiscordBot, start_bot
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord, FakeUser

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content


def options_of(command: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {o["name"]: o for o in command.get("options", [])}


async def test_start_up_registers_every_command_and_asks_no_privileged_intent(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    paths = [(r.method, r.path) for r in fake.requests]
    assert paths[:2] == [("GET", "/users/@me"), ("GET", "/oauth2/applications/@me")]
    assert ("PUT", f"/applications/{fake.app_id}/commands") in paths
    assert ("GET", "/gateway/bot") in paths  # the recommended shard count
    assert fake.identifies[0]["intents"] & PRIVILEGED_INTENTS == 0
    assert fake.identifies[0]["token"] == fake.token
    await fake.wait_for(lambda: fake.heartbeats)  # the first heartbeat follows HELLO at once

    commands = {c["name"]: c for c in fake.commands}
    assert sorted(commands) == sorted(["ask", "quiz", "onthisday", "timeline", "revise", "remind",
                                       "schedule", "leaderboard", "report", "settings", "privacy",
                                       "help"])
    assert all(c["contexts"] == [0] for c in commands.values())  # servers only
    assert all(c.get("default_member_permissions") is None for c in commands.values())
    quiz = options_of(commands["quiz"])
    assert sorted(quiz) == ["next", "pause", "resume", "solo", "start", "stop"]
    start = options_of(quiz["start"])
    assert list(start) == ["topic", "questions", "seconds", "pace"]
    assert start["topic"]["autocomplete"] is True
    assert (start["questions"]["min_value"], start["questions"]["max_value"]) == (1, 50)
    assert (start["seconds"]["min_value"], start["seconds"]["max_value"]) == (5, 120)
    assert [c["value"] for c in start["pace"]["choices"]] == ["auto", "teacher"]
    solo = options_of(quiz["solo"])
    assert solo["questions"]["max_value"] == 30
    schedule = options_of(commands["schedule"])
    add = options_of(schedule["add"])
    assert list(add) == ["kind", "time", "days", "timezone", "topic"]
    assert add["kind"]["required"] and add["time"]["required"]
    assert [c["value"] for c in add["kind"]["choices"]] == ["onthisday", "revision", "quiz"]
    assert add["timezone"]["autocomplete"] is True
    assert options_of(schedule["remove"])["id"]["type"] == 4
    assert list(options_of(commands["timeline"])) == ["from", "to"]
    assert list(options_of(commands["ask"])) == ["question", "private"]
    assert options_of(commands["remind"])["state"]["required"] is True
    assert [c["value"] for c in options_of(commands["leaderboard"])["period"]["choices"]] == [
        "week", "all"]
    settings = options_of(commands["settings"])
    assert options_of(settings["teacher-role"])["role"]["type"] == 8  # a Discord role picker
    assert options_of(settings["timezone"])["timezone"]["required"] is True


async def test_help_is_ephemeral_without_pings_and_differs_for_teachers(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    student = await fake.wait_response(await fake.command("help", user=STUDENT))
    teacher = await fake.wait_response(await fake.command("help", user=TEACHER))
    for message in (student, teacher):
        assert message["flags"] & EPHEMERAL
        assert message["allowed_mentions"] == {"parse": []}
        assert message["embeds"][0]["title"] == "Study bot help"
    assert "settings timezone" not in student["embeds"][0]["description"]
    assert "settings timezone" in teacher["embeds"][0]["description"]


async def test_only_managers_choose_the_teacher_role_and_its_members_become_teachers(
        discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    role = fake.teacher_role_ids[discord_bot.guild]
    refused = await fake.wait_response(
        await fake.command("settings timezone", {"timezone": "Europe/Paris"}, user=STUDENT))
    assert "only a teacher" in refused["content"]

    sneaky = await fake.wait_response(
        await fake.command("settings teacher-role", {"role": role}, user=STUDENT))
    assert "only someone who manages" in sneaky["content"]

    done = await fake.wait_response(
        await fake.command("settings teacher-role", {"role": role}, user=TEACHER))
    assert done["flags"] & EPHEMERAL and f"<@&{role}>" in done["content"]
    assert done["allowed_mentions"] == {"parse": []}  # the role is shown, never pinged

    colleague = FakeUser(7001, "Mr Reyes", STUDENT.permissions, roles=(role,))
    allowed = await fake.wait_response(
        await fake.command("settings timezone", {"timezone": "Europe/Paris"}, user=colleague))
    assert allowed["content"] == "Time zone set to Europe/Paris."
    # a teacher by role is not a server manager
    denied = await fake.wait_response(
        await fake.command("settings teacher-role", {}, user=colleague))
    assert "only someone who manages" in denied["content"]
    cleared = await fake.wait_response(await fake.command("settings teacher-role", {},
                                                          user=TEACHER))
    assert "cleared" in cleared["content"]
    again = await fake.wait_response(
        await fake.command("settings timezone", {"timezone": "Europe/Rome"}, user=colleague))
    assert "only a teacher" in again["content"]


async def test_time_zone_and_command_autocomplete(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    zones = await fake.autocomplete("settings timezone", {"timezone": "europe/lon"}, "timezone",
                                    user=TEACHER)
    assert [c["value"] for c in zones] == ["Europe/London"]
    some = await fake.autocomplete("settings timezone", {}, "timezone", user=TEACHER)
    assert len(some) == 25
    names = await fake.autocomplete("help", {"command": "sett"}, "command", user=STUDENT)
    assert {c["value"] for c in names} == {"settings retention", "settings teacher-role",
                                           "settings timezone"}


async def test_notifier_posts_edits_and_buttons_route_to_the_core(
        discord_bot: DiscordBot) -> None:
    fake, notifier = discord_bot.fake, discord_bot.studybot.notifier
    place = Place("discord", str(discord_bot.guild), str(discord_bot.channel))
    ref = await notifier.post(place, Reply(
        "Question 1: @everyone when was the pact signed?", title="Quiz",
        fields=(("Time left", "20 s"),),
        choices=(Choice("1939", "nosuch:1:a", "primary"), Choice("1941", "nosuch:1:b")),
        attachments=(Attachment("chart.png", b"\x89PNG fake"),)))
    message = fake.messages[int(ref)]
    assert message["channel_id"] == str(discord_bot.channel)
    assert message["allowed_mentions"] == {"parse": []}
    assert message["embeds"][0]["title"] == "Quiz"
    assert message["embeds"][0]["fields"][0] == {"name": "Time left", "value": "20 s",
                                                  "inline": True}
    buttons = message["components"][0]["components"]
    assert [(b["label"], b["custom_id"], b["style"]) for b in buttons] == [
        ("1939", "nosuch:1:a", 1), ("1941", "nosuch:1:b", 2)]
    assert [f[:2] for f in message["files"]] == [("chart.png", b"\x89PNG fake")]
    assert message["attachments"][0]["filename"] == "chart.png"

    await notifier.edit(place, ref, Reply("Time is up."))
    assert message["content"] == "Time is up." and message["components"] == []
    assert message["embeds"] == []

    # a click reaches the core through the DynamicItem, which answers for an unknown action
    message["components"] = [{"type": 1, "components": [
        {"type": 2, "style": 1, "label": "x", "custom_id": "nosuch:1:a"}]}]
    answer = await fake.wait_response(await fake.click(message, "nosuch:1:a", user=STUDENT))
    assert answer["flags"] & EPHEMERAL
    assert answer["content"] == "That button no longer does anything."


async def test_direct_messages_and_closed_dms(discord_bot: DiscordBot) -> None:
    fake, notifier = discord_bot.fake, discord_bot.studybot.notifier
    await notifier.send_direct("discord", str(discord_bot.guild), str(STUDENT.id),
                               Reply("3 cards are due."))
    dm = fake.dm_channels[STUDENT.id]
    assert [m["content"] for m in fake.channel_messages(dm)] == ["3 cards are due."]
    fake.inject(403, rf"/channels/{dm}/messages")
    await notifier.send_direct("discord", str(discord_bot.guild), str(STUDENT.id),
                               Reply("more due"))  # logged, not raised
    assert len(fake.channel_messages(dm)) == 1


async def test_slow_core_is_deferred_then_answered_with_the_right_visibility(
        fake_discord: FakeDiscord, discord_bot: DiscordBot) -> None:
    await discord_bot.stop()
    running = await start_bot(fake_discord, discord_bot.studybot, discord_bot.clock,
                              ack_budget=0)
    try:
        token = await fake_discord.command("help", user=STUDENT)
        message = await fake_discord.wait_response(token)
        callback = fake_discord.interactions[token].callbacks[0]
        assert callback == {"type": 5, "data": {"flags": EPHEMERAL}}
        assert message["flags"] & EPHEMERAL and message["embeds"][0]["title"] == "Study bot help"
        # guessed public (ask), the core answers privately: the public placeholder goes
        discord_bot.clock.advance(60)  # the teacher role is read afresh: the core waits
        token = await fake_discord.command("quiz next", user=STUDENT)
        message = await fake_discord.wait_response(token)
        assert fake_discord.interactions[token].callbacks[0] == {"type": 5}
        assert message["flags"] & EPHEMERAL
        original = fake_discord.messages[fake_discord.interactions[token].original_id or 0]
        assert original.get("deleted")
    finally:
        await running.stop()


async def test_topic_autocomplete_offers_the_quiz_topics(discord_bot: DiscordBot) -> None:
    from bot.quiz.bank import question_bank

    fake = discord_bot.fake
    topics = discord_bot.studybot.service(question_bank).topics()
    assert set(discord_bot.studybot.kb.topics()) <= set(topics)
    offered = await fake.autocomplete("quiz start", {"topic": ""}, "topic", user=TEACHER)
    assert [c["value"] for c in offered] == topics[:25]
    typed = topics[0][:3]
    narrowed = await fake.autocomplete("quiz solo", {"topic": typed}, "topic", user=STUDENT)
    assert narrowed and all(typed in c["value"] for c in narrowed)


async def test_a_private_reply_never_replaces_a_public_message(discord_bot: DiscordBot) -> None:
    # "rv:next" (revision) answers privately with replace=True; here it is pressed on a
    # channel post
    fake, notifier = discord_bot.fake, discord_bot.studybot.notifier
    place = Place("discord", str(discord_bot.guild), str(discord_bot.channel))
    ref = await notifier.post(place, Reply("Pick", choices=(Choice("Go", "rv:next"),)))
    token = await fake.click(fake.messages[int(ref)], "rv:next", user=STUDENT)
    answer = await fake.wait_response(token)
    assert answer["flags"] & EPHEMERAL and answer["id"] != ref
    assert fake.messages[int(ref)]["content"] == "Pick"  # the class's message is untouched
