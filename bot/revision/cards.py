"""Each student's revision queue: which card comes next, and how an answer reschedules it.

FSRS (the ``fsrs`` package) keeps each card's memory state; this module stores it per tenant and
user, chooses the next card under the daily caps, and feeds the quiz's missed questions in.
A wrong answer rates Again, a right one Good; the student may then change Good to Hard or Easy
(the review is redone from the stored state before it, so nothing is counted twice).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from fsrs import Card, Rating, Scheduler, State
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.bank import Question, QuestionBank, stable_rng
from bot.quiz.records import missed_questions
from bot.revision.models import RevisionCard, RevisionReview

NEW_PER_DAY = 10
REVIEWS_PER_DAY = 50
SCHEDULER = Scheduler()  # stateless: the default FSRS-6 parameters, 90% target retention


@dataclass(frozen=True, slots=True)
class Owner:
    """Whose queue: cards never cross tenants, even for the same platform user id."""

    tenant_key: str
    user_id: str


@dataclass(frozen=True, slots=True)
class Today:
    """What the student has done today (in the class's time zone) against the caps."""

    new_done: int
    reviews_done: int
    new_cap: int = NEW_PER_DAY
    review_cap: int = REVIEWS_PER_DAY

    @property
    def new_left(self) -> int:
        return max(0, self.new_cap - self.new_done)

    @property
    def reviews_left(self) -> int:
        return max(0, self.review_cap - self.reviews_done)


def to_fsrs(row: RevisionCard) -> Card:
    return Card(card_id=row.id, state=State(row.state), step=row.step, stability=row.stability,
                difficulty=row.difficulty, due=row.due, last_review=row.last_review)


def store_fsrs(row: RevisionCard, card: Card) -> None:
    row.state, row.step = int(card.state), card.step
    row.stability, row.difficulty = card.stability, card.difficulty
    row.due, row.last_review = card.due, card.last_review


def day_start(now: datetime, zone: ZoneInfo) -> datetime:
    """Local midnight of ``now``'s day in ``zone``, in UTC: when the daily caps reset."""
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time(0), tzinfo=zone).astimezone(UTC)


async def add_card(session: AsyncSession, owner: Owner, question_id: str, now: datetime,
                   source: str) -> RevisionCard:
    """Put a question in the queue, due now. A card already there that was missed again
    comes due now (the miss is fresh evidence it is not known)."""
    row = await _card(session, owner, question_id)
    if row is None:
        new = Card(card_id=0, due=now)
        row = RevisionCard(tenant_key=owner.tenant_key, user_id=owner.user_id,
                           question_id=question_id, source=source, created_at=now)
        store_fsrs(row, new)
        try:
            async with session.begin_nested():
                session.add(row)
            return row
        except IntegrityError:  # added by another process a moment ago
            found = await _card(session, owner, question_id)
            if found is None:
                raise
            row = found
    if source == "missed" and row.due > now:
        row.due = now
    return row


async def _card(session: AsyncSession, owner: Owner, question_id: str) -> RevisionCard | None:
    return (await session.execute(select(RevisionCard).where(
        RevisionCard.tenant_key == owner.tenant_key, RevisionCard.user_id == owner.user_id,
        RevisionCard.question_id == question_id))).scalar_one_or_none()


async def sync_missed(session: AsyncSession, owner: Owner, bank: QuestionBank,
                      now: datetime) -> int:
    """Questions the student missed in quizzes since each card's last review enter the queue."""
    misses = await missed_questions(session, owner.tenant_key, owner.user_id, limit=500)
    if not misses:
        return 0
    cards = {row.question_id: row for row in (await session.execute(select(RevisionCard).where(
        RevisionCard.tenant_key == owner.tenant_key, RevisionCard.user_id == owner.user_id,
        RevisionCard.question_id.in_([m.question_id for m in misses])))).scalars()}
    added = 0
    for miss in misses:
        if bank.get(miss.question_id) is None:
            continue  # the pack changed and the question no longer exists
        row = cards.get(miss.question_id)
        if row is None or (row.last_review is not None and miss.last_missed_at > row.last_review
                           and row.due > now):
            await add_card(session, owner, miss.question_id, now, "missed")
            added += 1
    return added


async def today(session: AsyncSession, owner: Owner, since: datetime) -> Today:
    rows = (await session.execute(
        select(RevisionReview.was_new, func.count()).where(
            RevisionReview.tenant_key == owner.tenant_key, RevisionReview.user_id == owner.user_id,
            RevisionReview.reviewed_at >= since).group_by(RevisionReview.was_new))).all()
    counts = {bool(was_new): int(n) for was_new, n in rows}
    return Today(new_done=counts.get(True, 0), reviews_done=counts.get(False, 0))


async def next_card(session: AsyncSession, owner: Owner, bank: QuestionBank, now: datetime,
                    done: Today) -> RevisionCard | None:
    """The next card: a due review first, then a new card (missed ones before fresh ones from
    the bank), each only while today's cap allows."""
    mine = (RevisionCard.tenant_key == owner.tenant_key, RevisionCard.user_id == owner.user_id)
    if done.reviews_left:
        due = (await session.execute(select(RevisionCard).where(
            *mine, RevisionCard.last_review.is_not(None), RevisionCard.due <= now)
            .order_by(RevisionCard.due, RevisionCard.id).limit(1))).scalar_one_or_none()
        if due is not None:
            return due
    if not done.new_left:
        return None
    waiting = (await session.execute(select(RevisionCard).where(
        *mine, RevisionCard.last_review.is_(None))
        .order_by(RevisionCard.created_at, RevisionCard.id).limit(1))).scalar_one_or_none()
    if waiting is not None:
        return waiting
    fresh = await _fresh_question(session, owner, bank)
    return None if fresh is None else await add_card(session, owner, fresh.id, now, "bank")


async def _fresh_question(session: AsyncSession, owner: Owner,
                          bank: QuestionBank) -> Question | None:
    """A bank question not yet in the student's queue, in a per-student shuffled order."""
    have = set((await session.execute(select(RevisionCard.question_id).where(
        RevisionCard.tenant_key == owner.tenant_key,
        RevisionCard.user_id == owner.user_id))).scalars())
    pool = sorted(bank.questions)
    stable_rng("revision", owner.tenant_key, owner.user_id).shuffle(pool)
    return next((bank.questions[q] for q in pool if q not in have), None)


async def due_count(session: AsyncSession, owner: Owner, bank: QuestionBank, now: datetime,
                    done: Today) -> tuple[int, int]:
    """(cards due now, of which new) within today's caps: what ``revise`` would give."""
    mine = (RevisionCard.tenant_key == owner.tenant_key, RevisionCard.user_id == owner.user_id)
    reviews = int((await session.execute(select(func.count()).select_from(RevisionCard).where(
        *mine, RevisionCard.last_review.is_not(None), RevisionCard.due <= now))).scalar_one())
    total = int((await session.execute(select(func.count()).select_from(RevisionCard).where(
        *mine))).scalar_one())
    waiting_new = int((await session.execute(select(func.count()).select_from(RevisionCard).where(
        *mine, RevisionCard.last_review.is_(None)))).scalar_one())
    unseen = max(0, len(bank) - total)
    new = min(done.new_left, waiting_new + unseen)
    return min(reviews, done.reviews_left) + new, new


async def rate(session: AsyncSession, row: RevisionCard, rating: Rating, correct: bool,
               now: datetime) -> RevisionReview:
    """Review the card now; keep the state before it so the rating can still be changed."""
    before = to_fsrs(row)
    card, _log = SCHEDULER.review_card(before, rating, now)
    review = RevisionReview(card_id=row.id, tenant_key=row.tenant_key, user_id=row.user_id,
                            rating=int(rating), correct=correct,
                            was_new=row.last_review is None, reviewed_at=now,
                            before=before.to_dict())
    store_fsrs(row, card)
    row.shown_at = None
    session.add(review)
    await session.flush()
    return review


def rerate(row: RevisionCard, review: RevisionReview, rating: Rating) -> bool:
    """Change the latest review's rating (Good to Hard or Easy). False if it is not the latest."""
    if row.last_review is None or row.last_review != review.reviewed_at:
        return False
    before = Card.from_dict(review.before)  # type: ignore[arg-type]
    card, _log = SCHEDULER.review_card(before, rating, review.reviewed_at)
    store_fsrs(row, card)
    review.rating = int(rating)
    return True


def wait_text(due: datetime, now: datetime) -> str:
    """"in 10 minutes", "in 3 days": when the card comes back, as a person says it."""
    seconds = max(0, (due - now).total_seconds())
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size or unit == "minute":
            n = max(1, round(seconds / size))
            return f"in {n} {unit}{'s' if n != 1 else ''}"
    return "now"

