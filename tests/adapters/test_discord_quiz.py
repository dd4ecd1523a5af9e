"""Quizzes on Discord end to end: a class quiz with three students to its leaderboard,
a restart in the middle of one, and a solo practice in ephemeral messages."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

pytest.importorskip("bot.quiz.group", reason="quizzes have not landed on this branch yet")

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.fakes.discord_harness import STUDENTS, TEACHER, DiscordBot, start_bot
from tests.fakes.discord_server import EPHEMERAL, FakeDiscord


async def correct_option(bot: StudyBot, session_id: int, position: int) -> int:
    """The right option's index, as the quiz stored it (read, never changed)."""
    from bot.quiz.models import QuizQuestion

    async with bot.db.transaction() as session:
        return int((await session.execute(select(QuizQuestion.correct).where(
            QuizQuestion.session_id == session_id,
            QuizQuestion.position == position))).scalar_one())


def titled(fake: FakeDiscord, channel: int, start: str) -> list[dict[str, Any]]:
    return [m for m in fake.channel_messages(channel)
            if m["embeds"] and (m["embeds"][0].get("title") or "").startswith(start)]


def buttons(message: dict[str, Any]) -> list[str]:
    return [c["custom_id"] for row in message["components"] for c in row["components"]]


async def question(fake: FakeDiscord, channel: int, number: int) -> dict[str, Any]:
    """The channel's post for question ``number`` (1-based) once it is there."""
    found: dict[str, Any] = await fake.wait_for(lambda: next(
        (m for m in titled(fake, channel, f"Question {number} of") if m["components"]), None))
    return found


async def test_a_class_quiz_with_three_students_to_the_leaderboard(
        discord_bot: DiscordBot) -> None:
    fake, core, clock = discord_bot.fake, discord_bot.studybot, discord_bot.clock
    channel = discord_bot.channel
    ada, ben, cleo = STUDENTS

    refused = await fake.wait_response(await fake.command("quiz start", user=ada))
    assert refused["flags"] & EPHEMERAL and "only a teacher" in refused["content"]

    started = await fake.wait_response(await fake.command(
        "quiz start", {"questions": 3, "seconds": 20}, user=TEACHER))
    assert started["flags"] & EPHEMERAL and "Quiz #1 started" in started["content"]

    for number in (1, 2, 3):
        post = await question(fake, channel, number)
        assert post["flags"] & EPHEMERAL == 0 and post["allowed_mentions"] == {"parse": []}
        ids = buttons(post)
        right = await correct_option(core, 1, number - 1)
        wrong = (right + 1) % len(ids)
        assert ids[right] == f"quiz:1:{number - 1}:{right}"
        # Ada is always right, Ben always wrong, Cleo right on the first question only
        for student, choice in ((ada, right), (ben, wrong),
                                (cleo, right if number == 1 else wrong)):
            got = await fake.wait_response(await fake.click(post, ids[choice], user=student))
            assert got["flags"] & EPHEMERAL and got["content"].startswith("Got it")

        clock.advance(10)
        await core.tick()  # the countdown edits the question's own message
        assert "10 s left" in fake.messages[int(post["id"])]["embeds"][0]["description"]
        clock.advance(10)
        await core.tick()  # time is up: the question closes, the answer is shown
        closed = fake.messages[int(post["id"])]
        assert closed["components"] == [] and "Closed." in closed["embeds"][0]["description"]
        reveal = await fake.wait_for(lambda n=number: titled(
            fake, channel, f"Question {n} of 3: the answer"))
        expected = 2 if number == 1 else 1
        assert f"{expected} of 3 right" in reveal[0]["embeds"][0]["description"]
        clock.advance(6)
        await core.tick()

    final = await fake.wait_for(lambda: titled(fake, channel, "Final leaderboard"))
    lines = final[0]["embeds"][0]["description"].splitlines()
    assert [line.split(":")[0][2:] for line in lines[1:4]] == ["Ada", "Cleo", "Ben"]
    assert "(3/3 right)" in lines[1] and "(0/3 right)" in lines[3]
    # one message per question (edited for the countdown), three reveals, one leaderboard
    public = [m for m in fake.channel_messages(channel) if not m["flags"] & EPHEMERAL]
    assert len(public) == 3 + 3 + 1

    board = await fake.wait_response(await fake.command("leaderboard", {"period": "all"},
                                                        user=ben))
    text = board["embeds"][0]["description"]
    assert text.index("Ada") < text.index("Cleo") < text.index("Ben")

    # the teacher's report: the CSV and the chart, for the teacher's eyes only
    denied = await fake.wait_response(await fake.command("report", {"quiz": 1}, user=ben))
    assert denied["flags"] & EPHEMERAL and not denied["files"]
    report = await fake.wait_response(await fake.command("report", {"quiz": 1}, user=TEACHER),
                                      timeout=30)
    assert report["flags"] & EPHEMERAL
    files = {name: data for name, data, _ in report["files"]}
    assert sorted(files) == ["quiz-1-accuracy.png", "quiz-1.csv"]
    assert files["quiz-1-accuracy.png"].startswith(b"\x89PNG")
    assert b"Ada" in files["quiz-1.csv"] and b"Ben" in files["quiz-1.csv"]


async def test_a_click_after_a_restart_in_the_middle_of_a_quiz_still_counts(
        fake_discord: FakeDiscord, discord_bot: DiscordBot, kb: KnowledgeBase,
        database_url: str, clock: FakeClock) -> None:
    fake = fake_discord
    await fake.wait_response(await fake.command(
        "quiz start", {"questions": 2, "seconds": 30}, user=TEACHER))
    post = await question(fake, discord_bot.channel, 1)
    right = await correct_option(discord_bot.studybot, 1, 0)
    await fake.wait_response(await fake.click(post, buttons(post)[right], user=STUDENTS[1]))
    await discord_bot.stop()  # the process goes away mid-question

    db = await Database.open(database_url)
    studybot = StudyBot(kb, db, clock)
    again = await start_bot(fake, studybot, clock)
    try:
        got = await fake.wait_response(
            await fake.click(post, buttons(post)[right], user=STUDENTS[0]))
        assert got["content"].startswith("Got it")
        clock.advance(30)
        await studybot.tick()  # the new process reveals the question the old one opened
        reveal = await fake.wait_for(lambda: titled(fake, discord_bot.channel,
                                                    "Question 1 of 2: the answer"))
        assert "2 of 2 right" in reveal[0]["embeds"][0]["description"]
        assert fake.messages[int(post["id"])]["components"] == []
    finally:
        await again.stop()
        await db.close()


async def test_solo_practice_is_ephemeral_and_edits_in_place(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    student = STUDENTS[2]
    token = await fake.command("quiz solo", {"questions": 2}, user=student)
    replies = await fake.wait_for(lambda: len(fake.replies_to(token)) >= 2 and
                                  fake.replies_to(token))
    assert all(m["flags"] & EPHEMERAL for m in replies)
    first = next(m for m in replies if m["components"])
    ids = buttons(first)
    assert ids and all(i.startswith("solo:") for i in ids)
    click = await fake.click(first, ids[0], user=student)
    await fake.wait_for(lambda: fake.interactions[click].callbacks)
    callback = fake.interactions[click].callbacks[0]
    assert callback["type"] == 7  # the question's message becomes the feedback
    assert fake.messages[int(first["id"])]["components"] == []
    follow = await fake.wait_for(lambda: [m for k, m in fake.message_log
                                          if k == "create" and m.get("interaction_token") == click])
    assert all(m["flags"] & EPHEMERAL for m in follow)
    assert any(m["components"] for m in follow)  # the next question


async def test_the_teacher_pauses_resumes_moves_on_and_stops_a_quiz(
        discord_bot: DiscordBot) -> None:
    fake, channel = discord_bot.fake, discord_bot.channel
    await fake.wait_response(await fake.command(
        "quiz start", {"questions": 3, "seconds": 20, "pace": "teacher"}, user=TEACHER))
    await question(fake, channel, 1)
    for name in ("quiz pause", "quiz resume", "quiz next", "quiz stop"):
        refused = await fake.wait_response(await fake.command(name, user=STUDENTS[0]))
        assert "only a teacher" in refused["content"]
    paused = await fake.wait_response(await fake.command("quiz pause", user=TEACHER))
    assert not paused["flags"] & EPHEMERAL and "paused" in paused["content"]  # the class sees it
    resumed = await fake.wait_response(await fake.command("quiz resume", user=TEACHER))
    assert "resumed" in resumed["content"]
    moved = await fake.wait_response(await fake.command("quiz next", user=TEACHER))
    assert moved["flags"] & EPHEMERAL
    await fake.wait_for(lambda: titled(fake, channel, "Question 1 of 3: the answer"))
    await question(fake, channel, 2)
    stopped = await fake.wait_response(await fake.command("quiz stop", user=TEACHER))
    assert stopped["flags"] & EPHEMERAL and "stopped" in stopped["content"]
    final = await fake.wait_for(lambda: titled(fake, channel, "Final leaderboard"))
    assert "stopped after 2 of 3" in final[0]["embeds"][0]["description"]


async def test_a_quiz_started_in_a_thread_runs_in_that_thread(discord_bot: DiscordBot) -> None:
    fake = discord_bot.fake
    thread = fake.open_thread()
    await fake.wait_response(await fake.command(
        "quiz start", {"questions": 1, "seconds": 10}, user=TEACHER, channel_id=thread))
    post = await question(fake, thread, 1)
    got = await fake.wait_response(await fake.click(post, buttons(post)[0], user=STUDENTS[0]))
    assert got["content"].startswith("Got it")
    # the channel itself stays quiet, and it may have its own quiz meanwhile
    assert not [m for m in fake.channel_messages(discord_bot.channel)
                if not m["flags"] & EPHEMERAL]
    other = await fake.wait_response(await fake.command("quiz start", {"questions": 1},
                                                        user=TEACHER))
    assert "started" in other["content"]
