"""Property-based tests (hypothesis) through the core and each adapter's parsing and rendering.

Any unicode, huge text, control characters, markdown and mrkdwn, mass mentions, malformed
button ids, times, zones and dates: the bot never crashes ("something went wrong" is a crash
caught too late), never renders over a platform's limit, and never pings anyone.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.commands import modal_question
from adapters.discord.render import NO_PINGS, edit_kwargs, send_kwargs
from adapters.slack import guard
from adapters.slack.app import from_slack, strip_mentions
from adapters.slack.render import blocks, fallback_text, mrkdwn
from bot.app import MAX_ARG, StudyBot, check_args
from bot.clock import FakeClock
from bot.commands.parse import ParseError, parse_command_line
from bot.commands.registry import COMMANDS
from bot.events import Actor, Command, Place, Press, Text
from bot.notifier import RecordingNotifier
from bot.replies import MAX_ACTION_ID, Reply
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase

CRASH = "something went wrong"
PROPERTY = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])

MENTIONS = ["@everyone", "@here", "<!channel>", "<!here>", "<!everyone>", "<@U123>",
            "<@&123456789012345678>", "<@123456789012345678>", "&lt;!channel&gt;",
            "<!subteam^S1|@t>", "<https://evil.example|click>", "**bold**", "*b*", "_i_",
            "~s~", "`code`", "```block```", "> quote", "# heading", "\u202e", "\u0000",
            "\x1b[31m", "\r\n", "\t", "ﷺ", "🏳️‍🌈", "Z̸̢̛̗a̴l̷g̶o̵"]
hostile = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=50),
    st.lists(st.sampled_from(MENTIONS) | st.text(max_size=5), max_size=12).map("".join),
    st.builds(lambda piece, n: piece * n, st.text(min_size=1, max_size=8),
              st.integers(1, 3000)),  # huge text
)
word = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=12)
numbers = st.integers(-10**12, 10**12).map(str)
button_ids = st.one_of(
    hostile,
    st.builds(lambda prefix, parts: ":".join([prefix, *parts]),
              st.sampled_from(["quiz", "solo", "rq", "rev", "ask", "privacy", "x", ""]),
              st.lists(numbers | word, max_size=5)),
)


class Driver:
    """A bot on its own event loop and SQLite file, so hypothesis can call it per example."""

    def __init__(self, kb: KnowledgeBase, folder: Path) -> None:
        self.loop = asyncio.new_event_loop()
        db = self.loop.run_until_complete(Database.open(
            f"sqlite+aiosqlite:///{folder / 'properties.sqlite3'}"))
        self.clock = FakeClock()
        self.bot = StudyBot(kb, db, self.clock, RecordingNotifier())
        self.users = 0

    def actor(self, teacher: bool = False) -> Actor:
        self.users += 1  # a new person each time: rate limits are tested elsewhere
        return Actor("discord", "g1", f"u{self.users}", "Ann", is_teacher=teacher,
                     is_manager=teacher)

    def handle(self, event: Any) -> list[Reply]:
        return self.loop.run_until_complete(self.bot.handle(event))

    def close(self) -> None:
        self.loop.run_until_complete(self.bot.close())
        self.loop.close()


@pytest.fixture(scope="module")
def driver(kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Driver]:
    running = Driver(kb, tmp_path_factory.mktemp("properties"))
    yield running
    running.close()


PLACE = Place("discord", "g1", "c1")


def assert_renders_safely(replies: list[Reply]) -> None:
    """No crash message; within Discord's and Slack's limits; nothing that pings."""
    for reply in replies:
        assert CRASH not in reply.text
        assert all(len(c.action_id) < MAX_ACTION_ID for c in reply.choices)
        for kwargs in (send_kwargs(reply), edit_kwargs(reply)):
            assert kwargs["allowed_mentions"] is NO_PINGS
            assert len(kwargs["content"] or "") <= 2000
            for embed in kwargs["embeds"]:
                assert len(embed.description or "") <= 4096 and len(embed.fields) <= 25
        rendered = blocks(reply)
        assert len(rendered) <= 50
        for block in rendered:
            if block["type"] == "section" and "text" in block:
                assert len(block["text"]["text"]) <= 3000
                assert_no_slack_ping(block["text"]["text"])
            for element in block.get("elements", []):
                assert len(element["text"]["text"]) <= 75
        assert len(fallback_text(reply)) <= 3000
        assert_no_slack_ping(fallback_text(reply))


def assert_no_slack_ping(text: str) -> None:
    """Slack pings only through ``<!...>`` and ``<@...>``; the only ``<`` left is a channel
    link, which notifies nobody."""
    for match in re.finditer("<", text):
        assert re.match(r"<#[CG][A-Z0-9]{1,20}>", text[match.start():]), text


# --- the core --------------------------------------------------------------------------------

@PROPERTY
@given(question=hostile)
def test_any_question_gets_a_safe_answer(driver: Driver, question: str) -> None:
    assert_renders_safely(driver.handle(Text(driver.actor(), PLACE, question)))
    assert_renders_safely(driver.handle(Command(driver.actor(), PLACE, "ask",
                                                {"question": question})))


@PROPERTY
@given(action_id=button_ids, teacher=st.booleans())
def test_any_button_id_is_answered_never_crashes(driver: Driver, action_id: str,
                                                  teacher: bool) -> None:
    assert_renders_safely(driver.handle(Press(driver.actor(teacher), PLACE, action_id)))


@PROPERTY
@given(line=hostile)
def test_any_typed_line_parses_or_says_why(line: str) -> None:
    try:
        parsed = parse_command_line(line)
    except ParseError as problem:
        assert str(problem)
        return
    args, problem = check_args(parsed.spec, parsed.args)
    assert problem or all(len(v) <= MAX_ARG for v in args.values())


@PROPERTY
@given(name=st.sampled_from(sorted(COMMANDS)), values=st.lists(hostile | numbers, max_size=4),
       teacher=st.booleans())
def test_any_command_with_any_values_never_crashes(driver: Driver, name: str,
                                                   values: list[str], teacher: bool) -> None:
    options = COMMANDS[name].options
    args = {option.name: value for option, value in zip(options, values, strict=False)}
    assert_renders_safely(driver.handle(Command(driver.actor(teacher), PLACE, name, args)))


times = st.one_of(st.from_regex(r"\A-?\d{1,3}:\d{1,3}\Z"), st.times().map(str), word)
zones = st.one_of(st.timezone_keys(), word, st.sampled_from(["UTC", "Etc/GMT+14", "../etc",
                                                               "Europe/London\x00", "EST5EDT"]))
dates = st.one_of(st.dates().map(lambda d: d.strftime("%m-%d")), st.from_regex(
    r"\A\d{1,2}-\d{1,2}\Z"), word, st.dates().map(str))
days = st.one_of(st.sampled_from(["daily", "weekdays", "mon-fri", "sun-mon", "mon,mon"]),
                 word)


@PROPERTY
@given(kind=st.sampled_from(["onthisday", "revision", "quiz"]), time=times, day=days,
       zone=zones, date=dates, year=numbers)
def test_any_time_zone_and_date_is_accepted_or_explained(
        driver: Driver, kind: str, time: str, day: str, zone: str, date: str,
        year: str) -> None:
    teacher = driver.actor(teacher=True)
    for name, args in (
            ("schedule add", {"kind": kind, "time": time, "days": day, "timezone": zone}),
            ("settings timezone", {"timezone": zone}),
            ("remind", {"state": "on", "time": time}),
            ("onthisday", {"date": date}),
            ("timeline", {"from": year, "to": year})):
        assert_renders_safely(driver.handle(Command(teacher, PLACE, name, args)))


# --- the Slack adapter -----------------------------------------------------------------------

@PROPERTY
@given(text=hostile)
def test_slack_markup_in_is_plain_text_and_any_text_out_cannot_ping(text: str) -> None:
    asked = strip_mentions(f"<@UBOT> {text}", "UBOT")
    assert asked == " ".join(asked.split())  # one line of words, the mention gone
    assert_no_slack_ping(mrkdwn(from_slack(text)))
    assert_no_slack_ping(mrkdwn(text))
    assert_renders_safely([Reply(text, title=text[:200] or None, fields=((text, text),))])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                 max_size=4), max_leaves=20)
slack_keys = st.sampled_from(["type", "event", "user", "actions", "team", "channel",
                              "container", "message", "challenge", "event_id", "team_id",
                              "command", "user_id", "channel_id", "payload", "ssl_check"])
slack_bodies = st.dictionaries(slack_keys, json_values, max_size=8)


@PROPERTY
@given(body=slack_bodies, as_form=st.booleans(), raw=st.text(max_size=200))
def test_slack_bodies_are_accepted_or_refused_never_crash(body: dict[str, Any],
                                                          as_form: bool, raw: str) -> None:
    from urllib.parse import urlencode

    encoded = urlencode({"payload": json.dumps(body)}) if as_form else json.dumps(body)
    for text, content_type in ((encoded, "application/x-www-form-urlencoded" if as_form
                                else "application/json"), (raw, "application/json"),
                               (raw, "application/x-www-form-urlencoded")):
        try:
            guard.check_body(guard.parse(text, content_type))
        except guard.Refused as refused:
            assert refused.status == 400 and str(refused)


# --- the Discord adapter ---------------------------------------------------------------------

@PROPERTY
@given(data=json_values)
def test_any_modal_submission_is_read_or_ignored(data: Any) -> None:
    found = modal_question(data if isinstance(data, dict) else {"components": data})
    assert found is None or isinstance(found[0], str)


@PROPERTY
@given(value=hostile)
def test_an_ask_modal_with_any_value_never_crashes(driver: Driver, value: str) -> None:
    data = {"custom_id": "studybot-ask:0", "components": [
        {"type": 1, "components": [{"type": 4, "custom_id": "question", "value": value}]}]}
    question, private = modal_question(data) or ("", True)
    assert question == value and not private
    assert_renders_safely(driver.handle(Command(driver.actor(), PLACE, "ask",
                                                {"question": question})))
