"""Everything that must survive a restart: SQLAlchemy 2 (async) models and Alembic migrations."""
