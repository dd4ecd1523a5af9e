"""Reading and writing what students did: misses for revision, leaderboards per tenant.

:func:`missed_questions` is the revision helper's entry point: the questions a student got
wrong (in solo practice or a class quiz), most recent first, each with its question id (rebuild
it with ``bot.service(question_bank).get(id)``) and its knowledge-base entry id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.quiz.models import GROUP, QuizMiss, QuizPlayer, QuizSession
from bot.storage.sql import insert_or_update


@dataclass(frozen=True, slots=True)
class Miss:
    question_id: str
    entry_id: str
    times: int
    first_missed_at: datetime
    last_missed_at: datetime


async def record_misses(session: AsyncSession, tenant_key: str,
                        misses: Sequence[tuple[str, str, str]], now: datetime) -> None:
    """Add misses, each ``(user id, question id, entry id)``: one row per student and
    question, counting repeats. One statement, safe against a concurrent miss elsewhere."""
    rows = [{"tenant_key": tenant_key, "user_id": user, "question_id": question,
             "entry_id": entry, "times": 1, "first_missed_at": now, "last_missed_at": now}
            for user, question, entry in misses]
    await insert_or_update(session, QuizMiss, rows,
                           ("tenant_key", "user_id", "question_id"),
                           {"times": QuizMiss.times + 1,
                            "last_missed_at": lambda new: new.last_missed_at})


async def record_miss(session: AsyncSession, tenant_key: str, user_id: str, question_id: str,
                      entry_id: str, now: datetime) -> None:
    """Add one miss to the student's record."""
    await record_misses(session, tenant_key, [(user_id, question_id, entry_id)], now)


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
