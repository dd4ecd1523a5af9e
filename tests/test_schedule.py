"""Channel schedules: teachers add, list and remove them; each due time fires exactly once,
across restarts, daylight-saving changes and two processes on one database."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Command, Press
from bot.notifier import RecordingNotifier
from bot.quiz.bank import question_bank
from bot.revision.models import RevisionCard
from bot.schedule.models import ChannelQuestion, Schedule
from bot.schedule.timing import next_occurrence, parse_days, parse_time, plan
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.studypack import people, small_kb

TEACHER, STUDENT, OTHER_STUDENT, CLASS = people()
FOREIGN_TEACHER, _, _, FOREIGN_CLASS = people(tenant="g2")
LONDON = "Europe/London"

BotMaker = Callable[..., Coroutine[Any, Any, StudyBot]]


@pytest.fixture
def kb(tmp_path: Path) -> KnowledgeBase:
    return small_kb(tmp_path / "pack", questions=6)


@pytest.fixture
async def make_bot(kb: KnowledgeBase, database_url: str) -> AsyncIterator[BotMaker]:
    """Build StudyBots on one database: each call is a fresh process (restart, or a second
    process running beside the first)."""
    made: list[StudyBot] = []

    async def build(clock: FakeClock) -> StudyBot:
        bot = StudyBot(kb, await Database.open(database_url), clock, RecordingNotifier())
        made.append(bot)
        return bot

    yield build
    for bot in made:
        await bot.close()


def notes(bot: StudyBot) -> RecordingNotifier:
    assert isinstance(bot.notifier, RecordingNotifier)
    return bot.notifier


async def add(bot: StudyBot, **args: str) -> str:
    [reply] = await bot.handle(Command(TEACHER, CLASS, "schedule add", args))
    assert reply.private
    return reply.text


# --- Teachers manage schedules; students cannot; tenants never see each other's ----------

async def test_teacher_adds_lists_and_removes(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    text = await add(bot, kind="revision", time="09:00", days="mon,wed", topic="diplomacy")
    assert text == ("Scheduled #1: revision question on diplomacy, mon,wed at 09:00 "
                    "(Europe/London) in <#c1>. First one: Mon 30 Nov 09:00.")
    await add(bot, kind="onthisday", time="08:30", days="weekdays", timezone="America/New_York")
    [listing] = await bot.handle(Command(TEACHER, CLASS, "schedule list", {}))
    assert listing.private
    assert listing.text.splitlines() == [
        "#1 revision question on diplomacy, mon,wed at 09:00 (Europe/London) in <#c1>. "
        "Next: Mon 30 Nov 09:00; last: never.",
        "#2 on-this-day post, weekdays at 08:30 (America/New_York) in <#c1>. "
        "Next: Fri 27 Nov 08:30; last: never."]
    [removed] = await bot.handle(Command(TEACHER, CLASS, "schedule remove", {"id": "1"}))
    assert removed.text == "Removed schedule #1."
    [listing] = await bot.handle(Command(TEACHER, CLASS, "schedule list", {}))
    assert listing.text.startswith("#2 ") and "#1" not in listing.text
    [bad] = await bot.handle(Command(TEACHER, CLASS, "schedule remove", {"id": "two"}))
    assert bad.private and "`id` must be a whole number" in bad.text


async def test_students_cannot_manage_schedules(make_bot: BotMaker) -> None:
    bot = await make_bot(FakeClock())
    await add(bot, kind="onthisday", time="09:00")
    for name, args in [("schedule add", {"kind": "onthisday", "time": "10:00"}),
                       ("schedule list", {}), ("schedule remove", {"id": "1"})]:
        [reply] = await bot.handle(Command(STUDENT, CLASS, name, args))
        assert reply.private and reply.text.startswith("Sorry, only a teacher")
    async with bot.db.transaction() as session:
        assert len((await session.execute(select(Schedule))).scalars().all()) == 1


async def test_one_tenant_never_sees_or_removes_anothers_schedules(make_bot: BotMaker) -> None:
    bot = await make_bot(FakeClock())
    await add(bot, kind="onthisday", time="09:00")
    [listing] = await bot.handle(Command(FOREIGN_TEACHER, FOREIGN_CLASS, "schedule list", {}))
    assert listing.text.startswith("No schedules yet")
    [refused] = await bot.handle(Command(FOREIGN_TEACHER, FOREIGN_CLASS, "schedule remove",
                                         {"id": "1"}))
    assert refused.text == "There is no schedule #1 here; see `/schedule list`."
    [listing] = await bot.handle(Command(TEACHER, CLASS, "schedule list", {}))
    assert listing.text.startswith("#1 on-this-day post")


@pytest.mark.parametrize(("args", "message"), [
    ({"kind": "onthisday", "time": "25:00"}, "not a time of day"),
    ({"kind": "onthisday", "time": "9am"}, "not a time like 09:00"),
    ({"kind": "onthisday", "time": "09:00", "days": "funday"}, "`funday` is not a day"),
    ({"kind": "onthisday", "time": "09:00", "timezone": "Mars/Olympus"}, "not a time zone"),
    ({"kind": "revision", "time": "09:00", "topic": "cooking"}, "I have no questions on `cooking`"),
    ({"kind": "onthisday", "time": "09:00", "topic": "spain"}, "has no topic"),
    ({"kind": "weekly", "time": "09:00"}, "`kind` must be one of"),
])
async def test_bad_schedules_are_refused_clearly(make_bot: BotMaker, args: dict[str, str],
                                                 message: str) -> None:
    bot = await make_bot(FakeClock())
    assert message in await add(bot, **args)
    async with bot.db.transaction() as session:
        assert (await session.execute(select(Schedule))).scalars().all() == []


async def test_the_tenants_time_zone_is_the_default(make_bot: BotMaker) -> None:
    bot = await make_bot(FakeClock())
    await bot.handle(Command(TEACHER, CLASS, "settings timezone", {"timezone": "Asia/Tokyo"}))
    assert "(Asia/Tokyo)" in await add(bot, kind="onthisday", time="09:00")


# --- Firing ------------------------------------------------------------------------------

async def test_fires_once_per_due_time_and_again_the_next_day(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))  # GMT: London = UTC
    bot = await make_bot(clock)
    await add(bot, kind="onthisday", time="09:00")
    clock.set(datetime(2026, 11, 27, 8, 59, tzinfo=UTC))
    await bot.tick()
    assert notes(bot).posts == []
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await bot.tick()
    await bot.tick()
    clock.advance(minutes=5)
    await bot.tick()
    [(place, _ref, reply)] = notes(bot).posts
    assert place == CLASS
    assert "This week in 1939 (30 November 1939, 3 days after 27 November)" in reply.text
    clock.advance(days=1)
    await bot.tick()
    assert len(notes(bot).posts) == 2


async def test_a_day_far_from_any_event_posts_the_nearest_dates(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 6, 1, 6, 0, tzinfo=UTC))  # 07:00 in London (BST)
    bot = await make_bot(clock)
    await add(bot, kind="onthisday", time="08:00")
    clock.set(datetime(2026, 6, 1, 7, 0, 30, tzinfo=UTC))
    await bot.tick()
    [(_place, _ref, reply)] = notes(bot).posts
    assert reply.title == "Nearest dates: 1 June"
    assert reply.text.startswith("Nothing in the essay's story happened on 1 June, or within a "
                                 "week of it.")
    assert "ago" not in reply.text


async def test_a_restart_does_not_fire_again(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    first = await make_bot(clock)
    await add(first, kind="onthisday", time="09:00")
    clock.set(datetime(2026, 11, 27, 9, 0, 30, tzinfo=UTC))
    await first.tick()
    assert len(notes(first).posts) == 1
    await first.close()
    again = await make_bot(clock)  # the process restarts a minute later
    clock.advance(minutes=1)
    await again.tick()
    assert notes(again).posts == []
    async with again.db.transaction() as session:
        row = (await session.execute(select(Schedule))).scalar_one()
    assert row.last_fired == datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert row.next_due == datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


async def test_after_downtime_catches_up_only_within_the_grace_window(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    await add(bot, kind="onthisday", time="09:00")
    clock.set(datetime(2026, 11, 27, 9, 14, tzinfo=UTC))  # back up 14 minutes late: catch up
    await bot.tick()
    assert len(notes(bot).posts) == 1
    clock.set(datetime(2026, 11, 28, 9, 16, tzinfo=UTC))  # 16 minutes late: skip the day
    await bot.tick()
    assert len(notes(bot).posts) == 1
    clock.set(datetime(2026, 11, 29, 9, 0, tzinfo=UTC))
    await bot.tick()
    assert len(notes(bot).posts) == 2
    clock.set(datetime(2026, 12, 4, 9, 5, tzinfo=UTC))  # down for days: only today's, once
    await bot.tick()
    await bot.tick()
    assert len(notes(bot).posts) == 3


def test_plan_skips_missed_days_but_fires_one_within_grace() -> None:
    days, at, zone = parse_days("daily"), parse_time("09:00"), __import__("zoneinfo").ZoneInfo(
        LONDON)
    due = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    assert plan(days, at, zone, due, due + timedelta(days=3, minutes=10)) == (
        datetime(2026, 11, 30, 9, 0, tzinfo=UTC), datetime(2026, 12, 1, 9, 0, tzinfo=UTC))
    assert plan(days, at, zone, due, due + timedelta(days=3, minutes=20)) == (
        None, datetime(2026, 12, 1, 9, 0, tzinfo=UTC))


async def walk(bot: StudyBot, clock: FakeClock, start: datetime, end: datetime,
               step: timedelta = timedelta(minutes=10)) -> list[datetime]:
    """Tick through a stretch of time; return the times at which something was posted."""
    fired = []
    clock.set(start)
    while clock.now() <= end:
        before = len(notes(bot).posts)
        await bot.tick()
        if len(notes(bot).posts) > before:
            fired.append(clock.now())
        clock.set(clock.now() + step)
    return fired


async def test_spring_forward_fires_a_missing_time_once_at_the_shifted_time(
        make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2027, 3, 27, 12, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    await add(bot, kind="revision", time="01:30")  # 28 March 2027 has no 01:30 in London
    await add(bot, kind="revision", time="09:00")
    fired = await walk(bot, clock, datetime(2027, 3, 28, 0, 0, tzinfo=UTC),
                       datetime(2027, 3, 29, 9, 0, tzinfo=UTC))
    assert fired == [
        datetime(2027, 3, 28, 1, 30, tzinfo=UTC),  # 02:30 BST, straight after the jump
        datetime(2027, 3, 28, 8, 0, tzinfo=UTC),  # 09:00 BST
        datetime(2027, 3, 29, 0, 30, tzinfo=UTC),  # 01:30 BST
        datetime(2027, 3, 29, 8, 0, tzinfo=UTC),
    ]


async def test_autumn_fall_back_fires_a_repeated_time_once(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 10, 24, 12, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    await add(bot, kind="revision", time="01:30")  # 25 October 2026 has 01:30 twice
    fired = await walk(bot, clock, datetime(2026, 10, 24, 23, 0, tzinfo=UTC),
                       datetime(2026, 10, 26, 3, 0, tzinfo=UTC))
    assert fired == [datetime(2026, 10, 25, 0, 30, tzinfo=UTC),  # the first 01:30 (BST)
                     datetime(2026, 10, 26, 1, 30, tzinfo=UTC)]  # GMT again


def test_next_occurrence_keeps_wall_clock_time_across_the_change() -> None:
    from zoneinfo import ZoneInfo
    zone, at = ZoneInfo(LONDON), parse_time("09:00")
    friday = datetime(2027, 3, 26, 9, 0, tzinfo=UTC)
    assert next_occurrence(parse_days("mon"), at, zone, friday) == datetime(
        2027, 3, 29, 8, 0, tzinfo=UTC)


async def test_two_processes_on_one_database_fire_each_occurrence_once(
        make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    one = await make_bot(clock)
    two = await make_bot(clock)
    for minute in range(12):
        await add(one, kind="onthisday", time=f"09:{minute:02d}")
    for _ in range(3):  # three due minutes' worth of racing
        clock.advance(minutes=25)
        for _ in range(3):
            await asyncio.gather(one.tick(), two.tick(), one.tick(), two.tick())
    posted = len(notes(one).posts) + len(notes(two).posts)
    assert posted == 12
    clock.advance(days=1)
    await asyncio.gather(one.tick(), two.tick())
    assert len(notes(one).posts) + len(notes(two).posts) == 24


# --- Revision questions in a channel -----------------------------------------------------

async def test_revision_questions_never_repeat_until_the_pool_is_used_up(
        make_bot: BotMaker, kb: KnowledgeBase) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    await add(bot, kind="revision", time="09:00", topic="war")
    pool = {q.id for q in bot.service(question_bank).questions.values() if "war" in q.tags}
    assert len(pool) >= 3
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    for _ in range(len(pool) + 2):
        await bot.tick()
        clock.advance(days=1)
    async with bot.db.transaction() as session:
        asked = (await session.execute(select(ChannelQuestion.question_id)
                                       .order_by(ChannelQuestion.id))).scalars().all()
    assert len(asked) == len(pool) + 2
    assert set(asked[:len(pool)]) == pool  # every question once before any repeat
    assert set(asked[len(pool):]) <= pool and len(set(asked[len(pool):])) == 2


async def test_a_revision_question_takes_answers_then_reveals_once(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    await add(bot, kind="revision", time="09:00")
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await bot.tick()
    [(_place, ref, post)] = notes(bot).posts
    assert "the answer is revealed at 09:10" in post.text
    async with bot.db.transaction() as session:
        asked = (await session.execute(select(ChannelQuestion))).scalar_one()
    labels, right = bot.service(question_bank).questions[asked.question_id].options()
    wrong = (right + 1) % len(labels)
    [ok] = await bot.handle(Press(STUDENT, CLASS, post.choices[right].action_id))
    assert ok.private and ok.text.startswith(f"Got it: you answered {labels[right]}.")
    [again] = await bot.handle(Press(STUDENT, CLASS, post.choices[wrong].action_id))
    assert "already answered" in again.text
    [missed] = await bot.handle(Press(OTHER_STUDENT, CLASS, post.choices[wrong].action_id))
    assert missed.private
    clock.advance(minutes=9)
    await bot.tick()
    assert notes(bot).edits == []
    clock.advance(minutes=1)
    await asyncio.gather(bot.tick(), bot.tick())
    [(_place, edited_ref, reveal)] = notes(bot).edits
    assert edited_ref == ref
    assert f"Answer: **{labels[right]}**." in reveal.text and "2 answered, 1 right." in reveal.text
    [late] = await bot.handle(Press(STUDENT, CLASS, post.choices[right].action_id))
    assert late.text.startswith("That question has closed.")
    async with bot.db.transaction() as session:  # the miss went into Alex's own queue
        card = (await session.execute(select(RevisionCard))).scalar_one()
    assert (card.user_id, card.question_id, card.source) == ("s2", asked.question_id, "missed")


async def test_another_tenant_cannot_answer_a_channel_question(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    await add(bot, kind="revision", time="09:00")
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await bot.tick()
    [(_place, _ref, post)] = notes(bot).posts
    [reply] = await bot.handle(Press(FOREIGN_TEACHER, FOREIGN_CLASS, post.choices[0].action_id))
    assert reply.text == "That question is no longer open."


async def test_a_scheduled_quiz_starts_through_the_quiz_module(make_bot: BotMaker) -> None:
    clock = FakeClock(datetime(2026, 11, 27, 8, 0, tzinfo=UTC))
    bot = await make_bot(clock)
    assert "short quiz on war" in await add(bot, kind="quiz", time="09:00", topic="war")
    clock.set(datetime(2026, 11, 27, 9, 0, tzinfo=UTC))
    await bot.tick()
    first = notes(bot).posts[0][2]
    assert first.title is not None and first.title.startswith("Question 1 of ")
    assert all(c.action_id.startswith("quiz:") for c in first.choices)


@pytest.mark.parametrize(("line", "expected"), [
    ("schedule add revision 09:00 weekdays war", "revision question on war, weekdays at 09:00 "
                                                 "(Europe/London)"),
    ("schedule add onthisday 07:45 Europe/Paris", "on-this-day post, daily at 07:45 "
                                                  "(Europe/Paris)"),
    ("schedule add quiz 14:00 tue,thu UTC", "short quiz, tue,thu at 14:00 (UTC)"),
])
async def test_typed_schedule_lines_may_skip_options(make_bot: BotMaker, line: str,
                                                     expected: str) -> None:
    from bot.commands.parse import parse_command_line
    bot = await make_bot(FakeClock())
    parsed = parse_command_line(line)
    [reply] = await bot.handle(Command(TEACHER, CLASS, parsed.spec.name, parsed.args))
    assert expected in reply.text
