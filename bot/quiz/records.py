"""Reading and writing what students did: misses for revision, leaderboards per tenant.

:func:`missed_questions` is the revision helper's entry point: the questions a student got
wrong (in solo practice or a class quiz), most recent first, each with its question id (rebuild
it with ``bot.service(question_bank).get(id)``) and its knowledge-base entry id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.models import GROUP, QuizMiss, QuizPlayer, QuizSession


@dataclass(frozen=True, slots=True)
class Miss:
    question_id: str
    entry_id: str
    times: int
    first_missed_at: datetime
    last_missed_at: datetime


async def record_miss(session: AsyncSession, tenant_key: str, user_id: str, question_id: str,
                      entry_id: str, now: datetime) -> None:
    """Add one miss to the student's record (one row per question, counting repeats)."""
    row = await _miss_row(session, tenant_key, user_id, question_id)
    if row is None:
        try:
            async with session.begin_nested():
                session.add(QuizMiss(tenant_key=tenant_key, user_id=user_id,
                                     question_id=question_id, entry_id=entry_id, times=1,
                                     first_missed_at=now, last_missed_at=now))
            return
        except IntegrityError:  # the same student missed it in another process just now
            row = await _miss_row(session, tenant_key, user_id, question_id)
            if row is None:
                raise
    row.times += 1
    row.last_missed_at = now


async def _miss_row(session: AsyncSession, tenant_key: str, user_id: str,
                    question_id: str) -> QuizMiss | None:
    return (await session.execute(select(QuizMiss).where(
        QuizMiss.tenant_key == tenant_key, QuizMiss.user_id == user_id,
        QuizMiss.question_id == question_id))).scalar_one_or_none()


async def missed_questions(session: AsyncSession, tenant_key: str, user_id: str,
                           since: datetime | None = None, limit: int = 100) -> list[Miss]:
    """The questions this student missed in this tenant, most recently missed first."""
    query = select(QuizMiss).where(QuizMiss.tenant_key == tenant_key,
                                   QuizMiss.user_id == user_id)
    if since is not None:
        query = query.where(QuizMiss.last_missed_at >= since)
    rows = (await session.execute(
        query.order_by(QuizMiss.last_missed_at.desc(), QuizMiss.id.desc()).limit(limit))).scalars()
    return [Miss(r.question_id, r.entry_id, r.times, r.first_missed_at, r.last_missed_at)
            for r in rows]


@dataclass(frozen=True, slots=True)
class Standing:
    user_id: str
    name: str
    score: int
    right: int
    answered: int
    quizzes: int

    @property
    def accuracy(self) -> float:
        return self.right / self.answered if self.answered else 0.0


async def leaderboard(session: AsyncSession, tenant_key: str, since: datetime | None = None,
                      limit: int = 10) -> list[Standing]:
    """Group-quiz points per student in one tenant (solo practice is not a competition)."""
    query = (select(QuizPlayer.user_id, func.max(QuizPlayer.display_name),
                    func.sum(QuizPlayer.score), func.sum(QuizPlayer.right),
                    func.sum(QuizPlayer.answered), func.count(QuizPlayer.id))
             .join(QuizSession, QuizSession.id == QuizPlayer.session_id)
             .where(QuizPlayer.tenant_key == tenant_key, QuizSession.tenant_key == tenant_key,
                    QuizSession.kind == GROUP)
             .group_by(QuizPlayer.user_id))
    if since is not None:
        query = query.where(QuizSession.created_at >= since)
    total = func.sum(QuizPlayer.score)
    rows = (await session.execute(query.order_by(total.desc(), QuizPlayer.user_id)
                                  .limit(limit))).all()
    return [Standing(u, n or u, int(s or 0), int(r or 0), int(a or 0), int(q))
            for u, n, s, r, a, q in rows]
