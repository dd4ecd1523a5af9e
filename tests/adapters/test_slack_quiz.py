"""Quizzes on Slack: solo practice in ephemeral messages updated in place, a class quiz whose
one message per question is edited for the countdown and the reveal, and teachers' reports."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.quiz.models import QuizSession
from tests.adapters.slack_helpers import (
    STUDENTS,
    TEACHER,
    SlackWorld,
    buttons,
    correct_option,
    latest_quiz,
    posts_with,
    slack_world,
)

S1, S2, S3 = STUDENTS


@pytest.fixture
async def world(studybot: StudyBot, clock: FakeClock) -> AsyncIterator[SlackWorld]:
    async with slack_world(studybot, clock) as w:
        yield w


# -- solo practice ----------------------------------------------------------------------------

async def test_solo_practice_is_private_and_updates_in_place(world: SlackWorld) -> None:
    await world.command(S1, "quiz solo questions=2")
    responses = world.fake.calls_to("response_url")
    assert responses and all(r["response_type"] == "ephemeral" for r in responses)
    assert not world.fake.calls_to("chat.postMessage")  # nothing shown to the class
    question = next(r for r in responses if buttons(r))
    _, session_id, position, _ = buttons(question)[0][1].split(":")
    right = await correct_option(world.studybot, int(session_id), int(position))
    world.fake.clear()
    await world.click(S1, f"solo:{session_id}:{position}:{right}", ephemeral=True,
                      response_key="solo-q1")
    feedback, *rest = world.fake.calls_to("response_url")
    assert feedback["replace_original"] is True  # the question becomes its feedback
    assert feedback["response_key"] == "solo-q1"
    assert any(buttons(r) for r in rest)  # and the next question follows
    assert not world.fake.calls_to("chat.update")


async def test_someone_elses_solo_button_does_nothing(world: SlackWorld) -> None:
    await world.command(S1, "quiz solo questions=2")
    question = next(r for r in world.fake.calls_to("response_url") if buttons(r))
    await world.click(S2, buttons(question)[0][1], ephemeral=True)
    assert "someone else" in world.last("response_url")["text"]


# -- the class quiz ---------------------------------------------------------------------------

async def test_students_cannot_run_the_class_quiz(world: SlackWorld) -> None:
    for line in ("quiz start", "quiz next", "quiz stop", "quiz pause", "quiz resume"):
        await world.command(S1, line)
        assert "only a teacher" in world.last("response_url")["text"], line
    assert not world.fake.calls_to("chat.postMessage")


async def test_a_whole_class_quiz_to_its_leaderboard(world: SlackWorld) -> None:
    await world.command(TEACHER, "quiz start questions=3 seconds=10")
    started = world.last("response_url")
    assert started["response_type"] == "ephemeral" and "started" in started["text"]
    quiz = await latest_quiz(world.studybot)
    for position in range(3):
        posted = posts_with(world, f"quiz:{quiz}:{position}:")
        assert len(posted) == 1, f"question {position + 1} is posted once"
        ts = world.fake.ts_of(posted[0])
        right = await correct_option(world.studybot, quiz, position)
        wrong = (right + 1) % len(buttons(posted[0]))
        # Student 1 is always right, Student 2 always wrong, Student 3 right only first
        for student, choice in ((S1, right), (S2, wrong), (S3, right if position == 0 else wrong)):
            await world.click(student, f"quiz:{quiz}:{position}:{choice}", ts=ts)
            confirmed = world.last("response_url")
            assert confirmed["response_type"] == "ephemeral"
            assert confirmed["text"].startswith("Got it")
        world.clock.advance(5)
        await world.studybot.tick()  # the countdown edits the question's own message
        assert "5 s left" in world.fake.messages[("C1", ts)].text
        world.clock.advance(6)
        await world.studybot.tick()  # time is up: closed, and the answer revealed
        closed = world.fake.messages[("C1", ts)]
        assert "Closed." in closed.text and not buttons({"blocks": closed.blocks})
        reveal = [b["text"] for b in world.fake.calls_to("chat.postMessage")
                  if f"Question {position + 1} of 3: the answer" in b["text"]]
        assert len(reveal) == 1 and f"{2 if position == 0 else 1} of 3 right" in reveal[0]
        world.clock.advance(7)
        await world.studybot.tick()  # the next question, or the final leaderboard
    final = world.last("chat.postMessage")["text"]
    assert "Final leaderboard" in final
    assert final.index("Student 1") < final.index("Student 3") < final.index("Student 2")
    assert "(3/3 right)" in final and "(0/3 right)" in final
    # one message per question, three reveals and the leaderboard: nothing else in public
    assert len(world.fake.calls_to("chat.postMessage")) == 3 + 3 + 1
    await world.command(S2, "leaderboard all")
    board = world.last("chat.postMessage")["text"]
    assert board.index("Student 1") < board.index("Student 3") < board.index("Student 2")


async def test_the_teacher_paces_pauses_and_stops_a_quiz(world: SlackWorld) -> None:
    await world.command(TEACHER, "quiz start questions=3 seconds=30 pace=teacher")
    quiz = await latest_quiz(world.studybot)
    assert len(posts_with(world, f"quiz:{quiz}:0:")) == 1
    await world.command(TEACHER, "quiz pause")
    assert "paused" in world.last("chat.postMessage")["text"]
    await world.command(TEACHER, "quiz resume")
    assert "resumed" in world.last("chat.postMessage")["text"]
    await world.command(TEACHER, "quiz next")
    assert len(posts_with(world, f"quiz:{quiz}:1:")) == 1
    await world.command(TEACHER, "quiz stop")
    assert "stopped" in world.last("response_url")["text"]
    assert "Final leaderboard" in world.last("chat.postMessage")["text"]
    await world.click(S1, f"quiz:{quiz}:1:0", ts="1700000000.000001")
    assert "closed" in world.last("response_url")["text"]


async def test_quiz_options_are_checked_with_the_commands_help(world: SlackWorld) -> None:
    await world.command(TEACHER, "quiz start questions=500")
    answer = world.last("response_url")
    assert answer["response_type"] == "ephemeral"
    assert "from 1 to 50" in answer["text"] and "quiz start" in answer["text"]
    assert not world.fake.calls_to("chat.postMessage")


# -- reports ----------------------------------------------------------------------------------

async def test_a_teacher_gets_the_report_files_in_a_direct_message(world: SlackWorld) -> None:
    await world.command(TEACHER, "quiz start questions=1 seconds=10")
    quiz = await latest_quiz(world.studybot)
    await world.click(S1, f"quiz:{quiz}:0:0", ts="1700000000.000001")
    world.clock.advance(11)
    await world.studybot.tick()
    await world.command(S1, f"report {quiz}")
    assert "only a teacher" in world.last("response_url")["text"]
    world.fake.clear()
    await world.command(TEACHER, f"report {quiz}")
    note = world.last("response_url")
    assert note["response_type"] == "ephemeral" and "direct message" in note["text"]
    assert world.last("files.completeUploadExternal")["channel_id"] == f"D{TEACHER}"
    names = [c["filename"] for c in world.fake.calls_to("files.getUploadURLExternal")]
    assert f"quiz-{quiz}.csv" in names and any(n.endswith(".png") for n in names)
    csv = next(d for d in world.fake.uploads.values() if not d.startswith(b"\x89PNG"))
    assert b"Student 1" in csv


async def test_no_quiz_starts_where_the_bot_cannot_post(world: SlackWorld) -> None:
    world.fake.channels["G9"] = {"id": "G9", "is_private": True, "is_member": False}
    await world.command(TEACHER, "quiz start questions=2", channel="G9")
    refused = world.last("response_url")
    assert refused["response_type"] == "ephemeral" and "/invite @studybot" in refused["text"]
    world.fake.channels["G9"]["is_member"] = True
    await world.command(TEACHER, "quiz start questions=2", channel="G9")
    assert posts_with(world, "quiz:")[0]["channel"] == "G9"


async def test_quiz_start_takes_its_options_in_order_as_typed(world: SlackWorld) -> None:
    await world.command(TEACHER, "quiz start Spain 2 15")
    assert "2 questions" in world.last("response_url")["text"]
    assert "15 s" in world.last("response_url")["text"]
    async with world.studybot.db.transaction() as session:
        quiz = (await session.execute(select(QuizSession))).scalar_one()
    assert (quiz.topic, quiz.total, quiz.seconds) == ("spain", 2, 15)
