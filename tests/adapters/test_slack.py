"""The Slack adapter end to end: signed requests through the bot's real HTTP server, the real
slack-bolt listeners, and the fake Web API recording what the bot sends back."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator

import pytest

from adapters.slack.render import blocks, mrkdwn
from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Place
from bot.replies import Attachment, Choice, Reply
from bot.storage.tenants import get_tenant
from tests.adapters.slack_helpers import (
    SECRET,
    STUDENTS,
    TEACHER,
    TEAM,
    SlackWorld,
    buttons,
    slack_world,
)

STUDENT = STUDENTS[0]
FORM = "application/x-www-form-urlencoded"


@pytest.fixture
async def world(studybot: StudyBot, clock: FakeClock) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock) as w:
        yield w


# -- requests and signatures --------------------------------------------------------------

async def test_a_signed_command_is_answered_privately_through_its_response_url(
        world: SlackWorld) -> None:
    assert await world.command(STUDENT, "help") == 200
    answer = world.last("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "Ask me anything" in answer["text"]
    assert "/study" in answer["text"]  # says how Slack types the commands


@pytest.mark.parametrize("how", ["wrong secret", "stale", "tampered"])
async def test_bad_or_stale_signatures_get_401_and_do_nothing(world: SlackWorld,
                                                              how: str) -> None:
    body = world.command_body(STUDENT, "help")
    if how == "wrong secret":
        status, _ = await world.send(body, FORM, secret="not-the-secret")
    elif how == "stale":
        status, _ = await world.send(body, FORM, timestamp=int(time.time()) - 10 * 60)
    else:
        ts = str(int(time.time()))
        from slack_sdk.signature import SignatureVerifier
        signature = SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body)
        async with world.http.post(world.url, data=body.replace("help", "quiz").encode(),
                                   headers={"content-type": FORM,
                                            "x-slack-request-timestamp": ts,
                                            "x-slack-signature": signature}) as resp:
            status = resp.status
    assert status == 401
    assert world.fake.posted() == []


async def test_health_endpoint_reports_the_database(world: SlackWorld) -> None:
    url = f"http://127.0.0.1:{world.running.port}/healthz"
    async with world.http.get(url) as resp:
        assert resp.status == 200
        assert (await resp.json())["ok"] is True


async def test_a_retried_event_is_processed_once(world: SlackWorld) -> None:
    body = world.mention_body(STUDENT, "<@UBOT>", event_id="Ev0RETRY")
    assert (await world.send(body, "application/json"))[0] == 200
    retry = {"x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout"}
    assert (await world.send(body, "application/json", headers=retry))[0] == 200
    assert len(world.fake.calls_to("chat.postEphemeral")) == 1


# -- /study help and parsing --------------------------------------------------------------

async def test_help_lists_teacher_commands_only_to_teachers(world: SlackWorld) -> None:
    await world.command(STUDENT, "help")
    student_help = world.last("response_url")["text"]
    await world.command(TEACHER, "")
    teacher_help = world.last("response_url")["text"]
    assert "settings timezone" in teacher_help
    assert "settings timezone" not in student_help
    # every command as Slack takes it: after /study, never a bare `help` or a lone slash
    assert "`/study quiz solo [topic] [questions]`" in student_help
    assert "`/help" not in student_help and "`/quiz" not in student_help


async def test_help_for_one_command(world: SlackWorld) -> None:
    await world.command(STUDENT, "help settings timezone")
    text = world.last("response_url")["text"]
    assert "settings timezone" in text and "IANA" in text


async def test_an_unknown_subcommand_gets_help_privately(world: SlackWorld) -> None:
    await world.command(STUDENT, "settings frobnicate")
    answer = world.last("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "settings teacher-role" in answer["text"]  # the help for the settings family
    assert "settings timezone" in answer["text"]
    await world.command(STUDENT, "dance")
    assert "Unknown command `dance`. Type `/study help` for the list." in world.last(
        "response_url")["text"]


async def test_a_malformed_subcommand_gets_that_commands_help(world: SlackWorld) -> None:
    await world.command(TEACHER, "settings timezone")  # missing its value
    answer = world.last("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "needs `timezone`" in answer["text"]
    assert "IANA time zone" in answer["text"]  # the option's help
    await world.command(TEACHER, "settings timezone Europe/Paris extra words")
    assert "Too many values" in world.last("response_url")["text"]


# -- teachers and managers ----------------------------------------------------------------

async def tenant_setting(world: SlackWorld) -> tuple[str, str | None]:
    async with world.studybot.db.transaction() as session:
        tenant = await get_tenant(session, f"slack:{TEAM}", world.clock.now())
        return tenant.timezone, tenant.teacher_role


async def test_a_student_cannot_do_a_teachers_job(world: SlackWorld) -> None:
    await world.command(STUDENT, "settings timezone Europe/Paris")
    assert "only a teacher" in world.last("response_url")["text"]
    assert (await tenant_setting(world))[0] == "Europe/London"
    await world.command(TEACHER, "settings timezone Europe/Paris")
    assert "Europe/Paris" in world.last("response_url")["text"]
    assert (await tenant_setting(world))[0] == "Europe/Paris"


async def test_the_configured_user_group_makes_teachers(world: SlackWorld) -> None:
    world.fake.groups["S0TEACH"] = [STUDENTS[1]]
    await world.command(STUDENTS[1], "settings timezone Europe/Paris")
    assert "only a teacher" in world.last("response_url")["text"]
    # a workspace admin picks the group as Slack sends it: an escaped group mention
    await world.command(TEACHER, "settings teacher-role <!subteam^S0TEACH|@teachers>")
    assert (await tenant_setting(world))[1] == "S0TEACH"
    await world.command(STUDENTS[1], "settings timezone Europe/Paris")
    assert "Time zone set" in world.last("response_url")["text"]
    await world.command(STUDENTS[2], "settings timezone Europe/Rome")
    assert "only a teacher" in world.last("response_url")["text"]


async def test_only_admins_choose_the_teacher_group(world: SlackWorld) -> None:
    world.fake.groups["S0TEACH"] = [STUDENT]
    await world.command(STUDENT, "settings teacher-role S0TEACH")
    assert "only someone who manages" in world.last("response_url")["text"]
    assert (await tenant_setting(world))[1] is None


async def test_listed_user_ids_and_the_env_group_make_teachers(
        studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock, teacher_ids=frozenset({"US2"}),
                           teacher_group="S0ENV") as world:
        world.fake.groups["S0ENV"] = ["US3"]
        for user in ("US2", "US3"):
            await world.command(user, "settings timezone Asia/Tokyo")
            assert "Time zone set" in world.last("response_url")["text"]
        await world.command("US1", "settings timezone Asia/Tokyo")
        assert "only a teacher" in world.last("response_url")["text"]


async def test_users_info_is_cached_briefly(world: SlackWorld) -> None:
    for _ in range(3):
        await world.command(STUDENT, "help")
    assert len([c for c in world.fake.calls_to("users.info") if c["user"] == STUDENT]) == 1
    world.clock.advance(minutes=5)
    await world.command(STUDENT, "help")
    assert len([c for c in world.fake.calls_to("users.info") if c["user"] == STUDENT]) == 2


# -- mentions and buttons -----------------------------------------------------------------

async def test_an_empty_mention_gets_help_in_the_thread(world: SlackWorld) -> None:
    await world.mention(STUDENT, "<@UBOT>")
    answer = world.last("chat.postEphemeral")
    assert answer["user"] == STUDENT and answer["channel"] == "C1"
    assert answer["thread_ts"].startswith("1699999999.")
    assert "/study" in answer["text"]


async def test_every_button_is_routed_to_the_core(world: SlackWorld) -> None:
    await world.click(STUDENT, "gone:1:2", ts="1700000000.000001")
    answer = world.last("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "no longer does anything" in answer["text"]


# -- rendering, escaping, the notifier ----------------------------------------------------

def test_user_text_cannot_ping_the_channel() -> None:
    hostile = "<!channel> <!here|here> <!everyone> <@U123> & <https://evil.example|click>"
    text = mrkdwn(f"You asked: {hostile}")
    assert "<" not in text and ">" not in text
    assert "&lt;!channel&gt;" in text and "&amp;" in text


def test_channel_links_stay_links_but_nothing_else_does() -> None:
    assert mrkdwn("posts in <#C0123ABC>") == "posts in <#C0123ABC>"
    assert mrkdwn("<#C0123ABC|x> <!channel|#C1>") == "&lt;#C0123ABC|x&gt; &lt;!channel|#C1&gt;"


def test_markdown_ish_core_text_becomes_mrkdwn() -> None:
    assert mrkdwn("**Munich** and `quiz start` and *bold*") == (
        "*Munich* and `quiz start` and *bold*")
    assert mrkdwn("Type `/help`, `/report 3` or `/quiz solo`; `/invite @studybot` first.") == (
        "Type `/study help`, `/study report 3` or `/study quiz solo`; "
        "`/invite @studybot` first.")
    assert mrkdwn("# Results\nline") == "*Results*\nline"


def test_replies_become_block_kit_with_the_cores_action_ids() -> None:
    reply = Reply("Which year?", choices=(Choice("1938", "quiz:7:0", "primary"),
                                          Choice("1939 <!here>", "quiz:7:1")),
                  title="Question 1", fields=(("Time", "20 s"),))
    rendered = blocks(reply)
    assert [b["type"] for b in rendered] == ["header", "section", "section", "actions"]
    elements = rendered[-1]["elements"]
    assert [e["action_id"] for e in elements] == ["quiz:7:0", "quiz:7:1"]
    assert elements[0]["style"] == "primary" and "style" not in elements[1]
    assert elements[1]["text"]["type"] == "plain_text"  # plain text is never parsed


def test_long_text_is_split_within_slacks_limits() -> None:
    rendered = blocks(Reply("\n".join(["x" * 900] * 10)))
    assert len(rendered) >= 4
    assert all(len(b["text"]["text"]) <= 3000 for b in rendered)


async def test_a_hostile_command_is_escaped_when_echoed(world: SlackWorld) -> None:
    # typed literally, Slack sends the brackets escaped; the core echoes the unknown name
    await world.command(STUDENT, "help &lt;!channel&gt;")
    text = world.last("response_url")["text"]
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    # a real @channel mention arrives as markup, and comes back as plain words
    await world.command(STUDENT, "help <!channel>")
    assert "`@channel`" in world.last("response_url")["text"]


async def test_the_notifier_posts_and_edits_by_reference(world: SlackWorld) -> None:
    place = Place("slack", TEAM, "C9")
    ref = await world.studybot.notifier.post(place, Reply("Question 1", choices=(
        Choice("A", "quiz:1:0"),)))
    channel, ts = ref.split(":")
    assert channel == "C9"
    assert buttons(world.last("chat.postMessage")) == [("A", "quiz:1:0")]
    await world.studybot.notifier.edit(place, ref, Reply("Question 1: time is up"))
    assert world.fake.messages[("C9", ts)].text == "Question 1: time is up"
    assert world.fake.messages[("C9", ts)].edits == 1


async def test_the_notifier_sends_direct_messages_and_files(world: SlackWorld) -> None:
    await world.studybot.notifier.send_direct("slack", TEAM, STUDENT, Reply("Time to revise"))
    assert world.last("conversations.open")["users"] == STUDENT
    assert world.last("chat.postMessage")["channel"] == f"D{STUDENT}"
    place = Place("slack", TEAM, "C9")
    png = Attachment("timeline.png", b"\x89PNG fake")
    await world.studybot.notifier.post(place, Reply("Timeline", attachments=(png,)))
    assert world.last("files.getUploadURLExternal")["filename"] == "timeline.png"
    complete = world.last("files.completeUploadExternal")
    assert complete["channel_id"] == "C9"
    assert json.loads(complete["files"])[0]["title"] == "timeline.png"
    assert b"\x89PNG fake" in world.fake.uploads.values()


async def test_production_http_mode_acks_first_and_answers_after(
        studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock, process_before_response=False) as world:
        status, body = await world.send(world.command_body(STUDENT, "help"), FORM)
        assert status == 200 and body == ""  # Slack gets its answer within 3 seconds
        await world.fake.wait_for("response_url")
        assert "Ask me anything" in world.last("response_url")["text"]


async def test_when_slack_cannot_say_who_someone_is_they_get_no_teacher_rights(
        world: SlackWorld) -> None:
    world.fake.errors["users.info"] = "fatal_error"
    await world.command(TEACHER, "settings timezone Europe/Paris")
    assert "only a teacher" in world.last("response_url")["text"]  # answered all the same
    del world.fake.errors["users.info"]  # the failure was not cached
    await world.command(TEACHER, "settings timezone Europe/Paris")
    assert "Time zone set" in world.last("response_url")["text"]


async def test_an_uninstall_of_a_single_workspace_bot_is_acknowledged(
        world: SlackWorld) -> None:
    body = json.dumps({"token": "legacy", "team_id": TEAM, "api_app_id": "A1",
                       "type": "event_callback", "event": {"type": "app_uninstalled"},
                       "event_id": "EvBYE", "event_time": 1})
    assert (await world.send(body, "application/json"))[0] == 200  # not retried by Slack


async def test_a_refused_bot_token_stops_the_start_with_the_reason(studybot: StudyBot) -> None:
    from adapters.slack.config import ConfigError
    from adapters.slack.run import start
    from tests.adapters.slack_helpers import config_for
    from tests.fakes.slack_api import FakeSlack

    fake = await FakeSlack().start()
    fake.errors["auth.test"] = "invalid_auth"
    try:
        with pytest.raises(ConfigError, match="invalid_auth"):
            await start(studybot, config_for(fake), tick_every=None)
    finally:
        await fake.close()


async def test_slacks_url_check_is_answered_when_the_request_url_is_set(
        world: SlackWorld) -> None:
    body = json.dumps({"token": "legacy", "challenge": "c-4567", "type": "url_verification"})
    status, answer = await world.send(body, "application/json")
    assert status == 200 and "c-4567" in answer
