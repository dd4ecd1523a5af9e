"""A class quiz from start to leaderboard, driven by the fake clock and ``tick`` (no sleeping)."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.clock import FakeClock
from bot.notifier import RecordingNotifier
from bot.quiz.group import REVEAL_GAP
from bot.quiz.models import FINISHED, STOPPED, QuizAnswer, QuizPlayer, QuizSession
from bot.quiz.records import missed_questions
from bot.quiz.scoring import points
from bot.storage.db import Database
from knowledge.loader import KnowledgeBase
from tests.quiz.helpers import (
    PLACE,
    correct_option,
    last_question,
    press,
    run,
    student,
    teacher,
    titled,
)

ANA, BEN, CAL = student("Ana"), student("Ben"), student("Cal")


async def _start(bot: StudyBot, **args: str) -> int:
    replies = await run(bot, teacher(), "quiz start", **args)
    assert replies[0].private and "started" in replies[0].text, replies[0].text
    async with bot.db.transaction() as session:
        return int((await session.execute(select(func.max(QuizSession.id)))).scalar_one())


async def test_whole_quiz_with_three_students_to_the_leaderboard(
        quizbot: StudyBot, clock: FakeClock, notifier: RecordingNotifier) -> None:
    quiz = await _start(quizbot, questions="3", seconds="20")
    for position in range(3):
        question = last_question(notifier)
        assert question.title == f"Question {position + 1} of 3"
        assert all(c.action_id.startswith(f"quiz:{quiz}:{position}:") for c in question.choices)
        right = await correct_option(quizbot, quiz, position)
        wrong = (right + 1) % len(question.choices)
        clock.advance(2)
        assert "Got it" in (await press(quizbot, ANA, f"quiz:{quiz}:{position}:{right}"))[0].text
        clock.advance(8)
        await press(quizbot, BEN, f"quiz:{quiz}:{position}:{right if position else wrong}")
        await press(quizbot, CAL, f"quiz:{quiz}:{position}:{wrong}")
        clock.advance(11)
        await quizbot.tick()
        reveal = titled(notifier, f"Question {position + 1} of 3: the answer")
        assert len(reveal) == 1 and "Top five" in reveal[0].text
        clock.advance(REVEAL_GAP)
        await quizbot.tick()

    final = titled(notifier, "Final leaderboard")
    assert len(final) == 1
    lines = final[0].text.splitlines()
    ana = 950 + (950 + 100) + (950 + 200)  # answered in 2 s of 20; streak bonus grows
    ben = 0 + 750 + (750 + 100)  # wrong first, then right at 10 s
    assert f"Ana: {ana} points (3/3 right)" in lines[1]
    assert f"Ben: {ben} points (2/3 right)" in lines[2]
    assert "Cal: 0 points (0/3 right)" in lines[3]
    async with quizbot.db.transaction() as session:
        stored = await session.get(QuizSession, quiz)
        assert stored is not None and stored.state == FINISHED and stored.active_place is None
        assert (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one() == 9
        misses = await missed_questions(session, "discord:g1", CAL.user_id)
    assert len(misses) == 3


async def test_countdown_edits_the_one_question_message_a_few_times(
        quizbot: StudyBot, clock: FakeClock, notifier: RecordingNotifier) -> None:
    await _start(quizbot, questions="1", seconds="20")
    ref = notifier.posts[-1][1]
    for _ in range(20):
        clock.advance(1)
        await quizbot.tick()
    countdowns = [r for _, m, r in notifier.edits if m == ref and r.choices]
    assert [r.text.splitlines()[-1] for r in countdowns] == ["⏱ 10 s left", "⏱ 5 s left"]
    clock.advance(1)
    await quizbot.tick()
    assert not notifier.edits[-1][2].choices  # the reveal closed the question's buttons


def test_kahoot_scoring_rule() -> None:
    assert points(True, 0, 20, 0) == 1000
    assert points(True, 10, 20, 0) == 750
    assert points(True, 20, 20, 0) == 500
    assert points(True, 5, 20, 3) == 875 + 300
    assert points(True, 5, 20, 9) == 875 + 500  # the streak bonus is capped
    assert points(False, 1, 20, 4) == 0


async def test_an_answer_may_change_once_and_is_confirmed_privately(
        quizbot: StudyBot, clock: FakeClock) -> None:
    quiz = await _start(quizbot, questions="1")
    right = await correct_option(quizbot, quiz, 0)
    wrong = (right + 1) % 2
    first = await press(quizbot, ANA, f"quiz:{quiz}:0:{wrong}")
    assert first[0].private and "change your answer once" in first[0].text
    assert "already chose" in (await press(quizbot, ANA, f"quiz:{quiz}:0:{wrong}"))[0].text
    clock.advance(10)
    changed = await press(quizbot, ANA, f"quiz:{quiz}:0:{right}")
    assert changed[0].private and "Changed to" in changed[0].text
    again = await press(quizbot, ANA, f"quiz:{quiz}:0:{wrong}")
    assert "already changed" in again[0].text
    clock.advance(11)
    await quizbot.tick()
    async with quizbot.db.transaction() as session:
        answer = (await session.execute(select(QuizAnswer))).scalar_one()
    assert answer.changed and answer.correct and answer.choice == right
    assert answer.points == 750  # timed from the change, settled when the question closes


async def test_a_late_answer_is_refused_politely(quizbot: StudyBot, clock: FakeClock) -> None:
    quiz = await _start(quizbot, questions="2", seconds="10")
    clock.advance(11)
    late = await press(quizbot, ANA, f"quiz:{quiz}:0:0")
    assert late[0].private and "closed" in late[0].text
    await quizbot.tick()
    assert "closed" in (await press(quizbot, ANA, f"quiz:{quiz}:0:0"))[0].text
    async with quizbot.db.transaction() as session:
        assert (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one() == 0


async def test_students_cannot_run_a_quiz(quizbot: StudyBot, notifier: RecordingNotifier) -> None:
    for name in ("quiz start", "quiz stop", "quiz next", "quiz pause", "quiz resume"):
        refused = await run(quizbot, ANA, name)
        assert refused[0].private and "only a teacher" in refused[0].text
    assert notifier.posts == []


async def test_two_teachers_starting_at_once_get_one_quiz(
        quizbot: StudyBot, notifier: RecordingNotifier) -> None:
    one, two = await asyncio.gather(run(quizbot, teacher("A"), "quiz start"),
                                    run(quizbot, teacher("B"), "quiz start"))
    texts = sorted([one[0].text, two[0].text])
    assert texts[0].startswith("A quiz is already running") and "started" in texts[1]
    async with quizbot.db.transaction() as session:
        assert (await session.execute(select(func.count(QuizSession.id)))).scalar_one() == 1
    assert len([r for _, _, r in notifier.posts if r.choices]) == 1


async def test_two_bots_starting_at_once_get_one_quiz(
        quiz_kb: KnowledgeBase, database_url: str, clock: FakeClock) -> None:
    """Two processes (two engines on one database) racing: the database decides."""
    bots = [StudyBot(quiz_kb, await Database.open(database_url), clock, RecordingNotifier())
            for _ in range(2)]
    try:
        results = await asyncio.gather(*(run(b, teacher(str(i)), "quiz start")
                                         for i, b in enumerate(bots)))
        assert sum("started" in r[0].text for r in results) == 1
    finally:
        for b in bots:
            await b.close()


async def test_stopping_early_keeps_the_results(
        quizbot: StudyBot, clock: FakeClock, notifier: RecordingNotifier) -> None:
    quiz = await _start(quizbot, questions="5")
    right = await correct_option(quizbot, quiz, 0)
    clock.advance(4)
    await press(quizbot, ANA, f"quiz:{quiz}:0:{right}")
    stopped = await run(quizbot, teacher(), "quiz stop")
    assert "results are saved" in stopped[0].text
    final = titled(notifier, "Final leaderboard")[0].text
    assert "stopped after 1 of 5 questions" in final and "Ana: 900 points (1/1 right)" in final
    async with quizbot.db.transaction() as session:
        stored = await session.get(QuizSession, quiz)
        player = (await session.execute(select(QuizPlayer))).scalar_one()
    assert stored is not None and stored.state == STOPPED and stored.active_place is None
    assert player.score == 900
    assert "started" in (await run(quizbot, teacher(), "quiz start"))[0].text  # channel free


async def test_a_quiz_nobody_answers_still_ends_and_is_stored(
        quizbot: StudyBot, clock: FakeClock, notifier: RecordingNotifier) -> None:
    quiz = await _start(quizbot, questions="2", seconds="5")
    for _ in range(3):
        clock.advance(REVEAL_GAP + 5)
        await quizbot.tick()
    final = titled(notifier, "Final leaderboard")
    assert len(final) == 1 and "Nobody answered" in final[0].text
    assert any("Nobody answered this one" in r.text for r in titled(notifier, "Question 1"))
    async with quizbot.db.transaction() as session:
        stored = await session.get(QuizSession, quiz)
    assert stored is not None and stored.state == FINISHED


async def test_teacher_pace_waits_for_next_and_pause_stops_the_clock(
        quizbot: StudyBot, clock: FakeClock, notifier: RecordingNotifier) -> None:
    quiz = await _start(quizbot, questions="2", seconds="20", pace="teacher")
    clock.advance(5)
    assert "paused" in (await run(quizbot, teacher(), "quiz pause"))[0].text
    clock.advance(600)
    await quizbot.tick()
    assert titled(notifier, "Question 1 of 2: the answer") == []
    assert "paused" in (await press(quizbot, ANA, f"quiz:{quiz}:0:0"))[0].text
    assert "15 s left" in (await run(quizbot, teacher(), "quiz resume"))[0].text
    clock.advance(14)
    await press(quizbot, ANA, f"quiz:{quiz}:0:0")
    clock.advance(2)
    await quizbot.tick()
    assert len(titled(notifier, "Question 1 of 2: the answer")) == 1
    clock.advance(300)
    await quizbot.tick()
    assert last_question(notifier).title == "Question 1 of 2"  # waits for the teacher
    await run(quizbot, teacher(), "quiz next")
    assert last_question(notifier).title == "Question 2 of 2"
    await run(quizbot, teacher(), "quiz next")  # reveals the open question, then finishes
    assert len(titled(notifier, "Question 2 of 2: the answer")) == 1
    assert len(titled(notifier, "Final leaderboard")) == 1


async def test_unknown_topic_is_explained(quizbot: StudyBot) -> None:
    replies = await run(quizbot, teacher(), "quiz start", topic="volcanoes")
    assert replies[0].private and "no topic" in replies[0].text and "spain" in replies[0].text


async def test_a_button_from_another_server_does_nothing(quizbot: StudyBot) -> None:
    quiz = await _start(quizbot, questions="1")
    outsider = student("Eve", tenant="g2")
    replies = await press(quizbot, outsider, f"quiz:{quiz}:0:0")
    assert "no longer does anything" in replies[0].text
    for bad in (f"quiz:{quiz}:0:9", f"quiz:{quiz}:7:0", "quiz:x:0:0", f"quiz:{quiz}"):
        assert "no longer does anything" in (await press(quizbot, ANA, bad))[0].text


async def test_restart_mid_quiz_resumes_on_the_next_tick(
        quiz_kb: KnowledgeBase, database_url: str, clock: FakeClock) -> None:
    first = StudyBot(quiz_kb, await Database.open(database_url), clock, RecordingNotifier())
    quiz = await _start(first, questions="2", seconds="20")
    right = await correct_option(first, quiz, 0)
    clock.advance(3)
    await press(first, ANA, f"quiz:{quiz}:0:{right}")
    await first.close()  # the process goes away mid-question

    notifier = RecordingNotifier()
    second = StudyBot(quiz_kb, await Database.open(database_url), clock, notifier)
    try:
        clock.advance(5)
        await press(second, BEN, f"quiz:{quiz}:0:{right}")
        clock.advance(13)
        await second.tick()
        reveal = titled(notifier, "Question 1 of 2: the answer")
        assert len(reveal) == 1 and "2 of 2 right" in reveal[0].text
        clock.advance(REVEAL_GAP)
        await second.tick()
        assert last_question(notifier).title == "Question 2 of 2"
    finally:
        await second.close()


async def test_restart_long_after_closes_the_quiz_with_results(
        quiz_kb: KnowledgeBase, database_url: str, clock: FakeClock) -> None:
    first = StudyBot(quiz_kb, await Database.open(database_url), clock, RecordingNotifier())
    quiz = await _start(first, questions="3", seconds="20")
    right = await correct_option(first, quiz, 0)
    await press(first, ANA, f"quiz:{quiz}:0:{right}")
    await first.close()

    clock.advance(hours=3)
    notifier = RecordingNotifier()
    second = StudyBot(quiz_kb, await Database.open(database_url), clock, notifier)
    try:
        await second.tick()
        final = titled(notifier, "Final leaderboard")
        assert len(final) == 1 and "Ana: 1000 points (1/1 right)" in final[0].text
        async with second.db.transaction() as session:
            stored = await session.get(QuizSession, quiz)
        assert stored is not None and stored.state == FINISHED and stored.active_place is None
    finally:
        await second.close()


async def test_place_of_the_quiz_is_where_it_was_started(
        quizbot: StudyBot, notifier: RecordingNotifier) -> None:
    await _start(quizbot, questions="1")
    assert notifier.posts[0][0] == PLACE


async def test_an_answer_racing_the_reveal_is_either_counted_or_refused(
        quizbot: StudyBot, clock: FakeClock, notifier: RecordingNotifier) -> None:
    """At the deadline, answers and the reveal run at once: no answer is acknowledged and
    then left out of the scores."""
    quiz = await _start(quizbot, questions="1", seconds="10")
    right = await correct_option(quizbot, quiz, 0)
    clock.advance(10)  # exactly at the deadline: still open, and due for the reveal
    students = [student(f"S{i}") for i in range(8)]
    results = await asyncio.gather(
        *(press(quizbot, s, f"quiz:{quiz}:0:{right}") for s in students[:4]),
        quizbot.tick(),
        *(press(quizbot, s, f"quiz:{quiz}:0:{right}") for s in students[4:]))
    acknowledged = sum(1 for r in results if r and r[0].text.startswith("Got it"))
    reveal = titled(notifier, "Question 1 of 1: the answer")[0].text
    assert (f"{acknowledged} of {acknowledged} right" in reveal if acknowledged
            else "Nobody answered" in reveal)
    async with quizbot.db.transaction() as session:
        scored = (await session.execute(select(func.sum(QuizPlayer.answered)))).scalar()
    assert (scored or 0) == acknowledged


async def test_one_student_pressing_in_two_processes_at_once_answers_once(
        quiz_kb: KnowledgeBase, database_url: str, clock: FakeClock) -> None:
    bots = [StudyBot(quiz_kb, await Database.open(database_url), clock, RecordingNotifier())
            for _ in range(2)]
    try:
        quiz = await _start(bots[0], questions="1")
        replies = await asyncio.gather(*(press(b, ANA, f"quiz:{quiz}:0:0") for b in bots))
        texts = sorted(r[0].text for r in replies)
        assert texts[0].startswith("Got it") and texts[1].startswith("You already chose")
        async with bots[0].db.transaction() as session:
            assert (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one() == 1
    finally:
        for b in bots:
            await b.close()
