"""The hand-written migration builds exactly the tables the quiz models describe."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Connection

import bot.quiz.models  # noqa: F401  (registers the quiz tables on Base)
from bot.storage.base import Base
from bot.storage.db import Database


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": False})
    quiz_tables = {t for t in Base.metadata.tables if t.startswith("quiz_")}
    return [d for d in compare_metadata(context, Base.metadata)
            if quiz_tables & set(_tables(d))]


def _tables(diff: Any) -> list[str]:
    """Table names a diff entry touches (entries are tuples, or lists of tuples)."""
    items = diff if isinstance(diff, list) else [diff]
    names = []
    for item in items:
        for part in item:
            name = getattr(part, "name", None) if not isinstance(part, str) else None
            table = getattr(part, "table", None)
            if table is not None:
                names.append(table.name)
            elif name:
                names.append(name)
            elif isinstance(part, str):
                names.append(part)
    return names


async def test_migration_matches_the_models(db: Database) -> None:
    async with db.engine.connect() as conn:
        differences = await conn.run_sync(_differences)
    assert differences == []
