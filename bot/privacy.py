"""What the bot stores about a person, shown to them and deleted on request; and the
per-tenant retention of quiz answers.

``privacy`` in chat lists it (with everything as a JSON file), ``privacy delete`` erases it
after a confirming press; ``studybot privacy export|delete --user U`` does the same from the
command line. A class quiz a teacher started, or a schedule they added, belongs to the class:
it stays, with the teacher's id and name blanked.
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, delete, select, true, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.answering.conversation import FOLLOW_UP_FOR
from bot.commands.registry import action, command, ticker
from bot.events import Command, Press
from bot.quiz.models import GROUP, SOLO, QuizAnswer, QuizMiss, QuizPlayer, QuizSession
from bot.replies import Attachment, Choice, Reply, private
from bot.revision.models import RevisionCard, RevisionReminder, RevisionReview
from bot.schedule.models import ChannelAnswer, Schedule
from bot.storage.base import Base
from bot.storage.conversations import ConversationTurn, forget_stale
from bot.storage.tenants import Tenant

if TYPE_CHECKING:
    from bot.app import StudyBot

#: How often a process deletes quiz answers past their tenant's retention.
RETENTION_EVERY = timedelta(hours=1)


@dataclass(frozen=True)
class Kept:
    """One kind of row that names a person: how to find it, and how to forget it."""

    label: str
    model: type[Base]
    user_column: str = "user_id"
    only: ColumnElement[bool] = field(default_factory=true)
    #: Columns blanked instead of deleting the row (the row belongs to the class).
    blank: Mapping[str, str] | None = None

    def user(self) -> Any:
        return getattr(self.model, self.user_column)

    def tenant(self) -> Any:
        return self.model.tenant_key  # type: ignore[attr-defined]


KEPT = (
    Kept("quiz answers", QuizAnswer),
    Kept("quiz scores", QuizPlayer),
    Kept("missed quiz questions", QuizMiss),
    Kept("solo practice quizzes", QuizSession, only=QuizSession.kind == SOLO),
    Kept("revision cards", RevisionCard),
    Kept("revision card reviews", RevisionReview),
    Kept("revision reminders", RevisionReminder),
    Kept("answers to channel revision questions", ChannelAnswer),
    Kept("class quizzes you started", QuizSession, only=QuizSession.kind == GROUP,
         blank={"user_id": "", "user_name": ""}),
    Kept("schedules you added", Schedule, "created_by", blank={"created_by": ""}),
    Kept("what you were last asking about (for follow-up questions)", ConversationTurn),
)


def _where(kept: Kept, tenant_key: str | None, user_id: str) -> list[Any]:
    conditions = [kept.user() == user_id, kept.only]
    if tenant_key is not None:
        conditions.append(kept.tenant() == tenant_key)
    return conditions


async def collect(session: AsyncSession, tenant_key: str | None,
                  user_id: str) -> dict[str, list[dict[str, Any]]]:
    """Every stored row about ``user_id`` (in one tenant, or all), by kind, as plain JSON."""
    found: dict[str, list[dict[str, Any]]] = {}
    for kept in KEPT:
        rows = (await session.execute(select(kept.model).where(
            *_where(kept, tenant_key, user_id)))).scalars().all()
        if rows:
            found[kept.label] = [_plain(row) for row in rows]
    return found


async def forget(session: AsyncSession, tenant_key: str | None, user_id: str) -> dict[str, int]:
    """Delete (or blank, for the class's rows) everything about ``user_id``; counts by kind."""
    done: dict[str, int] = {}
    for kept in KEPT:
        where = _where(kept, tenant_key, user_id)
        if kept.blank is None:
            result = await session.execute(delete(kept.model).where(*where))
        else:
            result = await session.execute(update(kept.model).where(*where).values(**kept.blank))
        if result.rowcount:  # type: ignore[attr-defined]
            done[kept.label] = int(result.rowcount)  # type: ignore[attr-defined]
    return done


def _plain(row: Base) -> dict[str, Any]:
    return {c.key: _json(getattr(row, c.key)) for c in row.__mapper__.column_attrs}


def _json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime | date) else value


def counts_text(counts: Mapping[str, int]) -> str:
    return "; ".join(f"{n} {label}" for label, n in counts.items()) or "nothing"


# --- In chat ------------------------------------------------------------------------------

@command("privacy", "See everything I store about you in this server (privately, with a file).")
async def show(bot: StudyBot, cmd: Command) -> list[Reply]:
    actor = cmd.actor
    async with bot.db.transaction() as session:
        found = await collect(session, actor.tenant_key, actor.user_id)
    counts = {label: len(rows) for label, rows in found.items()}
    if not found:
        return [private("I store nothing about you in this server.")]
    data = json.dumps({"platform": actor.platform, "tenant": actor.tenant,
                       "user_id": actor.user_id, "stored": found}, indent=1).encode()
    return [private(f"What I store about you here: {counts_text(counts)}. Everything is in "
                    "the attached file. `privacy delete` erases it.",
                    attachments=(Attachment("my-studybot-data.json", data,
                                            "application/json"),))]


@command("privacy delete", "Erase everything I store about you in this server.")
async def ask_to_delete(bot: StudyBot, cmd: Command) -> list[Reply]:
    return [private("This erases your quiz answers and scores, your revision cards and "
                    "reminders, here, for good. Are you sure?",
                    choices=(Choice("Erase my data", "privacy:delete", "danger"),))]


@action("privacy")
async def confirm_delete(bot: StudyBot, press: Press, parts: list[str]) -> list[Reply]:
    if parts != ["delete"]:
        return [private("That button no longer does anything.")]
    actor = press.actor  # only ever the presser's own data: nothing in the id says whose
    async with bot.db.transaction() as session:
        done = await forget(session, actor.tenant_key, actor.user_id)
    return [private(f"Erased: {counts_text(done)}.", replace=True)]


# --- Retention ----------------------------------------------------------------------------

#: What a tenant's retention removes once it is older than the setting: who answered what.
EXPIRING = ((QuizAnswer, QuizAnswer.answered_at), (QuizPlayer, QuizPlayer.created_at),
            (QuizMiss, QuizMiss.last_missed_at), (ChannelAnswer, ChannelAnswer.answered_at))


async def expire_answers(session: AsyncSession, tenant_key: str, days: int,
                         now: datetime) -> int:
    """Delete the tenant's quiz answers (and per-student totals) older than ``days``."""
    cutoff = now - timedelta(days=days)
    removed = 0
    for model, when in EXPIRING:
        result = await session.execute(delete(model).where(
            model.tenant_key == tenant_key, when < cutoff))
        removed += int(result.rowcount or 0)  # type: ignore[attr-defined]
    return removed


class RetentionRuns:
    """When this process last applied the retention settings (``bot.service``)."""

    def __init__(self, bot: StudyBot) -> None:
        self.last: datetime | None = None


@ticker
async def apply_retention(bot: StudyBot) -> None:
    """Hourly: every tenant with a retention setting loses the answers older than it, and
    what students were asking about is forgotten once too old to follow up on."""
    runs, now = bot.service(RetentionRuns), bot.clock.now()
    if runs.last is not None and now - runs.last < RETENTION_EVERY:
        return
    async with bot.db.transaction() as session:
        settings = (await session.execute(select(Tenant.key, Tenant.answer_retention_days).where(
            Tenant.answer_retention_days.is_not(None)))).all()
        for key, days in settings:
            await expire_answers(session, key, int(days), now)
        await forget_stale(session, now - FOLLOW_UP_FOR)
    runs.last = now


# --- studybot privacy export|delete --user U ------------------------------------------------

def privacy_main(args: argparse.Namespace) -> int:
    return asyncio.run(_privacy(args.privacy_command, args.user, args.tenant))


async def _privacy(what: str, user_id: str, tenant_key: str | None) -> int:
    from bot.storage.db import Database

    db = await Database.open()
    try:
        async with db.transaction() as session:
            if what == "export":
                found = await collect(session, tenant_key, user_id)
                print(json.dumps({"user_id": user_id, "tenant": tenant_key, "stored": found},
                                 indent=1, ensure_ascii=False))
            else:
                done = await forget(session, tenant_key, user_id)
                print(f"Erased for {user_id}: {counts_text(done)}.")
    finally:
        await db.close()
    return 0
