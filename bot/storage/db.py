"""Opening the database and bringing its schema up to date with Alembic at start-up."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from bot import settings
from bot.settings import SettingProblem
from bot.storage.faults import CONNECT_TIMEOUT, database_fault

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_NAME = "studybot.sqlite3"
MIGRATION_LOCK = 0x5354_5544_5942  # PostgreSQL advisory lock key for migrations ("STUDYB")


def default_url() -> str:
    """``DATABASE_URL`` if set, else a SQLite file in ``STUDYBOT_DATA_DIR`` (by default the
    per-user data folder, see :mod:`bot.settings`), which is created if need be."""
    url = settings.value("DATABASE_URL")
    if url:
        problem = settings.check_database_url(url)
        if problem:
            raise SettingProblem("DATABASE_URL", problem)
        return normalise_url(url)
    folder = settings.writable_dir(settings.data_dir(), "STUDYBOT_DATA_DIR")
    return f"sqlite+aiosqlite:///{folder / SQLITE_NAME}"


def normalise_url(url: str) -> str:
    """Accept the plain URLs people paste (postgres://, postgresql://, sqlite://)."""
    for plain, driver in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return driver + url[len(plain) :]
    return url


class Database:
    """One engine and session factory per process."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        kwargs: dict[str, Any] = {}
        if self.is_sqlite:
            kwargs["connect_args"] = {"timeout": 30}
        else:
            kwargs.update(pool_size=10, max_overflow=20, pool_pre_ping=True,
                          connect_args={"timeout": CONNECT_TIMEOUT})
        self.engine: AsyncEngine = create_async_engine(self.url, **kwargs)
        if self.is_sqlite:
            event.listen(self.engine.sync_engine, "connect", _sqlite_pragmas)
        self.sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.url.startswith("sqlite")

    @classmethod
    async def open(cls, url: str | None = None) -> Database:
        """Connect and apply every pending migration.

        A database that cannot be reached or opened raises :class:`SettingProblem`, one line
        naming the setting to fix, instead of the driver's traceback.
        """
        chosen = url or default_url()
        _check_sqlite_folder(chosen)
        try:
            db = cls(chosen)
        except Exception as error:  # an unknown driver or a malformed URL
            raise database_fault(error, chosen, _variable(chosen)) from error
        try:
            await db.migrate()
        except Exception as error:
            await db.close()
            if isinstance(error, SettingProblem):
                raise
            raise database_fault(error, chosen, _variable(chosen)) from error
        return db

    async def schema(self) -> tuple[str | None, str]:
        """(the revision the database is at, the newest this code knows); connects."""
        async with self.engine.connect() as conn:
            current = await conn.run_sync(_current_revision)
        return current, head_revision()

    async def ping(self) -> None:
        """One round trip: raises if the database cannot be reached."""
        async with self.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))

    async def migrate(self) -> None:
        async with self.engine.begin() as conn:
            await conn.run_sync(_upgrade)

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits on exit, or rolls back on an exception."""
        async with self.sessions() as session, session.begin():
            yield session

    async def close(self) -> None:
        await self.engine.dispose()


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never block the one writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _check_sqlite_folder(url: str) -> None:
    """A SQLite file's folder must exist: said plainly, before the driver's thread fails."""
    if not normalise_url(url).startswith("sqlite"):
        return
    from sqlalchemy.engine import make_url

    name = make_url(normalise_url(url)).database
    if not name or name == ":memory:":
        return
    folder = Path(name).expanduser().parent
    if not folder.is_dir():
        raise SettingProblem(_variable(url), f"cannot open the SQLite file {name}: the folder "
                             f"{folder} does not exist")


def _variable(url: str) -> str:
    """The setting a fault is blamed on: the default SQLite file lives in the data folder."""
    if settings.value("DATABASE_URL") or not normalise_url(url).startswith("sqlite"):
        return "DATABASE_URL"
    return "STUDYBOT_DATA_DIR"


def _alembic_config() -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    return str(ScriptDirectory.from_config(_alembic_config()).get_current_head())


def _current_revision(connection: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def _upgrade(connection: Connection) -> None:
    """Bring the schema to the newest revision, one process at a time: several processes
    starting together on a new database would otherwise race to create the same tables."""
    from alembic import command

    if connection.dialect.name == "postgresql":  # held until this transaction ends
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
    elif connection.dialect.name == "sqlite":  # the database's one write lock, taken now
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    config = _alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
