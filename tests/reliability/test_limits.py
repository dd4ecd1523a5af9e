"""Abuse limits: a student flooding the bot is told to slow down; a server cannot run more
quizzes or schedules than the caps; what the bot remembers per user stays bounded."""

from __future__ import annotations

import pytest

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.events import Place
from bot.limits import MAX_USERS, RATES, Bounded, RateLimits
from bot.quiz import answers
from bot.quiz.group import MAX_RUNNING_PER_TENANT
from bot.schedule.commands import MAX_PER_TENANT
from tests.adapters.slack_helpers import STUDENTS, slack_world
from tests.quiz.helpers import PLACE, press, run, student, teacher

BURST = RATES["command"].burst


async def test_a_student_asking_too_fast_is_told_to_slow_down_then_answered_again(
        studybot: StudyBot, clock: FakeClock) -> None:
    ann = student("Ann")
    replies = [(await run(studybot, ann, "ask", question="when was munich"))[0]
               for _ in range(BURST + 5)]
    assert all("Slow down" not in r.text for r in replies[:BURST])
    assert all(r.private and r.text.startswith("Slow down a little") for r in replies[BURST:])
    assert "Try again in 3 seconds" in replies[-1].text
    ben = student("Ben")  # one student's flood does not limit another
    assert "Slow down" not in (await run(studybot, ben, "ask", question="munich"))[0].text
    clock.advance(3)
    assert "Slow down" not in (await run(studybot, ann, "ask", question="munich"))[0].text


async def test_button_presses_are_limited_apart_from_commands(studybot: StudyBot) -> None:
    ann = student("Ann")
    pressed = [(await press(studybot, ann, "nothing:here"))[0].text
               for _ in range(RATES["press"].burst + 1)]
    assert pressed[-1].startswith("Slow down") and "Slow down" not in pressed[-2]
    assert "Slow down" not in (await run(studybot, ann, "help"))[0].text


async def test_teachers_are_not_limited(studybot: StudyBot) -> None:
    ms_gray = teacher()
    for _ in range(BURST * 3):
        assert "Slow down" not in (await run(studybot, ms_gray, "help"))[0].text


async def test_slack_says_slow_down_to_a_flood(studybot: StudyBot, clock: FakeClock) -> None:
    async with slack_world(studybot, clock) as world:
        for _ in range(BURST + 1):
            await world.command(STUDENTS[0], "ask when was munich")
        assert world.last("response_url")["text"].startswith("Slow down a little")


async def test_class_quizzes_per_server_are_capped(studybot: StudyBot) -> None:
    ms_gray = teacher()
    for n in range(MAX_RUNNING_PER_TENANT):
        started = await run(studybot, ms_gray, "quiz start", Place("discord", "g1", f"c{n}"),
                            questions="1", seconds="60")
        assert "started" in started[0].text, started[0].text
    refused = await run(studybot, ms_gray, "quiz start", Place("discord", "g1", "one-more"))
    assert "the most at once" in refused[0].text
    other_server = await run(studybot, teacher(tenant="g2"), "quiz start",
                             Place("discord", "g2", "c1"), questions="1")
    assert "started" in other_server[0].text


async def test_schedules_per_server_are_capped(studybot: StudyBot) -> None:
    ms_gray = teacher()
    for n in range(MAX_PER_TENANT):
        added = await run(studybot, ms_gray, "schedule add", kind="onthisday",
                          time=f"{n % 24:02d}:{n % 60:02d}")
        assert added[0].text.startswith("Scheduled"), added[0].text
    refused = await run(studybot, ms_gray, "schedule add", kind="onthisday", time="09:00")
    assert "remove one first" in refused[0].text


async def test_a_press_is_refused_not_queued_without_end_when_the_writer_is_far_behind(
        studybot: StudyBot, monkeypatch: pytest.MonkeyPatch) -> None:
    await run(studybot, teacher(), "quiz start", questions="1", seconds="60")
    monkeypatch.setattr(answers, "MAX_QUEUED", 0)
    [reply] = await press(studybot, student("Ann"), "quiz:1:0:0", PLACE)
    assert reply.text == answers.BUSY


def test_bounded_tables_forget_the_least_recently_written() -> None:
    table: Bounded[str, int] = Bounded(3)
    for n, key in enumerate("abcd"):
        table[key] = n
    assert list(table) == ["b", "c", "d"]
    table["b"] = 9
    table["e"] = 5
    assert list(table) == ["d", "b", "e"]


def test_rate_limits_remember_a_bounded_number_of_users(studybot: StudyBot) -> None:
    limits = studybot.service(RateLimits)
    for n in range(MAX_USERS * 2 + 1000):
        limits.wait("command", "discord:g1", f"u{n}")
    assert len(limits._buckets) == MAX_USERS * 2
