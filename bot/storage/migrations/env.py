"""Alembic environment: always run with the connection the bot hands over (see db.py)."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through bot.storage.db.Database.migrate()")

context.configure(connection=connection, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
