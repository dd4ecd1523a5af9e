"""The hand-written migration 0003 creates exactly the tables the models describe."""

from __future__ import annotations

import re
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import bot.revision.models
import bot.schedule.models
from bot.storage.base import Base
from bot.storage.db import Database

MINE = {"schedules", "channel_questions", "channel_answers", "revision_cards",
        "revision_reviews", "revision_reminders"}


def _is_mine(diff: Any) -> bool:
    """Alembic diffs name their table somewhere in their repr (tuples, Tables, Indexes)."""
    return any(re.search(rf"\b{table}\b", repr(diff)) for table in MINE)


async def test_the_migrated_schema_matches_the_models(db: Database) -> None:
    def compare(connection: Connection) -> list[Any]:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return [d for d in compare_metadata(context, Base.metadata) if _is_mine(d)]

    async with db.engine.connect() as conn:
        diffs = await conn.run_sync(compare)
    assert diffs == []
    assert bot.revision.models.RevisionCard.__tablename__ in MINE
