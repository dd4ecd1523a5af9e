"""``studybot config check``, and the same checks that ``studybot run`` makes before starting.

Reads the whole configuration (the environment, and ``studybot.toml`` if there is one),
checks each setting's shape (tokens, time zone, port, URLs), the platform's combination of
settings, that the data folder can be written, that the database answers and how its schema
stands, and (``config check`` only; ``run`` loads them anyway) the knowledge packs. It prints
the effective settings with secrets masked, then one line per problem, and exits non-zero when
there is any.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from adapters.launch import choose_platform
from bot import settings
from bot.settings import SettingProblem

#: Settings shown even when unset, with the value the bot will use.
ALWAYS_SHOWN = ("general", "operations")


@dataclass
class Report:
    lines: list[str] = field(default_factory=list)  # what was found, for people to read
    problems: list[str] = field(default_factory=list)  # "VARIABLE: reason", one per line

    def problem(self, variable: str, reason: str) -> None:
        line = f"{variable}: {reason}"
        if line not in self.problems:
            self.problems.append(line)

    def about(self, *variables: str) -> bool:
        """Whether a problem was already found with any of ``variables``."""
        return any(p.split(":", 1)[0] in variables for p in self.problems)


def check_settings(report: Report, env: Mapping[str, str], platform: str) -> None:
    """Each set variable's shape, then the chosen platform's combination of settings."""
    for variable in settings.VARIABLES:
        text = settings.value(variable.name, env)
        if text and variable.check is not None:
            problem = variable.check(text)
            if problem:
                report.problem(variable.name, problem)
    for folder in (settings.value("STUDYBOT_PACKS", env) or "").split(os.pathsep):
        if folder.strip() and not Path(folder.strip()).expanduser().is_dir():
            report.problem("STUDYBOT_PACKS", f"{folder.strip()} is not a folder")
    if report.problems:
        return  # the combination check would repeat what is already said
    try:
        if platform == "discord":
            from adapters.discord.config import DiscordConfig

            DiscordConfig.from_env(env)
        elif platform == "slack":
            from adapters.slack.config import SlackConfig

            SlackConfig.from_env(env)
    except ValueError as error:  # each adapter's ConfigError names the setting
        report.problems.append(str(error))


def platform_text(platform: str, env: Mapping[str, str]) -> str:
    if platform == "discord":
        shards = settings.value("STUDYBOT_SHARD_IDS", env) or "all"
        return f"Discord (shards: {shards})"
    if platform == "slack":
        if settings.value("SLACK_APP_TOKEN", env):
            return "Slack, Socket Mode (one workspace)"
        if settings.value("SLACK_CLIENT_ID", env):
            return "Slack, HTTP, installable in many workspaces (OAuth)"
        return "Slack, HTTP (one workspace)"
    return "the terminal chat (no Discord or Slack token is set)"


def shown_settings(env: Mapping[str, str], source: Path | None) -> list[str]:
    """The effective settings, secrets masked, each with where its value came from."""
    lines = []
    width = max(len(v.name) for v in settings.VARIABLES)
    effective = {"STUDYBOT_DATA_DIR": str(settings.data_dir(env)),
                 "STUDYBOT_CACHE_DIR": str(settings.cache_dir(env)),
                 "STUDYBOT_TIMEZONE": settings.default_timezone(env),
                 "STUDYBOT_CONFIG": str(source) if source else ""}
    for variable in settings.VARIABLES:
        text = settings.value(variable.name, env)
        if text:
            shown = settings.masked(variable.name, text) if variable.secret else text
            where = "set"
        elif variable.group in ALWAYS_SHOWN:
            shown = (effective.get(variable.name)
                     or f"(default: {(variable.default or 'none').replace('`', '')})")
            where = "default"
        else:
            continue
        lines.append(f"  {variable.name:<{width}}  {shown}  [{where}]")
    return lines


async def check_storage(report: Report) -> None:
    """The data folder is writable; the database answers; where its schema stands."""
    from bot.storage.db import Database, default_url
    from bot.storage.faults import database_fault, where

    try:
        url = default_url()  # creates and proves the data folder for the SQLite default
    except SettingProblem as problem:
        report.problem(problem.variable, problem.reason)
        return
    variable = "DATABASE_URL" if settings.value("DATABASE_URL") else "STUDYBOT_DATA_DIR"
    try:
        db = Database(url)
    except Exception as error:
        problem = database_fault(error, url, variable)
        report.problem(problem.variable, problem.reason)
        return
    try:
        current, head = await db.schema()
    except Exception as error:
        problem = database_fault(error, url, variable)
        report.problem(problem.variable, problem.reason)
        return
    finally:
        await db.close()
    kind = "SQLite file" if db.is_sqlite else "PostgreSQL at"
    state = schema_text(current, head)
    report.lines.append(f"database: {kind} {where(url)}, reachable; schema {state}")
    if current is not None and current != head and not _known(current):
        report.problem(variable, f"the database's schema ({current}) is newer than this "
                       f"studybot knows ({head}): update studybot before starting it")


def schema_text(current: str | None, head: str) -> str:
    if current is None:
        return f"empty (studybot run creates it, up to {head})"
    if current == head:
        return f"up to date ({head})"
    return f"at {current}; studybot run brings it up to {head}"


def _known(revision: str) -> bool:
    from alembic.script import ScriptDirectory

    from bot.storage.db import _alembic_config

    try:
        return ScriptDirectory.from_config(_alembic_config()).get_revision(revision) is not None
    except Exception:
        return False


def check_packs(report: Report) -> None:
    """Load the packs as ``run`` does (which also warms the answer-index cache)."""
    from bot.answering.index_cache import load_indexed
    from knowledge.errors import PackError

    try:
        kb, _ = load_indexed()
    except PackError as error:
        first = error.problems[0]
        more = f" and {len(error.problems) - 1} more" if len(error.problems) > 1 else ""
        report.problem("STUDYBOT_PACKS", f"{first}{more}: see `studybot kb validate`")
        return
    names = ", ".join(p.info.name for p in kb.packs)
    report.lines.append(f"knowledge: {len(kb.packs)} pack(s) ({names}), "
                        f"{len(kb.entries):,} entries")


def cache_line(env: Mapping[str, str]) -> str:
    folder = settings.cache_dir(env)
    try:
        settings.writable_dir(folder, "STUDYBOT_CACHE_DIR")
    except SettingProblem as problem:  # slower starts, nothing worse: not a failure
        return f"answer-index cache: not usable ({problem.reason}); the index is built at " \
               "each start"
    return f"answer-index cache: {folder}"


def old_data_hint(env: Mapping[str, str]) -> str | None:
    """Earlier versions kept the database in ./data wherever the bot was started."""
    old = Path("data") / "studybot.sqlite3"
    if settings.value("STUDYBOT_DATA_DIR", env) or settings.value("DATABASE_URL", env):
        return None
    if old.is_file() and old.resolve() != (settings.data_dir(env) / old.name).resolve():
        return (f"note: {old.resolve()} is a database from an older version; to keep using "
                f"it, set STUDYBOT_DATA_DIR={old.parent.resolve()} or move it to "
                f"{settings.data_dir(env)}")
    return None


def gather(platform_arg: str = "auto", *, packs: bool) -> tuple[Report, str, Path | None]:
    """Every check, for the current environment (after the config file is applied)."""
    report = Report()
    source: Path | None = None
    try:
        source = settings.apply_config_file()
    except SettingProblem as problem:
        report.problem(problem.variable, problem.reason)
    env = dict(os.environ)
    platform = choose_platform(platform_arg, env)
    check_settings(report, env, platform)
    if not report.about("DATABASE_URL", "STUDYBOT_DATA_DIR"):
        asyncio.run(check_storage(report))
    if packs:
        check_packs(report)
    return report, platform, source


def check_port_free(report: Report, env: Mapping[str, str]) -> None:
    """Before starting: the HTTP port can be listened on (another process may hold it)."""
    import errno
    import socket

    if report.about("STUDYBOT_HTTP_PORT"):
        return
    host, port = settings.http_address(env)
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                report.problem("STUDYBOT_HTTP_PORT", f"port {port} is already in use on "
                               f"{host}: choose another")
            else:
                report.problem("STUDYBOT_HTTP_PORT", f"cannot listen on {host}:{port}: "
                               f"{error.strerror or error}")


def config_main(args: argparse.Namespace) -> int:
    """``studybot config check``: print the effective settings and every problem."""
    report, platform, source = gather(getattr(args, "platform", "auto"), packs=True)
    env = dict(os.environ)
    print(f"platform: {platform_text(platform, env)}")
    print(f"config file: {source or 'none'}")
    print("settings:")
    print("\n".join(shown_settings(env, source)))
    print("\n".join([*report.lines, cache_line(env)]))
    hint = old_data_hint(env)
    if hint:
        print(hint)
    if report.problems:
        print(f"\n{len(report.problems)} problem(s):", file=sys.stderr)
        print("\n".join(report.problems), file=sys.stderr)
        return 1
    print("\nOK: nothing to fix.")
    return 0


def preflight(platform_arg: str) -> int | None:
    """``studybot run``'s checks before starting: None to go on, else the exit status (the
    problems printed, one line each)."""
    report, platform, _ = gather(platform_arg, packs=False)
    if platform != "console":
        check_port_free(report, os.environ)
    if not report.problems:
        return None
    print("studybot: cannot start:", file=sys.stderr)
    print("\n".join(report.problems), file=sys.stderr)
    return 2
