"""Solo practice: private questions, instant feedback, a score, misses kept for revision."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.app import StudyBot
from bot.notifier import RecordingNotifier
from bot.quiz.bank import question_bank
from bot.quiz.models import FINISHED, QuizAnswer, QuizSession
from bot.quiz.records import missed_questions
from tests.quiz.helpers import correct_option, press, run, student

ANA = student("Ana")


async def test_a_practice_from_first_question_to_score(quizbot: StudyBot,
                                                      notifier: RecordingNotifier) -> None:
    replies = await run(quizbot, ANA, "quiz solo", questions="4", topic="spain")
    assert all(r.private for r in replies) and "4 questions on spain" in replies[0].text
    question = replies[1]
    session_id = int(question.choices[0].action_id.split(":")[1])
    for position in range(4):
        assert question.title == f"Question {position + 1} of 4"
        assert all(c.action_id.startswith(f"solo:{session_id}:{position}:")
                   for c in question.choices)
        right = await correct_option(quizbot, session_id, position)
        choice = right if position % 2 == 0 else (right + 1) % len(question.choices)
        replies = await press(quizbot, ANA, f"solo:{session_id}:{position}:{choice}")
        feedback = replies[0]
        assert feedback.private and feedback.replace
        assert feedback.text.splitlines()[0].split(": ", 1)[1].startswith(
            "✅" if choice == right else "❌")
        assert "The essay:" in feedback.text or "Source:" in feedback.text
        question = replies[1]
    assert question.title == "Practice done" and "You got 2 of 4 right" in question.text
    async with quizbot.db.transaction() as session:
        stored = await session.get(QuizSession, session_id)
        misses = await missed_questions(session, ANA.tenant_key, ANA.user_id)
    assert stored is not None and stored.state == FINISHED
    bank = quizbot.service(question_bank)
    assert len(misses) == 2 and all(bank.get(m.question_id) is not None for m in misses)
    assert notifier.posts == []  # nothing public


async def test_a_question_is_answered_once_and_only_by_its_student(quizbot: StudyBot) -> None:
    replies = await run(quizbot, ANA, "quiz solo", questions="2")
    action = replies[1].choices[0].action_id
    assert "someone else's" in (await press(quizbot, student("Ben"), action))[0].text
    await press(quizbot, ANA, action)
    assert "answered that one already" in (await press(quizbot, ANA, action))[0].text
    async with quizbot.db.transaction() as session:
        assert (await session.execute(select(func.count(QuizAnswer.id)))).scalar_one() == 1


async def test_missing_twice_counts_twice(quizbot: StudyBot) -> None:
    from bot.quiz.records import record_miss

    async with quizbot.db.transaction() as session:
        for _ in range(2):
            await record_miss(session, "discord:g1", "u", "which_year:t-munich", "t-munich",
                              quizbot.clock.now())
        await record_miss(session, "discord:g2", "u", "which_year:t-munich", "t-munich",
                          quizbot.clock.now())
    async with quizbot.db.transaction() as session:
        misses = await missed_questions(session, "discord:g1", "u")
    assert [(m.question_id, m.times) for m in misses] == [("which_year:t-munich", 2)]


async def test_a_new_practice_replaces_the_unfinished_one(quizbot: StudyBot) -> None:
    old = await run(quizbot, ANA, "quiz solo", questions="3")
    await run(quizbot, ANA, "quiz solo", questions="3")
    replies = await press(quizbot, ANA, old[1].choices[0].action_id)
    assert "has ended" in replies[0].text
