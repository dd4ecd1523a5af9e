"""The class quiz a teacher starts in a channel: questions, answers, timers, reveals, results.

All state is in the database and every step is claimed there with a conditional UPDATE
(open question k only if k-1 is current, reveal only if not yet closed, finish only if still
active), so a tick, a teacher's command and another process never do the same step twice,
and a new bot process over the same database carries on where the old one stopped.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Actor, Place, Press
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
from bot.quiz.records import record_miss
from bot.quiz.render import final_reply, question_reply, reveal_reply
from bot.quiz.scoring import points
from bot.replies import Reply, private

if TYPE_CHECKING:
    from bot.app import StudyBot

#: Seconds between a reveal and the next question when the quiz moves on by itself.
REVEAL_GAP = 6
#: A quiz whose timer ran out this long ago (the bot was down) closes, results saved.
OVERDUE = timedelta(minutes=10)
GONE = "That quiz button no longer does anything."


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
    async with bot.db.transaction() as session:
        if await active_quiz(session, place) is not None:
            return [private(_ALREADY)]
        asked = await _asked_here(session, place)
    picked = bank.pick(settings.questions, f"{place.key}:{now.isoformat()}", topic, avoid=asked)
    if not picked:
        return [private("There are no questions on that topic yet.")]
    try:
        async with bot.db.transaction() as session:
            quiz = await create_session(session, kind=GROUP, actor=actor, place=place,
                                        questions=picked, now=now, topic=topic,
                                        seconds=settings.seconds, pace=settings.pace,
                                        active=True)
    except IntegrityError:  # another teacher's quiz took the channel a moment ago
        return [private(_ALREADY)]
    await open_question(bot, quiz.id, 0)
    short = f" (only {len(picked)} on this topic)" if len(picked) < settings.questions else ""
    pace = "I move on by myself" if settings.pace == AUTO else "you move on with `quiz next`"
    return [private(f"Quiz #{quiz.id} started: {len(picked)} questions{short}, "
                    f"{settings.seconds} s each; {pace}. `quiz pause`, `quiz stop` any time.")]


_ALREADY = ("A quiz is already running in this channel. `quiz stop` ends it, "
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
    async with bot.db.transaction() as session:
        quiz = await active_quiz(session, place)
        if quiz is None:
            return [private("There is no quiz running in this channel.")]
        if quiz.state == PAUSED:
            return [private("The quiz is paused: `quiz resume` first.")]
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
    async with bot.db.transaction() as session:
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
    async with bot.db.transaction() as session:
        quiz = await active_quiz(session, place)
        if quiz is None:
            return [private("There is no quiz running in this channel.")]
        if quiz.state == PAUSED:
            return [private("The quiz is already paused. `quiz resume` carries on.")]
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
    async with bot.db.transaction() as session:
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
    async with bot.db.transaction() as session:
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
    async with bot.db.transaction() as session:
        await session.execute(update(QuizQuestion).where(QuizQuestion.id == row_id)
                              .values(message_ref=ref))
    return True


async def countdown(bot: StudyBot, row_id: int, due: datetime) -> None:
    """Edit the question's one message to show the time left; claimed so it happens once."""
    now = bot.clock.now()
    async with bot.db.transaction() as session:
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
    async with bot.db.transaction() as session:
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
    """Add the question's points to the players, move their streaks, record the misses."""
    answers = list((await session.execute(
        select(QuizAnswer).where(QuizAnswer.question_row == row.id))).scalars())
    players = {p.user_id: p for p in (await session.execute(
        select(QuizPlayer).where(QuizPlayer.session_id == quiz.id))).scalars()}
    counts = [0] * len(row.data["options"])
    by_user = {a.user_id: a for a in answers}
    for player in players.values():
        answer = by_user.get(player.user_id)
        if answer is None:
            player.streak = 0
            continue
        counts[answer.choice] += 1
        player.answered += 1
        player.score += answer.points
        player.right += int(answer.correct)
        player.streak = player.streak + 1 if answer.correct else 0
        if not answer.correct:
            await record_miss(session, quiz.tenant_key, answer.user_id, row.question_id,
                              row.entry_id, now)
    top = sorted(players.values(), key=lambda p: (-p.score, p.display_name, p.user_id))[:5]
    return counts, [(p.display_name or p.user_id, p.score) for p in top]


async def finish(bot: StudyBot, session_id: int, stopped: bool) -> bool:
    """End the quiz, free the channel and post the final leaderboard (results stay stored)."""
    now = bot.clock.now()
    async with bot.db.transaction() as session:
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
    async with bot.db.transaction() as session:
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
    for row_id, deadline, countdown_at, position, session_id, total in due_questions:
        if deadline is not None and deadline <= now:
            await reveal(bot, row_id)
            if now - deadline > OVERDUE or position + 1 >= total:
                await finish(bot, session_id, stopped=False)
        elif countdown_at is not None:
            await countdown(bot, row_id, countdown_at)
    for session_id, current, total, next_at in due_sessions:
        if next_at is not None and now - next_at > OVERDUE:
            await finish(bot, session_id, stopped=False)
        else:
            await advance(bot, session_id, current, total)


# --- Answers --------------------------------------------------------------------------------

async def answer(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    """A student's button press ``quiz:<session>:<question>:<option>``, confirmed privately."""
    numbers = _numbers(parts, 3)
    if numbers is None:
        return [private(GONE)]
    for attempt in range(3):
        try:
            return await _answer_once(bot, press, *numbers)
        except IntegrityError:  # the same student pressed twice at once: read the winner
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _numbers(parts: list[str], count: int) -> tuple[int, ...] | None:
    if len(parts) != count or not all(p.isdigit() and len(p) < 10 for p in parts):
        return None
    return tuple(int(p) for p in parts)


async def _answer_once(bot: StudyBot, press: Press, session_id: int, position: int,
                       choice: int) -> list[Reply]:
    now = bot.clock.now()
    actor = press.actor
    async with bot.db.transaction() as session:
        found = (await session.execute(
            select(QuizQuestion.id, QuizQuestion.correct, QuizQuestion.opened_at,
                   QuizQuestion.deadline, QuizQuestion.closed_at, QuizQuestion.data,
                   QuizSession.tenant_key, QuizSession.kind, QuizSession.state,
                   QuizSession.seconds)
            .join(QuizSession, QuizSession.id == QuizQuestion.session_id)
            .where(QuizQuestion.session_id == session_id,
                   QuizQuestion.position == position))).one_or_none()
        if found is None or found.tenant_key != actor.tenant_key or found.kind != GROUP:
            return [private(GONE)]
        labels = found.data["options"]
        if not 0 <= choice < len(labels):
            return [private(GONE)]
        if found.state == PAUSED and found.closed_at is None:
            return [private("The quiz is paused; answer when your teacher resumes it.")]
        if (found.closed_at is not None or found.opened_at is None or found.deadline is None
                or now > found.deadline or found.state != RUNNING):
            return [private(f"Sorry, question {position + 1} has closed, so that answer "
                            "wasn't counted. Get ready for the next one!")]
        existing = (await session.execute(select(QuizAnswer).where(
            QuizAnswer.question_row == found.id, QuizAnswer.user_id == actor.user_id))
        ).scalar_one_or_none()
        if existing is not None and existing.choice == choice:
            return [private(f"You already chose **{labels[choice]}**.")]
        if existing is not None and existing.changed:
            return [private(f"You've already changed your answer once; "
                            f"**{labels[existing.choice]}** stands.")]
        player = await _player(session, session_id, actor, now)
        elapsed = max((now - found.opened_at).total_seconds(), 0.0)
        right = choice == found.correct
        scored = points(right, elapsed, found.seconds, player.streak)
        if existing is not None:
            existing.choice, existing.answered_at, existing.elapsed = choice, now, elapsed
            existing.correct, existing.points, existing.changed = right, scored, True
            return [private(f"Changed to **{labels[choice]}**. That's your final answer "
                            "for this question.")]
        session.add(QuizAnswer(question_row=found.id, session_id=session_id,
                               tenant_key=actor.tenant_key, position=position,
                               user_id=actor.user_id, choice=choice, answered_at=now,
                               elapsed=elapsed, correct=right, points=scored, changed=False))
    return [private(f"Got it: **{labels[choice]}**. You may change your answer once "
                    "before time is up.")]


async def _player(session: AsyncSession, session_id: int, actor: Actor,
                  now: datetime) -> QuizPlayer:
    player = (await session.execute(select(QuizPlayer).where(
        QuizPlayer.session_id == session_id, QuizPlayer.user_id == actor.user_id))
    ).scalar_one_or_none()
    if player is None:
        player = QuizPlayer(session_id=session_id, tenant_key=actor.tenant_key,
                            user_id=actor.user_id, display_name=actor.name[:100], score=0,
                            streak=0, answered=0, right=0, created_at=now)
        session.add(player)
        await session.flush()
    return player
