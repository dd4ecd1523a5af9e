"""The one SQL idiom the quiz needs that differs by backend: insert, or act on a conflict.

SQLite and PostgreSQL both speak ``INSERT ... ON CONFLICT``; SQLAlchemy spells it per dialect.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase


def _insert(session: AsyncSession, model: type[DeclarativeBase]) -> Any:
    dialect = session.bind.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(model)
    if dialect == "sqlite":
        return sqlite.insert(model)
    raise NotImplementedError(f"no upsert for {dialect}")


async def insert_or_ignore(session: AsyncSession, model: type[DeclarativeBase],
                           rows: Sequence[Mapping[str, Any]], keys: Sequence[str]) -> None:
    """Insert rows; a row whose ``keys`` already exist is left as it is."""
    if rows:
        stmt = _insert(session, model).on_conflict_do_nothing(index_elements=list(keys))
        await session.execute(stmt, list(rows))


async def insert_or_update(session: AsyncSession, model: type[DeclarativeBase],
                           rows: Sequence[Mapping[str, Any]], keys: Sequence[str],
                           changes: Mapping[str, Any]) -> None:
    """Insert rows; where ``keys`` exist already, apply ``changes`` (may use ``excluded``)."""
    if rows:
        stmt = _insert(session, model)
        stmt = stmt.on_conflict_do_update(index_elements=list(keys),
                                          set_={k: v(stmt.excluded) if callable(v) else v
                                                for k, v in changes.items()})
        await session.execute(stmt, list(rows))
