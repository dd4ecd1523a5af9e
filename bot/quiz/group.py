"""The class quiz a teacher starts in a channel: questions, answers, timers, reveals, results.

All state is in the database and every step is claimed there with a conditional UPDATE
(open question k only if k-1 is current, reveal only if not yet closed, finish only if still
active), so a tick, a teacher's command and another process never do the same step twice,
and a new bot process over the same database carries on where the old one stopped.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands.parse import id_numbers
from bot.events import Actor, Place, Press
from bot.quiz.answers import GONE, AnswerWriter
from bot.quiz.bank import Question, question_bank
from bot.quiz.models import (
    AUTO,
    FINISHED,
    GROUP,
    PAUSED,
    RUNNING,
    STOPPED,
    QuizAnswer,
    QuizPlayer,
    QuizQuestion,
    QuizSession,
)
from bot.quiz.records import record_misses
from bot.quiz.render import final_reply, question_reply, reveal_reply
from bot.quiz.scoring import points
from bot.quiz.writes import quiz_transaction
from bot.replies import Reply, count_of, private
from bot.storage.sql import insert_or_ignore

if TYPE_CHECKING:
    from bot.app import StudyBot

log = logging.getLogger(__name__)

#: Seconds between a reveal and the next question when the quiz moves on by itself.
REVEAL_GAP = 6
#: A quiz whose timer ran out this long ago (the bot was down) closes, results saved.
OVERDUE = timedelta(minutes=10)


@dataclass(frozen=True, slots=True)
class QuizSettings:
    topic: str | None
    questions: int
    seconds: int
    pace: str


def snapshot(question: Question) -> dict[str, Any]:
    """What a quiz stores of a question: everything needed to show, mark and explain it."""
    labels, _ = question.options()
    return question.to_json() | {"options": list(labels)}


async def create_session(session: AsyncSession, *, kind: str, actor: Actor, place: Place,
                         questions: list[Question], now: datetime, topic: str | None,
                         seconds: int, pace: str, active: bool) -> QuizSession:
    """Insert a quiz and all its questions. ``active`` claims the channel (group quizzes)."""
    quiz = QuizSession(
        tenant_key=actor.tenant_key, kind=kind, platform=place.platform, tenant=place.tenant,
        channel=place.channel, thread=place.thread, place_key=place.key,
        active_place=place.key if active else None, user_id=actor.user_id,
        user_name=actor.name[:100], topic=topic, total=len(questions), seconds=seconds,
        pace=pace, state=RUNNING, current=-1, next_at=now if active else None,
        created_at=now)
    session.add(quiz)
    await session.flush()
    for position, question in enumerate(questions):
        _, right = question.options()
        session.add(QuizQuestion(session_id=quiz.id, tenant_key=actor.tenant_key,
                                 position=position, question_id=question.id,
                                 entry_id=question.entry_id, data=snapshot(question),
                                 correct=right))
    await session.flush()
    return quiz


#: Class quizzes running at once in one server or workspace (one per channel besides): a
#: large school's every class at once, with room to spare.
MAX_RUNNING_PER_TENANT = 100
_TOO_MANY = (f"{MAX_RUNNING_PER_TENANT} class quizzes are running in this server already, the "
             "most at once; stop one (`quiz stop` in its channel) first.")


async def _too_many_running(session: AsyncSession, tenant_key: str) -> bool:
    running = (await session.execute(select(func.count()).select_from(QuizSession).where(
        QuizSession.tenant_key == tenant_key, QuizSession.active_place.is_not(None))))
    return int(running.scalar_one()) >= MAX_RUNNING_PER_TENANT


# --- Starting and commands ------------------------------------------------------------------

async def start(bot: StudyBot, actor: Actor, place: Place, settings: QuizSettings) -> list[Reply]:
    bank = bot.service(question_bank)
    topic = None
    if settings.topic:
        topic = bank.match_topic(settings.topic)
        if topic is None:
            return [private(f"I have no topic `{settings.topic[:30]}`. "
                            f"Topics: {', '.join(bank.topics())}.")]
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        if await active_quiz(session, place) is not None:
            return [private(_ALREADY)]
        if await _too_many_running(session, actor.tenant_key):
            return [private(_TOO_MANY)]
        asked = await _asked_here(session, place)
    picked = bank.pick(settings.questions, f"{place.key}:{now.isoformat()}", topic, avoid=asked)
    if not picked:
        return [private("There are no questions on that topic yet.")]
    try:
        async with quiz_transaction(bot) as session:
            if await _too_many_running(session, actor.tenant_key):  # checked again: others
                return [private(_TOO_MANY)]  # may have started meanwhile
            quiz = await create_session(session, kind=GROUP, actor=actor, place=place,
                                        questions=picked, now=now, topic=topic,
                                        seconds=settings.seconds, pace=settings.pace,
                                        active=True)
    except IntegrityError:  # another teacher's quiz took the channel a moment ago
        return [private(_ALREADY)]
    await open_question(bot, quiz.id, 0)
    short = f" (only {len(picked)} on this topic)" if len(picked) < settings.questions else ""
    pace = "I move on by myself" if settings.pace == AUTO else "you move on with `/quiz next`"
    return [private(f"Quiz #{quiz.id} started: {count_of(len(picked), 'question')}{short}, "
                    f"{settings.seconds} s each; {pace}. `/quiz pause`, `/quiz stop` any time.")]


_ALREADY = ("A quiz is already running in this channel. `/quiz stop` ends it, "
            "or start yours in another channel.")


async def active_quiz(session: AsyncSession, place: Place) -> QuizSession | None:
    return (await session.execute(select(QuizSession).where(
        QuizSession.active_place == place.key))).scalar_one_or_none()


async def _asked_here(session: AsyncSession, place: Place) -> set[str]:
    """Question ids asked in this channel before: a class should rarely see a repeat."""
    rows = await session.execute(
        select(QuizQuestion.question_id)
        .join(QuizSession, QuizSession.id == QuizQuestion.session_id)
        .where(QuizSession.place_key == place.key, QuizSession.kind == GROUP))
    return set(rows.scalars())


async def next_question(bot: StudyBot, place: Place) -> list[Reply]:
    """Reveal the open question now, or else open the next (or finish after the last)."""
    async with quiz_transaction(bot) as session:
        quiz = await active_quiz(session, place)
        if quiz is None:
            return [private("There is no quiz running in this channel.")]
        if quiz.state == PAUSED:
            return [private("The quiz is paused: `/quiz resume` first.")]
        open_row = await _open_row(session, quiz)
    if open_row is not None:
        await reveal(bot, open_row)
    await advance(bot, quiz.id, quiz.current, quiz.total)
    return [private("Moving on.")]


async def advance(bot: StudyBot, session_id: int, current: int, total: int) -> None:
    """Open question ``current + 1``, or finish the quiz when there is none."""
    if current + 1 < total:
        await open_question(bot, session_id, current + 1)
    else:
        await finish(bot, session_id, stopped=False)


async def stop(bot: StudyBot, place: Place) -> list[Reply]:
    async with quiz_transaction(bot) as session:
        quiz = await active_quiz(session, place)
        if quiz is None:
            return [private("There is no quiz running in this channel.")]
        open_row = await _open_row(session, quiz)
    if open_row is not None:
        await reveal(bot, open_row)
    await finish(bot, quiz.id, stopped=True)
    return [private(f"Quiz #{quiz.id} stopped; its results are saved.")]


async def pause(bot: StudyBot, place: Place) -> list[Reply]:
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        quiz = await active_quiz(session, place)
        if quiz is None:
            return [private("There is no quiz running in this channel.")]
        if quiz.state == PAUSED:
            return [private("The quiz is already paused. `/quiz resume` carries on.")]
        row = await _open_row(session, quiz)
        question = await session.get(QuizQuestion, row) if row is not None else None
        if question is not None and question.deadline is not None:
            quiz.paused_left = max((question.deadline - now).total_seconds(), 1.0)
        elif quiz.next_at is not None:
            quiz.paused_left = max((quiz.next_at - now).total_seconds(), 0.0)
        else:
            quiz.paused_left = None
        quiz.state = PAUSED
    return [Reply(f"⏸ Quiz #{quiz.id} paused by the teacher. The clock has stopped.")]


async def resume(bot: StudyBot, place: Place) -> list[Reply]:
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        quiz = await active_quiz(session, place)
        if quiz is None:
            return [private("There is no quiz running in this channel.")]
        if quiz.state != PAUSED:
            return [private("The quiz is not paused.")]
        left = timedelta(seconds=quiz.paused_left or 0)
        row = await _open_row(session, quiz)
        question = await session.get(QuizQuestion, row) if row is not None else None
        if question is not None:
            question.deadline = now + left
            question.countdown_at = next_countdown(question.deadline, quiz.seconds, now)
        elif quiz.next_at is not None:
            quiz.next_at = now + left
        quiz.state, quiz.paused_left = RUNNING, None
    return [Reply(f"▶️ Quiz #{quiz.id} resumed: {math.ceil(left.total_seconds())} s left.")]


async def _open_row(session: AsyncSession, quiz: QuizSession) -> int | None:
    """The id of the quiz's question that is open (shown and not yet revealed), if any."""
    return (await session.execute(select(QuizQuestion.id).where(
        QuizQuestion.session_id == quiz.id, QuizQuestion.position == quiz.current,
        QuizQuestion.opened_at.is_not(None), QuizQuestion.closed_at.is_(None)))).scalar()


# --- Steps: open, countdown, reveal, finish --------------------------------------------------

def countdown_marks(seconds: int) -> list[int]:
    """Seconds-left at which the question's message is edited: a few times, not every second."""
    marks = {seconds // 2, 5} if seconds > 10 else {seconds // 2}
    return sorted((m for m in marks if 0 < m < seconds), reverse=True)


def next_countdown(deadline: datetime, seconds: int, now: datetime) -> datetime | None:
    for mark in countdown_marks(seconds):
        when = deadline - timedelta(seconds=mark)
        if when > now:
            return when
    return None


async def open_question(bot: StudyBot, session_id: int, position: int) -> bool:
    """Show question ``position``; False if another step got there first."""
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        claimed = await session.execute(
            update(QuizSession).where(QuizSession.id == session_id,
                                      QuizSession.current == position - 1,
                                      QuizSession.state == RUNNING)
            .values(current=position, next_at=None))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        quiz = await session.get(QuizSession, session_id)
        row = (await session.execute(select(QuizQuestion).where(
            QuizQuestion.session_id == session_id, QuizQuestion.position == position))).scalar_one()
        assert quiz is not None
        row.opened_at = now
        row.deadline = now + timedelta(seconds=quiz.seconds)
        row.countdown_at = next_countdown(row.deadline, quiz.seconds, now)
        reply = question_reply(row.data, position, quiz.total, "quiz", quiz.id, quiz.seconds)
        place, row_id = quiz.place, row.id
    ref = await bot.notifier.post(place, reply)
    async with quiz_transaction(bot) as session:
        await session.execute(update(QuizQuestion).where(QuizQuestion.id == row_id)
                              .values(message_ref=ref))
    return True


async def countdown(bot: StudyBot, row_id: int, due: datetime) -> None:
    """Edit the question's one message to show the time left; claimed so it happens once."""
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        row = await session.get(QuizQuestion, row_id)
        quiz = await session.get(QuizSession, row.session_id) if row else None
        if row is None or quiz is None or row.deadline is None or row.countdown_at != due:
            return
        row.countdown_at = next_countdown(row.deadline, quiz.seconds, now)
        left = max(math.ceil((row.deadline - now).total_seconds()), 1)
        reply = question_reply(row.data, row.position, quiz.total, "quiz", quiz.id, left)
        place, ref = quiz.place, row.message_ref
    if ref:
        await bot.notifier.edit(place, ref, reply)


async def reveal(bot: StudyBot, row_id: int) -> bool:
    """Close a question: score it, update streaks, record misses, then show the answer."""
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        claimed = await session.execute(
            update(QuizQuestion).where(QuizQuestion.id == row_id, QuizQuestion.closed_at.is_(None))
            .values(closed_at=now, countdown_at=None))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        row = await session.get(QuizQuestion, row_id)
        assert row is not None
        quiz = await session.get(QuizSession, row.session_id)
        assert quiz is not None
        counts, top = await _score_question(session, quiz, row, now)
        if quiz.pace == AUTO and quiz.state == RUNNING and row.position + 1 < quiz.total:
            quiz.next_at = now + timedelta(seconds=REVEAL_GAP)
        place, ref = quiz.place, row.message_ref
        closed = question_reply(row.data, row.position, quiz.total, "quiz", quiz.id, closed=True)
        shown = reveal_reply(row.data, row.position, quiz.total, counts, row.correct, top)
    if ref:
        await bot.notifier.edit(place, ref, closed)
    await bot.notifier.post(place, shown)
    return True


async def _score_question(session: AsyncSession, quiz: QuizSession, row: QuizQuestion,
                          now: datetime) -> tuple[list[int], list[tuple[str, int]]]:
    """Score the question's answers (speed and streak), move streaks, record the misses.

    Points are settled here rather than at answer time: the streak an answer earns depends
    on the previous question, and the answer path stays three statements long.
    """
    answers = (await session.execute(
        select(QuizAnswer.id, QuizAnswer.user_id, QuizAnswer.display_name, QuizAnswer.choice,
               QuizAnswer.correct, QuizAnswer.elapsed)
        .where(QuizAnswer.question_row == row.id))).all()
    await insert_or_ignore(session, QuizPlayer, [
        {"session_id": quiz.id, "tenant_key": quiz.tenant_key, "user_id": a.user_id,
         "display_name": a.display_name, "score": 0, "streak": 0, "answered": 0, "right": 0,
         "created_at": now} for a in answers], ("session_id", "user_id"))
    players = (await session.execute(
        select(QuizPlayer.id, QuizPlayer.user_id, QuizPlayer.display_name, QuizPlayer.score,
               QuizPlayer.streak, QuizPlayer.answered, QuizPlayer.right)
        .where(QuizPlayer.session_id == quiz.id))).all()
    counts = [0] * len(row.data["options"])
    by_user = {a.user_id: a for a in answers}
    scored, updated, misses = [], [], []
    standings = []
    for player in players:
        answer = by_user.get(player.user_id)
        score, streak, answered, right = player.score, 0, player.answered, player.right
        if answer is not None:
            gained = points(answer.correct, answer.elapsed, quiz.seconds, player.streak)
            scored.append({"id": answer.id, "points": gained})
            counts[answer.choice] += 1
            score, answered = score + gained, answered + 1
            right += int(answer.correct)
            streak = player.streak + 1 if answer.correct else 0
            if not answer.correct:
                misses.append((player.user_id, row.question_id, row.entry_id))
        updated.append({"id": player.id, "score": score, "streak": streak,
                        "answered": answered, "right": right})
        standings.append((player.display_name or player.user_id, score))
    if scored:
        await session.execute(update(QuizAnswer), scored)
    if updated:
        await session.execute(update(QuizPlayer), updated)
    await record_misses(session, quiz.tenant_key, misses, now)
    standings.sort(key=lambda s: (-s[1], s[0]))
    return counts, standings[:5]


async def finish(bot: StudyBot, session_id: int, stopped: bool) -> bool:
    """End the quiz, free the channel and post the final leaderboard (results stay stored)."""
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        claimed = await session.execute(
            update(QuizSession).where(QuizSession.id == session_id,
                                      QuizSession.state.in_((RUNNING, PAUSED)))
            .values(state=STOPPED if stopped else FINISHED, active_place=None,
                    finished_at=now, next_at=None, paused_left=None))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return False
        quiz = await session.get(QuizSession, session_id)
        assert quiz is not None
        await session.execute(update(QuizQuestion).where(
            QuizQuestion.session_id == session_id, QuizQuestion.opened_at.is_not(None),
            QuizQuestion.closed_at.is_(None)).values(closed_at=now, countdown_at=None))
        players = (await session.execute(select(QuizPlayer).where(
            QuizPlayer.session_id == session_id))).scalars()
        board = sorted(((p.display_name or p.user_id, p.score, p.right, p.answered)
                        for p in players), key=lambda b: (-b[1], b[0]))
        asked = (await session.execute(select(QuizQuestion.id).where(
            QuizQuestion.session_id == session_id,
            QuizQuestion.opened_at.is_not(None)))).scalars().all()
        reply = final_reply(quiz.id, len(asked), quiz.total, stopped, board)
        place = quiz.place
    await bot.notifier.post(place, reply)
    return True


# --- The timer ------------------------------------------------------------------------------

async def tick(bot: StudyBot) -> None:
    """Do every due step of every running group quiz: countdown edits, reveals, next questions.

    After a restart this finds where each quiz stood; one whose timer ran out more than
    :data:`OVERDUE` ago (the bot was down) is closed with its results saved instead.
    """
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        due_questions = (await session.execute(
            select(QuizQuestion.id, QuizQuestion.deadline, QuizQuestion.countdown_at,
                   QuizQuestion.position, QuizSession.id, QuizSession.total)
            .join(QuizSession, QuizSession.id == QuizQuestion.session_id)
            .where(QuizSession.state == RUNNING, QuizSession.kind == GROUP,
                   QuizQuestion.opened_at.is_not(None), QuizQuestion.closed_at.is_(None),
                   or_(QuizQuestion.deadline <= now, QuizQuestion.countdown_at <= now)))).all()
        due_sessions = (await session.execute(
            select(QuizSession.id, QuizSession.current, QuizSession.total, QuizSession.next_at)
            .where(QuizSession.state == RUNNING, QuizSession.kind == GROUP,
                   QuizSession.next_at <= now))).all()
    steps = [_question_step(bot, now, *row) for row in due_questions]
    steps += [_session_step(bot, now, *row) for row in due_sessions]
    await _run_all(bot, steps)


async def _question_step(bot: StudyBot, now: datetime, row_id: int, deadline: datetime | None,
                         countdown_at: datetime | None, position: int, session_id: int,
                         total: int) -> None:
    if deadline is not None and deadline <= now:
        await reveal(bot, row_id)
        if now - deadline > OVERDUE or position + 1 >= total:
            await finish(bot, session_id, stopped=False)
    elif countdown_at is not None:
        await countdown(bot, row_id, countdown_at)


async def _session_step(bot: StudyBot, now: datetime, session_id: int, current: int,
                        total: int, next_at: datetime | None) -> None:
    if next_at is not None and now - next_at > OVERDUE:
        await finish(bot, session_id, stopped=False)
    else:
        await advance(bot, session_id, current, total)


#: Quiz steps run side by side (their chat posts overlap; on SQLite their writes queue).
PARALLEL_STEPS = 16


async def _run_all(bot: StudyBot, steps: list[Coroutine[Any, Any, None]]) -> None:
    """Run the due steps (each about one quiz), a few at once; one failing stops no other."""
    limit = asyncio.Semaphore(PARALLEL_STEPS)

    async def guarded(step: Coroutine[Any, Any, None]) -> None:
        async with limit:
            try:
                await step
            except Exception:
                log.exception("quiz step failed")

    await asyncio.gather(*(guarded(step) for step in steps))


# --- Answers --------------------------------------------------------------------------------

async def answer(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    """A student's button press ``quiz:<session>:<question>:<option>``, confirmed privately."""
    numbers = id_numbers(parts, 3)
    if numbers is None:
        return [private(GONE)]
    session_id, position, choice = numbers
    return await bot.service(AnswerWriter).submit(press.actor, session_id, position, choice)

