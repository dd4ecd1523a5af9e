"""Solo practice: one student, private questions, instant feedback, misses kept for revision.

A practice is stored like a class quiz (kind ``solo``) so its answers count towards accuracy
reports and survive a restart; there is no timer and no leaderboard score.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.parse import id_numbers
from bot.events import Actor, Place, Press
from bot.ops.metrics import count_answers
from bot.quiz.bank import question_bank
from bot.quiz.group import create_session
from bot.quiz.models import FINISHED, RUNNING, SOLO, STOPPED, QuizAnswer, QuizQuestion, QuizSession
from bot.quiz.records import record_miss
from bot.quiz.render import option_labels, question_reply
from bot.replies import Reply, private

if TYPE_CHECKING:
    from bot.app import StudyBot

GONE = "That practice has ended. Start a new one with `/quiz solo`."


async def start_solo(bot: StudyBot, actor: Actor, place: Place, topic_text: str | None,
                     count: int) -> list[Reply]:
    bank = bot.service(question_bank)
    topic = None
    if topic_text:
        topic = bank.match_topic(topic_text)
        if topic is None:
            return [private(f"I have no topic `{topic_text[:30]}`. "
                            f"Topics: {', '.join(bank.topics())}.")]
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        seen = await _answered_right(session, actor)
        picked = bank.pick(count, f"solo:{actor.tenant_key}:{actor.user_id}:{now.isoformat()}",
                           topic, avoid=seen)
        if not picked:
            return [private("There are no questions on that topic yet.")]
        await session.execute(  # a new practice replaces an unfinished one
            update(QuizSession).where(QuizSession.tenant_key == actor.tenant_key,
                                      QuizSession.user_id == actor.user_id,
                                      QuizSession.kind == SOLO, QuizSession.state == RUNNING)
            .values(state=STOPPED, finished_at=now))
        quiz = await create_session(session, kind=SOLO, actor=actor, place=place,
                                    questions=picked, now=now, topic=topic, seconds=0,
                                    pace="solo", active=False)
        quiz.current = 0
        first = await _question(session, quiz.id, 0)
        first.opened_at = now
        reply = question_reply(first.data, 0, quiz.total, "solo", quiz.id, private=True)
    intro = f"Practice: {quiz.total} questions" + (f" on {topic}" if topic else "") + "."
    return [private(intro), reply]


async def _answered_right(session: AsyncSession, actor: Actor) -> set[str]:
    """Questions this student already got right: a new practice asks others first."""
    rows = await session.execute(
        select(QuizQuestion.question_id)
        .join(QuizAnswer, QuizAnswer.question_row == QuizQuestion.id)
        .where(QuizAnswer.tenant_key == actor.tenant_key, QuizAnswer.user_id == actor.user_id,
               QuizAnswer.correct.is_(True)))
    return set(rows.scalars())


async def _question(session: AsyncSession, session_id: int, position: int) -> QuizQuestion:
    return (await session.execute(select(QuizQuestion).where(
        QuizQuestion.session_id == session_id, QuizQuestion.position == position))).scalar_one()


async def solo_answer(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    """``solo:<session>:<question>:<option>``: mark it, explain, and show the next question."""
    numbers = id_numbers(parts, 3)
    if numbers is None:
        return [private(GONE)]
    session_id, position, choice = numbers
    try:
        return await _mark(bot, press, session_id, position, choice)
    except IntegrityError:  # a double press: the first one was stored
        return [private("You have answered that one already.")]


async def _mark(bot: StudyBot, press: Press, session_id: int, position: int,
                choice: int) -> list[Reply]:
    actor = press.actor
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        quiz = await session.get(QuizSession, session_id)
        if quiz is None or quiz.kind != SOLO or quiz.tenant_key != actor.tenant_key:
            return [private(GONE)]
        if quiz.user_id != actor.user_id:
            return [private("This practice is someone else's. Start your own with `/quiz solo`.")]
        if quiz.state != RUNNING:
            return [private(GONE)]
        if position != quiz.current:
            return [private("You have answered that one already; carry on with the latest "
                            "question.")]
        row = await _question(session, session_id, position)
        labels = option_labels(row.data)
        if not 0 <= choice < len(labels):
            return [private(GONE)]
        right = choice == row.correct
        elapsed = (now - row.opened_at).total_seconds() if row.opened_at else 0.0
        session.add(QuizAnswer(question_row=row.id, session_id=session_id,
                               tenant_key=actor.tenant_key, position=position,
                               user_id=actor.user_id, display_name=actor.name[:100],
                               choice=choice, answered_at=now,
                               elapsed=elapsed, correct=right, points=0, changed=False))
        row.closed_at = now
        if not right:
            await record_miss(session, actor.tenant_key, actor.user_id, row.question_id,
                              row.entry_id, now)
        feedback = _feedback(row.data, labels, choice, row.correct, position, quiz.total)
        replies = [private(feedback, replace=True)]
        if position + 1 < quiz.total:
            quiz.current = position + 1
            following = await _question(session, session_id, position + 1)
            following.opened_at = now
            replies.append(question_reply(following.data, position + 1, quiz.total, "solo",
                                          session_id, private=True))
        else:
            quiz.state, quiz.finished_at = FINISHED, now
            score = await _score(session, session_id)
            replies.append(private(_summary(score, quiz.total), title="Practice done"))
    count_answers("solo")  # committed: the transaction above has closed
    return replies


def _feedback(data: dict[str, Any], labels: list[str], choice: int, correct: int,
              position: int, total: int) -> str:
    head = (f"✅ Right: **{labels[correct]}**." if choice == correct
            else f"❌ You chose {labels[choice]}; the answer is **{labels[correct]}**.")
    if data.get("type") == "order":
        head += f"\n{' → '.join(data['answer'])}"
    return f"Question {position + 1} of {total}: {head}\n{data['explanation']}"


async def _score(session: AsyncSession, session_id: int) -> int:
    """Right answers so far (the one just added included: the query flushes it first)."""
    return int((await session.execute(select(func.count(QuizAnswer.id)).where(
        QuizAnswer.session_id == session_id, QuizAnswer.correct.is_(True)))).scalar() or 0)


def _summary(score: int, total: int) -> str:
    text = f"You got {score} of {total} right."
    if score < total:
        text += " The ones you missed are in your revision queue: `/revise` to go over them."
    else:
        text += " Every one right!"
    return text
