"""Revision questions posted in a channel: one question, answer buttons, the answer revealed
after :data:`REVEAL_AFTER`. A channel sees every question of the pool before any repeats.

Button ids: ``rq:<post id>:<choice>``. A wrong answer also puts the question in the student's
own revision queue.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from bot.commands.parse import id_numbers
from bot.commands.registry import action, ticker
from bot.events import Place, Press
from bot.ops.metrics import count_answers
from bot.quiz.bank import Question, question_bank, stable_rng
from bot.replies import Reply, private
from bot.revision.cards import Owner, add_card, wait_text
from bot.revision.render import answer_buttons
from bot.schedule.models import ChannelAnswer, ChannelQuestion

if TYPE_CHECKING:
    from bot.app import StudyBot

log = logging.getLogger(__name__)
REVEAL_AFTER = timedelta(minutes=10)


async def post_channel_question(bot: StudyBot, place: Place, tenant_key: str,
                                topic: str | None, schedule_id: int | None, when: datetime,
                                zone: ZoneInfo) -> int | None:
    """Ask the channel a question it has not had in this round; return the post's id."""
    bank = bot.service(question_bank)
    pool = sorted(q.id for q in bank.questions.values() if topic is None or topic in q.tags)
    if not pool:
        log.warning("no questions on %r for %s", topic, place.key)
        return None
    async with bot.db.transaction() as session:
        current = (await session.execute(select(func.max(ChannelQuestion.round)).where(
            ChannelQuestion.place_key == place.key))).scalar_one_or_none() or 1
        asked = set((await session.execute(select(ChannelQuestion.question_id).where(
            ChannelQuestion.place_key == place.key, ChannelQuestion.round == current)))
            .scalars())
        remaining = [q for q in pool if q not in asked]
        if not remaining:  # the pool is exhausted in this channel: a new round begins
            current, remaining = current + 1, pool
        question_id = stable_rng("channel", place.key, current, len(asked)).choice(remaining)
        post = ChannelQuestion(tenant_key=tenant_key, place_key=place.key,
                               platform=place.platform, tenant=place.tenant,
                               channel=place.channel, thread=place.thread,
                               schedule_id=schedule_id, question_id=question_id, round=current,
                               posted_at=when, reveal_at=when + REVEAL_AFTER, revealed=False)
        session.add(post)
        await session.flush()
        post_id = post.id
    question = bank.questions[question_id]
    reveal = (when + REVEAL_AFTER).astimezone(zone)
    ref = await bot.notifier.post(place, _question_reply(question, post_id, reveal))
    async with bot.db.transaction() as session:
        await session.execute(update(ChannelQuestion).where(ChannelQuestion.id == post_id)
                              .values(message_ref=ref))
    return post_id


def _question_reply(question: Question, post_id: int, reveal: datetime) -> Reply:
    lines, choices = answer_buttons(question, f"rq:{post_id}")
    text = "\n".join([question.prompt, *lines, "",
                      f"Answer with a button; the answer is revealed at {reveal:%H:%M}."])
    return Reply(text, choices=choices, title="Revision question")


@action("rq")
async def on_answer(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    numbers = id_numbers(parts, 2)
    if numbers is None:
        return [private("That button no longer does anything.")]
    post_id, choice = numbers
    actor, now = press.actor, bot.clock.now()
    bank = bot.service(question_bank)
    async with bot.db.transaction() as session:
        post = await session.get(ChannelQuestion, post_id)
        question = bank.get(post.question_id) if post is not None else None
        if post is None or question is None or post.tenant_key != actor.tenant_key:
            return [private("That question is no longer open.")]
        labels, right = question.options()
        if post.revealed:
            return [private(f"That question has closed. The answer was **{labels[right]}**.")]
        if not 0 <= choice < len(labels):
            return [private("That button no longer does anything.")]
        try:
            async with session.begin_nested():
                session.add(ChannelAnswer(question_post_id=post.id, tenant_key=actor.tenant_key,
                                          user_id=actor.user_id, choice=choice,
                                          correct=choice == right, answered_at=now))
        except IntegrityError:
            return [private("You've already answered this one; the first answer counts. "
                            f"The answer is revealed {wait_text(post.reveal_at, now)}.")]
        if choice != right:
            await add_card(session, Owner(actor.tenant_key, actor.user_id), question.id, now,
                           "missed")
        reveal_in = wait_text(post.reveal_at, now)
    count_answers("channel")
    return [private(f"Got it: you answered {labels[choice]}. The answer is revealed {reveal_in}.")]


@ticker
async def reveal_answers(bot: StudyBot) -> None:
    """Reveal each question whose time is up, once, by whichever process claims it."""
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        due = (await session.execute(select(ChannelQuestion).where(
            ChannelQuestion.revealed.is_(False), ChannelQuestion.reveal_at <= now)
            .order_by(ChannelQuestion.reveal_at).limit(200))).scalars().all()
    for post in due:
        try:
            await _reveal(bot, post)
        except Exception:
            log.exception("revealing channel question %s failed", post.id)


async def _reveal(bot: StudyBot, post: ChannelQuestion) -> None:
    async with bot.db.transaction() as session:
        claimed = await session.execute(update(ChannelQuestion).where(
            ChannelQuestion.id == post.id, ChannelQuestion.revealed.is_(False))
            .values(revealed=True))
        if claimed.rowcount != 1:  # type: ignore[attr-defined]
            return
        answers = (await session.execute(select(ChannelAnswer.correct).where(
            ChannelAnswer.question_post_id == post.id))).scalars().all()
    question = bot.service(question_bank).get(post.question_id)
    if question is None:
        return
    labels, right = question.options()
    right_count = sum(1 for correct in answers if correct)
    tally = (f"{len(answers)} answered, {right_count} right." if answers
             else "Nobody answered this time.")
    reply = Reply(f"{question.prompt}\n\nAnswer: **{labels[right]}**.\n{question.explanation}"
                  f"\n\n{tally}", title="Revision question: the answer")
    if post.message_ref:
        await bot.notifier.edit(post.place, post.message_ref, reply)
    else:
        await bot.notifier.post(post.place, reply)
