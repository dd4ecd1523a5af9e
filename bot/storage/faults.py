"""Why the database could not be opened, as one line a school's IT person can act on.

A wrong port, an unknown host, a missing database or a refused password would otherwise end
the bot with a driver's traceback; :func:`database_fault` turns each into ``DATABASE_URL:
reason`` (or ``STUDYBOT_DATA_DIR`` for the default SQLite file), as a SettingProblem.
"""

from __future__ import annotations

import socket
import sqlite3

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from bot.settings import SettingProblem

CONNECT_TIMEOUT = 10.0  # seconds to wait for PostgreSQL to answer at all


def where(url: str) -> str:
    """``host:port/database`` (never the password) for messages."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return "?"
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or ":memory:"
    return f"{parsed.host or 'localhost'}:{parsed.port or 5432}/{parsed.database or ''}"


def database_fault(error: BaseException, url: str, variable: str) -> SettingProblem:
    """The one-line SettingProblem for a failure to connect to (or migrate) ``url``."""
    return SettingProblem(variable, _reason(error, url))


def _reason(error: BaseException, url: str) -> str:
    place = where(url)
    host = place.rsplit(":", 1)[0]
    for cause in _chain(error):
        name = type(cause).__name__
        if isinstance(cause, socket.gaierror):
            return f"unknown host {host!r}: check the host name"
        if isinstance(cause, ConnectionRefusedError):
            return (f"nothing answers at {place.rsplit('/', 1)[0]} (connection refused): "
                    "check the host and port, and that PostgreSQL is running")
        if isinstance(cause, TimeoutError):
            return f"no answer from {place.rsplit('/', 1)[0]} within {CONNECT_TIMEOUT:.0f} s"
        if name == "InvalidCatalogNameError":
            database = place.rsplit("/", 1)[-1]
            return (f"the server has no database {database!r}: create it "
                    f"(`createdb {database}`) or fix the name")
        if name in ("InvalidPasswordError", "InvalidAuthorizationSpecificationError"):
            return f"the server refused the user or password ({cause})"
        if isinstance(cause, sqlite3.OperationalError) and "open" in str(cause):
            return f"cannot open the SQLite file {place}: {cause}"
        if isinstance(cause, sqlite3.Error):
            return f"the SQLite file {place} gave an error: {cause}"
        if isinstance(cause, ModuleNotFoundError):
            return ("this database is not supported: use postgresql://user:password@host/db "
                    "or sqlite:///path/to/file.sqlite3")
        if isinstance(cause, ArgumentError):
            return f"not a database URL: {cause}"
        if isinstance(cause, ConnectionError | OSError) and not isinstance(cause, sqlite3.Error):
            return f"cannot reach {place.rsplit('/', 1)[0]}: {cause}"
    return f"cannot open the database at {place}: {type(error).__name__}: {error}"


def _chain(error: BaseException) -> list[BaseException]:
    """The error and what caused it, outermost first (drivers wrap each other's errors)."""
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    # the innermost cause names the real fault; wrappers only repeat it
    return list(reversed(seen))
