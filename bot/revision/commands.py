"""``revise`` (the next card of one's own queue, privately), its buttons, and ``remind``.

Button ids: ``rv:a:<card id>:<choice>`` answers a card, ``rv:h:<review id>`` and
``rv:e:<review id>`` change a right answer's rating to Hard or Easy, ``rv:next`` deals the next
card. Each is checked against the pressing student, so nobody can answer another's card.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from fsrs import Rating
from sqlalchemy import func, select, update

from bot.commands.parse import id_numbers
from bot.commands.registry import Option, action, command, ticker
from bot.events import Actor, Command, Press
from bot.ops.metrics import count_answers
from bot.quiz.bank import Question, question_bank
from bot.replies import Choice, Reply, private
from bot.revision.cards import (
    Owner,
    Today,
    day_start,
    due_count,
    next_card,
    rate,
    rerate,
    sync_missed,
    today,
    wait_text,
)
from bot.revision.models import RevisionCard, RevisionReminder, RevisionReview
from bot.revision.render import answer_buttons
from bot.schedule.timing import DAY_SETS, next_occurrence, parse_time, plan
from bot.storage.sql import insert_or_update
from bot.storage.tenants import get_tenant

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from bot.app import StudyBot

log = logging.getLogger(__name__)
DEFAULT_REMINDER = "17:00"
EVERY_DAY = DAY_SETS["daily"]
NEXT = Choice("Next card", "rv:next", "primary")


@command("revise", "Your own revision queue: the next card that is due (only you see it).")
async def revise(bot: StudyBot, cmd: Command) -> list[Reply]:
    return [await deal(bot, cmd.actor, replace=False)]


async def deal(bot: StudyBot, actor: Actor, replace: bool) -> Reply:
    """Show the student their next due card, or say when the next one will be."""
    owner = Owner(actor.tenant_key, actor.user_id)
    bank = bot.service(question_bank)
    if not len(bank):
        return private("There are no questions to revise yet.", replace=replace)
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        zone = await _zone(session, owner.tenant_key, now)
        await sync_missed(session, owner, bank, now)
        done = await today(session, owner, day_start(now, zone))
        for _ in range(5):  # a card whose question left the pack is dropped, and we go on
            row = await next_card(session, owner, bank, now, done)
            if row is None:
                return private(await _nothing_due(session, owner, done, now), replace=replace)
            question = bank.get(row.question_id)
            if question is not None:
                row.shown_at = now
                await session.flush()
                return _card_reply(question, row, done, replace)
            await session.delete(row)
            await session.flush()
    return private("Nothing to revise right now.", replace=replace)


def _card_reply(question: Question, row: RevisionCard, done: Today, replace: bool) -> Reply:
    lines, choices = answer_buttons(question, f"rv:a:{row.id}")
    kind = "New card" if row.last_review is None else "Review"
    left = done.new_left if row.last_review is None else done.reviews_left
    allowance = "new cards" if row.last_review is None else "reviews"
    text = "\n".join([question.prompt, *lines, "", f"{kind} · {left} {allowance} left today"])
    return Reply(text, choices=choices, private=True, replace=replace, title="Revision")


async def _nothing_due(session: AsyncSession, owner: Owner, done: Today, now: datetime) -> str:
    if not done.reviews_left and not done.new_left:
        return (f"That's everything for today: {done.new_done} new cards and "
                f"{done.reviews_done} reviews. Come back tomorrow.")
    upcoming = (await session.execute(select(func.min(RevisionCard.due)).where(
        RevisionCard.tenant_key == owner.tenant_key, RevisionCard.user_id == owner.user_id,
        RevisionCard.due > now))).scalar_one_or_none()
    if not done.new_left:
        lead = f"Nothing due right now, and you've had today's {done.new_done} new cards."
    else:
        lead = "Nothing due right now."
    if upcoming is None:
        return lead + " Come back tomorrow."
    return f"{lead} Your next card is due {wait_text(upcoming, now)}."


@action("rv")
async def on_press(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    if parts == ["next"]:
        return [await deal(bot, press.actor, replace=True)]
    kind, numbers = parts[0] if parts else "", id_numbers(parts[1:], len(parts) - 1)
    if kind == "a" and numbers is not None and len(numbers) == 2:
        return [await _answer(bot, press.actor, *numbers)]
    if kind in ("h", "e") and numbers is not None and len(numbers) == 1:
        rating = Rating.Hard if kind == "h" else Rating.Easy
        return [await _rerate(bot, press.actor, numbers[0], rating)]
    return [private("That button no longer does anything.")]


async def _answer(bot: StudyBot, actor: Actor, card_id: int, choice: int) -> Reply:
    bank = bot.service(question_bank)
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        row = await session.get(RevisionCard, card_id, with_for_update=True)
        if row is None or (row.tenant_key, row.user_id) != (actor.tenant_key, actor.user_id):
            return private("That card is in someone else's revision queue. "
                           "Type `/revise` for your own.")
        question = bank.get(row.question_id)
        if row.shown_at is None or question is None:
            return private("You've already answered that card.", choices=(NEXT,))
        labels, right = question.options()
        correct = choice == right
        review = await rate(session, row, Rating.Good if correct else Rating.Again, correct, now)
        back = wait_text(row.due, now)
    count_answers("revision")
    explanation = f"\n{question.explanation}" if question.explanation else ""
    if not correct:
        picked = labels[choice] if 0 <= choice < len(labels) else "?"
        return private(f"Not quite: you chose {picked}. The answer is **{labels[right]}**."
                       f"{explanation}\nThis card comes back {back}.", choices=(NEXT,),
                       replace=True, title="Revision")
    return private(f"Right: **{labels[right]}**.{explanation}\nRated Good: back {back}. "
                   "Was it hard, or easy?",
                   choices=(Choice("Hard", f"rv:h:{review.id}"),
                            Choice("Easy", f"rv:e:{review.id}", "success"), NEXT),
                   replace=True, title="Revision")


async def _rerate(bot: StudyBot, actor: Actor, review_id: int, rating: Rating) -> Reply:
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        review = await session.get(RevisionReview, review_id)
        if review is None or (review.tenant_key, review.user_id) != (actor.tenant_key,
                                                                      actor.user_id):
            return private("That rating belongs to someone else's card.")
        row = await session.get(RevisionCard, review.card_id, with_for_update=True)
        if row is None or not review.correct or not rerate(row, review, rating):
            return private("That card has moved on since; its rating stays as it was.",
                           choices=(NEXT,))
        back = wait_text(row.due, now)
    return private(f"Rated {rating.name}: this card comes back {back}.", choices=(NEXT,),
                   replace=True, title="Revision")


# --- Daily reminders ----------------------------------------------------------------------

@command("remind", "A daily message when you have revision cards due, at a time you choose.",
         Option("state", "`on` or `off`.", kind="choice", choices=("on", "off"), required=True),
         Option("time", f"HH:MM in your class's time zone (default {DEFAULT_REMINDER}).",
                kind="time"))
async def remind(bot: StudyBot, cmd: Command) -> list[Reply]:
    actor, now = cmd.actor, bot.clock.now()
    try:
        at = parse_time(cmd.args.get("time") or DEFAULT_REMINDER)
    except ValueError as problem:
        return [private(str(problem))]
    async with bot.db.transaction() as session:
        row = await session.get(RevisionReminder, (actor.tenant_key, actor.user_id))
        if cmd.args["state"] == "off":
            if row is not None:
                row.active, row.next_due = False, None
            return [private("Revision reminders are off. `/remind on` starts them again.")]
        zone = await _zone(session, actor.tenant_key, now)
        # one statement, so a double press (or two processes) cannot both insert the row
        await insert_or_update(session, RevisionReminder, [{
            "tenant_key": actor.tenant_key, "user_id": actor.user_id,
            "platform": actor.platform, "tenant": actor.tenant,
            "at_time": at.strftime("%H:%M"), "timezone": zone.key, "active": True,
            "next_due": next_occurrence(EVERY_DAY, at, zone, now)}],
            ["tenant_key", "user_id"],
            {name: (lambda excluded, n=name: getattr(excluded, n)) for name in
             ("platform", "tenant", "at_time", "timezone", "active", "next_due")})
    return [private(f"I'll message you at {at:%H:%M} ({zone.key}) on days you have revision "
                    "cards due. `/remind off` stops it.")]


@ticker
async def send_reminders(bot: StudyBot) -> None:
    """Each opted-in student gets at most one reminder per day, from one process only."""
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        due = (await session.execute(select(RevisionReminder).where(
            RevisionReminder.active.is_(True), RevisionReminder.next_due <= now)
            .limit(200))).scalars().all()
    for reminder in due:
        try:
            await _remind_one(bot, reminder, now)
        except Exception:
            log.exception("reminder for %s failed", reminder.user_id)


async def _remind_one(bot: StudyBot, reminder: RevisionReminder, now: datetime) -> None:
    assert reminder.next_due is not None
    zone = ZoneInfo(reminder.timezone)
    fire, new_due = plan(EVERY_DAY, parse_time(reminder.at_time), zone, reminder.next_due, now)
    async with bot.db.transaction() as session:
        claimed = await session.execute(update(RevisionReminder).where(
            RevisionReminder.tenant_key == reminder.tenant_key,
            RevisionReminder.user_id == reminder.user_id,
            RevisionReminder.active.is_(True),
            RevisionReminder.next_due == reminder.next_due,
        ).values(next_due=new_due, last_fired=fire if fire else RevisionReminder.last_fired))
        if claimed.rowcount != 1 or fire is None:  # type: ignore[attr-defined]
            return
        owner = Owner(reminder.tenant_key, reminder.user_id)
        bank = bot.service(question_bank)
        await sync_missed(session, owner, bank, now)
        count, new = await due_count(session, owner, bank, now,
                                     await today(session, owner, day_start(now, zone)))
    if count:
        detail = f" ({new} new)" if new else ""
        await bot.notifier.send_direct(reminder.platform, reminder.tenant, reminder.user_id, Reply(
            f"You have {count} card{'s' if count != 1 else ''} due{detail}. "
            "Type `/revise` to start; `/remind off` stops these messages.", title="Revision"))


async def _zone(session: AsyncSession, tenant_key: str, now: datetime) -> ZoneInfo:
    return ZoneInfo((await get_tenant(session, tenant_key, now)).timezone)
