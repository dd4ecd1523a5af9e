"""On this day, the timeline picture, schedules (and a scheduled post), revision cards and
reminders on Slack."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from tests.adapters.slack_helpers import (
    STUDENTS,
    TEACHER,
    SlackWorld,
    buttons,
    correct_option,
    latest_quiz,
    slack_world,
)

S1 = STUDENTS[0]


@pytest.fixture
async def world(studybot: StudyBot, clock: FakeClock) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock) as w:
        yield w


async def test_onthisday_for_a_given_day(world: SlackWorld) -> None:
    await world.command(S1, "onthisday 08-23")
    assert "1939" in world.last("chat.postMessage")["text"]
    await world.command(S1, "onthisday 31-31")
    assert world.last("response_url")["response_type"] == "ephemeral"


async def test_the_timeline_is_uploaded_as_a_picture(world: SlackWorld) -> None:
    await world.command(S1, "timeline 1938 1939")
    assert world.last("files.getUploadURLExternal")["filename"].startswith("timeline")
    complete = world.last("files.completeUploadExternal")
    assert complete["channel_id"] == "C1" and "dated event" in complete["initial_comment"]
    assert all(data.startswith(b"\x89PNG") for data in world.fake.uploads.values())
    await world.command(S1, "timeline 1939 1938")
    assert world.last("response_url")["response_type"] == "ephemeral"


async def test_schedules_are_added_listed_and_removed_by_teachers_only(
        world: SlackWorld) -> None:
    await world.command(S1, "schedule add revision 09:30 weekdays")
    assert "only a teacher" in world.last("response_url")["text"]
    await world.command(TEACHER, "schedule add revision 09:30 weekdays", channel="C7")
    added = world.last("response_url")
    assert added["response_type"] == "ephemeral" and "Scheduled #1" in added["text"]
    assert "<#C7>" in added["text"]  # a channel link, left clickable
    await world.command(TEACHER, "schedule list")
    assert "#1" in world.last("response_url")["text"]
    await world.command(TEACHER, "schedule add revision 25:00")
    assert world.last("response_url")["response_type"] == "ephemeral"
    await world.command(S1, "schedule remove 1")
    assert "only a teacher" in world.last("response_url")["text"]
    await world.command(TEACHER, "schedule remove 1")
    assert "Removed schedule #1" in world.last("response_url")["text"]
    await world.command(TEACHER, "schedule list")
    assert "No schedules" in world.last("response_url")["text"]


async def test_a_scheduled_revision_question_is_posted_answered_and_revealed(
        world: SlackWorld) -> None:
    await world.command(TEACHER, "schedule add revision 09:30 daily", channel="C7")
    world.fake.clear()
    world.clock.advance(minutes=31)  # 09:31 in London (UTC in November)
    await world.studybot.tick()
    post = world.last("chat.postMessage")
    assert post["channel"] == "C7" and "Revision question" in post["text"]
    actions = [a for _, a in buttons(post)]
    assert actions and all(a.startswith("rq:") for a in actions)
    ts = world.fake.ts_of(post)
    await world.click(S1, actions[0], channel="C7", ts=ts)
    assert "Got it" in world.last("response_url")["text"]
    await world.studybot.tick()
    assert len(world.fake.calls_to("chat.postMessage")) == 1  # fired once, not every tick
    world.clock.advance(hours=12)
    await world.studybot.tick()
    revealed = world.fake.messages[("C7", ts)]
    assert "Answer:" in revealed.text and revealed.edits == 1


async def test_revision_cards_are_private_and_rated_in_place(world: SlackWorld) -> None:
    await world.command(S1, "revise")
    card = world.last("response_url")
    assert card["response_type"] == "ephemeral"
    actions = [a for _, a in buttons(card)]
    assert actions and all(a.startswith("rv:") for a in actions)  # a new card
    world.fake.clear()
    await world.click(S1, actions[0], ephemeral=True)
    answer = world.fake.calls_to("response_url")[0]
    assert answer["replace_original"] is True  # the card becomes its feedback
    ratings = [a for _, a in buttons(answer)]
    assert ratings and all(a.startswith("rv:") for a in ratings)
    await world.click(S1, ratings[0], ephemeral=True)
    assert world.last("response_url")["replace_original"] is True
    assert not world.fake.calls_to("chat.postMessage")


async def test_a_reminder_arrives_as_a_direct_message(world: SlackWorld) -> None:
    await world.command(S1, "remind on 09:30")
    assert "message you at 09:30" in world.last("response_url")["text"]
    await world.command(TEACHER, "quiz start questions=1 seconds=10")
    quiz = await latest_quiz(world.studybot)
    right = await correct_option(world.studybot, quiz, 0)  # a miss makes a card due
    await world.click(S1, f"quiz:{quiz}:0:{(right + 1) % 2}", ts="1700000000.000001")
    world.clock.advance(11)
    await world.studybot.tick()
    world.fake.clear()
    world.clock.advance(minutes=31)
    await world.studybot.tick()
    assert world.last("conversations.open")["users"] == S1
    dm = world.last("chat.postMessage")
    assert dm["channel"] == f"D{S1}" and "due" in dm["text"]
    await world.command(S1, "remind off")
    assert "off" in world.last("response_url")["text"]
    world.fake.clear()
    world.clock.advance(days=1)
    await world.studybot.tick()
    assert not world.fake.calls_to("chat.postMessage")  # no more reminders
