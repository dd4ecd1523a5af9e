"""Storing class-quiz answers: many presses, one transaction (group commit).

Thirty students answer each question within seconds, in every running quiz at once. Writing
each press in its own transaction makes the database's commit the bottleneck, so presses that
arrive while a write is under way wait for the next one and are written together: one read of
the questions and earlier answers, one insert, one commit. Under light load a batch is a single
press; under heavy load batches grow and the cost per answer falls. Each press still gets its
own reply, and only after the commit: nothing acknowledged is lost.

An answer is inserted only if its question is still open at that moment (and on PostgreSQL the
read holds a share lock on the questions that a reveal has to wait for), so an acknowledged
answer is always in the reveal's scoring.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import Row, Table, and_, bindparam, exists, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Actor
from bot.faults import FaultLog
from bot.ops.metrics import count_answers
from bot.quiz.models import GROUP, PAUSED, RUNNING, QuizAnswer, QuizQuestion, QuizSession
from bot.quiz.writes import quiz_transaction
from bot.replies import Reply, private

if TYPE_CHECKING:
    from bot.app import StudyBot

log = logging.getLogger(__name__)

GONE = "That quiz button no longer does anything."
#: The most presses written in one transaction.
MAX_BATCH = 500
#: Presses waiting to be written at most; beyond it a press is refused (not silently queued
#: for ever), so memory stays bounded when the database cannot keep up.
MAX_QUEUED = 20_000
BUSY = "Sorry, I'm very busy right now and couldn't record that; please press again."
#: Batches written at the same time on PostgreSQL (more only helps with more CPUs: measured).
WRITERS = 2


@dataclass(slots=True)
class Pending:
    actor: Actor
    session_id: int
    position: int
    choice: int
    future: asyncio.Future[list[Reply]] = field(repr=False)


class AnswerWriter:
    """Per bot (``bot.service(AnswerWriter)``): queues presses and writes them in batches."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._queue: list[Pending] = []
        self._workers: set[asyncio.Task[None]] = set()
        # SQLite has one writer; PostgreSQL overlaps transactions and groups their commits.
        self._max_workers = 1 if bot.db.is_sqlite else WRITERS

    async def submit(self, actor: Actor, session_id: int, position: int,
                     choice: int) -> list[Reply]:
        if len(self._queue) >= MAX_QUEUED:  # the database has fallen far behind: say so
            return [private(BUSY)]
        future: asyncio.Future[list[Reply]] = asyncio.get_running_loop().create_future()
        self._queue.append(Pending(actor, session_id, position, choice, future))
        # A worker not yet done is inside its loop and will look at the queue again.
        self._workers = {w for w in self._workers if not w.done()}
        if len(self._workers) < self._max_workers:
            self._workers.add(asyncio.create_task(self._drain()))
        return await future

    async def _drain(self) -> None:
        while self._queue:
            await asyncio.sleep(0)  # presses already on their way join this batch
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            try:
                replies = await write_batch(self.bot, batch)
            except IntegrityError:  # a press raced one from another process: one at a time
                await self._one_by_one(batch)
                continue
            except Exception as exc:
                self.bot.service(FaultLog).report("writing quiz answers", exc)
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
                continue
            for item, reply in zip(batch, replies, strict=True):
                if not item.future.done():
                    item.future.set_result(reply)

    async def _one_by_one(self, batch: list[Pending]) -> None:
        for item in batch:
            reply = [private("Sorry, I could not record that; please press again.")]
            for _ in range(3):
                try:
                    reply = (await write_batch(self.bot, [item]))[0]
                    break
                except IntegrityError:  # the other press won: read it next time round
                    continue
                except Exception as exc:
                    log.exception("writing an answer failed")
                    if not item.future.done():
                        item.future.set_exception(exc)
                    break
            if not item.future.done():
                item.future.set_result(reply)


_ANSWER_COLUMNS = ("question_row", "session_id", "tenant_key", "position", "user_id",
                   "display_name", "choice", "answered_at", "elapsed", "correct", "points",
                   "changed")


def _still_open(row_id: Any) -> Any:
    return exists().where(QuizQuestion.id == row_id, QuizQuestion.closed_at.is_(None))


def _insert_if_open() -> Any:
    """INSERT ... SELECT <values> WHERE the question is still open (run once per answer)."""
    columns = QuizAnswer.__table__.c
    params = {name: bindparam(name, type_=columns[name].type) for name in _ANSWER_COLUMNS}
    source = select(*(params[name] for name in _ANSWER_COLUMNS)).where(
        _still_open(params["question_row"]))
    table = cast(Table, QuizAnswer.__table__)  # Core, not the ORM's bulk insert
    return insert(table).from_select(list(_ANSWER_COLUMNS), source)


INSERT_IF_OPEN = _insert_if_open()


async def write_batch(bot: StudyBot, batch: list[Pending]) -> list[list[Reply]]:
    """Judge and store a batch of presses in one transaction; one reply list per press."""
    now = bot.clock.now()
    async with quiz_transaction(bot) as session:
        questions = await _questions(session, {(p.session_id, p.position) for p in batch})
        earlier = await _earlier_answers(session, [q.id for q in questions.values()],
                                         {p.actor.user_id for p in batch})
        replies: list[list[Reply]] = []
        inserts: list[dict[str, Any]] = []
        for item in batch:
            reply, row = _judge(item, questions.get((item.session_id, item.position)),
                                earlier, now)
            if row is not None and "answer_id" in row:
                reply = await _change(session, row, reply)
            elif row is not None:
                inserts.append(row)
            replies.append(reply)
        if inserts:
            await session.execute(INSERT_IF_OPEN, inserts)
        lost: set[tuple[int, str]] = set()
        if inserts and bot.db.is_sqlite:  # PostgreSQL: the share lock kept them open
            stored = await _earlier_answers(session, [r["question_row"] for r in inserts],
                                            {r["user_id"] for r in inserts})
            lost = {(r["question_row"], r["user_id"]) for r in inserts} - set(stored)
            for i, item in enumerate(batch):
                found = questions.get((item.session_id, item.position))
                if found is not None and (found.id, item.actor.user_id) in lost:
                    replies[i] = [private(f"Sorry, question {item.position + 1} closed just "
                                          "before your answer arrived, so it wasn't counted.")]
    count_answers("quiz", len(inserts) - len(lost))  # committed
    return replies


async def _questions(session: AsyncSession,
                     pairs: set[tuple[int, int]]) -> dict[tuple[int, int], Row[Any]]:
    rows = (await session.execute(
        select(QuizQuestion.id, QuizQuestion.session_id, QuizQuestion.position,
               QuizQuestion.correct, QuizQuestion.opened_at, QuizQuestion.deadline,
               QuizQuestion.closed_at, QuizQuestion.data, QuizSession.tenant_key,
               QuizSession.kind, QuizSession.state)
        .join(QuizSession, QuizSession.id == QuizQuestion.session_id)
        .where(QuizQuestion.session_id.in_(sorted({s for s, _ in pairs})),
               QuizQuestion.position.in_(sorted({p for _, p in pairs})))
        .with_for_update(read=True, of=QuizQuestion))).all()
    # two IN lists rather than a row-value IN: SQLite searches its index for these
    return {(r.session_id, r.position): r for r in rows if (r.session_id, r.position) in pairs}


async def _earlier_answers(session: AsyncSession, row_ids: list[int],
                           users: set[str]) -> dict[tuple[int, str], dict[str, Any]]:
    if not row_ids:
        return {}
    rows = (await session.execute(
        select(QuizAnswer.id, QuizAnswer.question_row, QuizAnswer.user_id, QuizAnswer.choice,
               QuizAnswer.changed)
        .where(QuizAnswer.question_row.in_(set(row_ids)),
               QuizAnswer.user_id.in_(sorted(users))))).all()
    return {(r.question_row, r.user_id): {"id": r.id, "choice": r.choice, "changed": r.changed}
            for r in rows}


def _judge(item: Pending, found: Row[Any] | None,
           earlier: dict[tuple[int, str], dict[str, Any]],
           now: datetime) -> tuple[list[Reply], dict[str, Any] | None]:
    """The reply for one press, and the row to write (None: nothing to store).

    ``earlier`` is updated as presses are judged, so two presses by one student in the same
    batch count as an answer and its change.
    """
    actor, choice, position = item.actor, item.choice, item.position
    if found is None or found.tenant_key != actor.tenant_key or found.kind != GROUP:
        return [private(GONE)], None
    labels = found.data["options"]
    if not 0 <= choice < len(labels):
        return [private(GONE)], None
    if found.state == PAUSED and found.closed_at is None:
        return [private("The quiz is paused; answer when your teacher resumes it.")], None
    if (found.closed_at is not None or found.opened_at is None or found.deadline is None
            or now > found.deadline or found.state != RUNNING):
        return [private(f"Sorry, question {position + 1} has closed, so that answer wasn't "
                        "counted. Get ready for the next one!")], None
    previous = earlier.get((found.id, actor.user_id))
    if previous is not None and previous["choice"] == choice:
        return [private(f"You already chose **{labels[choice]}**.")], None
    if previous is not None and previous["changed"]:
        return [private(f"You've already changed your answer once; "
                        f"**{labels[previous['choice']]}** stands.")], None
    elapsed = max((now - found.opened_at).total_seconds(), 0.0)
    right = choice == found.correct
    if previous is not None:
        if previous["id"] is None:  # answered earlier in this same batch: change that row
            return [private(f"You already answered; **{labels[previous['choice']]}** "
                            "stands. Press again to change it.")], None
        previous.update(choice=choice, changed=True)
        return ([private(f"Changed to **{labels[choice]}**. That's your final answer for "
                         "this question.")],
                {"answer_id": previous["id"], "row_id": found.id, "choice": choice,
                 "answered_at": now, "elapsed": elapsed, "correct": right})
    earlier[(found.id, actor.user_id)] = {"id": None, "choice": choice, "changed": False}
    return ([private(f"Got it: **{labels[choice]}**. You may change your answer once before "
                     "time is up.")],
            {"question_row": found.id, "session_id": item.session_id,
             "tenant_key": actor.tenant_key, "position": position, "user_id": actor.user_id,
             "display_name": actor.name[:100], "choice": choice, "answered_at": now,
             "elapsed": elapsed, "correct": right, "points": 0, "changed": False})


async def _change(session: AsyncSession, row: dict[str, Any],
                  reply: list[Reply]) -> list[Reply]:
    """Apply an answer's one change, if the question is still open and it is still unchanged."""
    changed = await session.execute(
        update(QuizAnswer).where(and_(QuizAnswer.id == row["answer_id"],
                                      QuizAnswer.changed.is_(False),
                                      _still_open(row["row_id"])))
        .values(choice=row["choice"], answered_at=row["answered_at"], elapsed=row["elapsed"],
                correct=row["correct"], changed=True))
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        return [private("Sorry, that change came too late; your first answer stands.")]
    return reply
