"""Every setting the bot reads, in one table: the environment, or an optional ``studybot.toml``.

The table (:data:`VARIABLES`) is what ``studybot config check`` validates and prints, what the
README's table of environment variables documents (a test keeps the two in step) and what
``.env.example`` lists. A ``studybot.toml`` may set the same names (``DATABASE_URL = "..."``,
upper or lower case); a variable set in the environment wins over the file, so a container's
``-e`` always has the last word. :func:`apply_config_file` copies the file's values into the
environment at start-up, so every reader (the adapters' configs, the database, the pack
loader) sees one set of settings.

Where the data lives: ``STUDYBOT_DATA_DIR``, by default the platform's per-user data folder
(``~/.local/share/studybot`` on Linux), never a folder relative to wherever a command runs.
"""

from __future__ import annotations

import base64
import os
import re
import tempfile
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

APP = "studybot"
CONFIG_ENV = "STUDYBOT_CONFIG"
CONFIG_NAME = "studybot.toml"
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_PORT = 3000


class SettingProblem(Exception):
    """A setting that stops the bot from starting: ``VARIABLE: reason and what to do``."""

    def __init__(self, variable: str, reason: str) -> None:
        self.variable = variable
        self.reason = reason
        super().__init__(f"{variable}: {reason}")


Check = Callable[[str], str | None]  # a problem with the value, or None


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    group: str  # "general", "operations", "discord", "slack"
    meaning: str
    default: str = ""  # how the README shows the default ("" for none)
    secret: bool = False
    check: Check | None = None


# --- value checks (shapes only; the database and the platforms are checked elsewhere) ------

def check_port(text: str) -> str | None:
    if not text.isascii() or not text.isdigit() or not 0 <= int(text) <= 65535:
        return f"must be a port number from 1 to 65535, not {text[:20]!r}"
    return None


def check_zone(text: str) -> str | None:
    try:
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        return f"{text[:40]!r} is not an IANA time zone; use one like Europe/London"
    return None


def _choice(*allowed: str) -> Check:
    def check(text: str) -> str | None:
        if text.lower() not in allowed:
            return f"must be one of {', '.join(allowed)}, not {text[:20]!r}"
        return None
    return check


def check_flag(text: str) -> str | None:
    return _choice("true", "false", "1", "0", "yes", "no", "on", "off")(text)


def flag(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes", "on")


_DISCORD_TOKEN = re.compile(r"^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{16,}$")


def check_discord_token(text: str) -> str | None:
    if text.lower().startswith("bot "):
        return "leave out the word 'Bot ': paste the token alone"
    if not _DISCORD_TOKEN.match(text) or discord_bot_id(text) is None:
        return ("does not look like a bot token (three parts separated by dots); copy it "
                "again from the Bot page (Reset Token), not the client secret or the public key")
    return None


def discord_bot_id(token: str) -> str | None:
    """The bot's user id, which a Discord token carries in its first part (base64)."""
    first = token.split(".", 1)[0]
    try:
        decoded = base64.urlsafe_b64decode(first + "=" * (-len(first) % 4)).decode("ascii")
    except (ValueError, UnicodeDecodeError):
        return None
    return decoded if decoded.isdigit() else None


def _prefixed(prefix: str, what: str) -> Check:
    def check(text: str) -> str | None:
        if not text.startswith(prefix) or len(text) < len(prefix) + 4 or " " in text:
            return f"must be the {what}, starting with {prefix}"
        return None
    return check


def check_signing_secret(text: str) -> str | None:
    if text.startswith("xox") or len(text) < 20 or not text.isalnum():
        return ("must be the Signing Secret from Basic Information (32 letters and digits), "
                "not a token")
    return None


def check_database_url(text: str) -> str | None:
    scheme = text.split("://", 1)[0].lower() if "://" in text else ""
    if not scheme:
        return "must be a URL like postgresql://user:password@host:5432/studybot"
    base = scheme.split("+", 1)[0]
    if base not in ("postgres", "postgresql", "sqlite"):
        return (f"{base}:// is not supported: use postgresql://user:password@host/database "
                "or sqlite:///path/to/file.sqlite3")
    return None


def check_shards(text: str) -> str | None:
    if not text.isascii() or not text.isdigit() or int(text) < 1:
        return f"must be a whole number of at least 1, not {text[:20]!r}"
    return None


def check_url(text: str) -> str | None:
    if not text.startswith(("http://", "https://", "ws://", "wss://")):
        return f"must be an http(s):// or ws(s):// URL, not {text[:40]!r}"
    return None


VARIABLES: tuple[Variable, ...] = (
    # general
    Variable("DATABASE_URL", "general", "The database: `postgresql://user:password@host/db` "
             "(several processes, many schools) or `sqlite:///path`.",
             "a SQLite file in `STUDYBOT_DATA_DIR`", secret=True, check=check_database_url),
    Variable("STUDYBOT_DATA_DIR", "general", "Where the SQLite database and saved files live.",
             "the per-user data folder (`~/.local/share/studybot` on Linux)"),
    Variable("STUDYBOT_CACHE_DIR", "general", "Where the built answer index is cached (safe "
             "to delete).", "the per-user cache folder (`~/.cache/studybot` on Linux)"),
    Variable("STUDYBOT_PACKS", "general", "Extra knowledge-pack folders, separated by `:`.",
             "only the built-in pack"),
    Variable("STUDYBOT_TIMEZONE", "general", "The time zone a new server or workspace starts "
             "with (`settings timezone` changes it per class).", f"`{DEFAULT_TIMEZONE}`",
             check=check_zone),
    Variable(CONFIG_ENV, "general", f"A `{CONFIG_NAME}` file with any of these settings.",
             f"`{CONFIG_NAME}` in the per-user config folder, if there is one"),
    Variable("STUDYBOT_HISTORY", "general", "The terminal chat's history file.",
             "`~/.studybot_history`"),
    Variable("NO_COLOR", "general", "Set to anything: the terminal chat without colours "
             "(the no-color.org convention).", "colours on a terminal"),
    # operations
    Variable("STUDYBOT_HTTP_PORT", "operations", "The HTTP port: `/healthz`, `/metrics`, and "
             "Slack's `/slack/events` in HTTP mode.", str(DEFAULT_PORT), check=check_port),
    Variable("STUDYBOT_HTTP_HOST", "operations", "The address the HTTP port listens on.",
             "`0.0.0.0` (all)"),
    Variable("STUDYBOT_LOG_FORMAT", "operations", "`text` or `json` (one JSON object a line).",
             "`text`", check=_choice("text", "json")),
    Variable("STUDYBOT_LOG_LEVEL", "operations", "`debug`, `info`, `warning` or `error`.",
             "`info`", check=_choice("debug", "info", "warning", "error")),
    Variable("STUDYBOT_LOG_MESSAGES", "operations", "`true` to log what students type "
             "(for debugging; off by default).", "`false`", check=check_flag),
    # Discord
    Variable("DISCORD_TOKEN", "discord", "The bot token (Bot page, Reset Token).", "",
             secret=True, check=check_discord_token),
    Variable("DISCORD_API_BASE", "discord", "REST base URL: a proxy, or a test server.",
             "`https://discord.com/api/v10`", check=check_url),
    Variable("DISCORD_GATEWAY_URL", "discord", "Gateway URL.", "the one Discord names",
             check=check_url),
    Variable("STUDYBOT_SHARDS", "discord", "Total shard count.", "as Discord recommends",
             check=check_shards),
    Variable("STUDYBOT_SHARD_IDS", "discord", "The shards this process runs, e.g. `0-3` or "
             "`4,5` (needs `STUDYBOT_SHARDS`).", "all"),
    # Slack
    Variable("SLACK_BOT_TOKEN", "slack", "The Bot User OAuth Token (one workspace).", "",
             secret=True, check=_prefixed("xoxb-", "Bot User OAuth Token")),
    Variable("SLACK_SIGNING_SECRET", "slack", "Basic Information → Signing Secret (HTTP mode).",
             "", secret=True, check=check_signing_secret),
    Variable("SLACK_APP_TOKEN", "slack", "An app-level token with `connections:write`: "
             "Socket Mode.", "", secret=True, check=_prefixed("xapp-", "app-level token")),
    Variable("SLACK_CLIENT_ID", "slack", "With the client secret: installable in many "
             "workspaces (OAuth).", ""),
    Variable("SLACK_CLIENT_SECRET", "slack", "The app's client secret (OAuth).", "",
             secret=True),
    Variable("SLACK_API_URL", "slack", "Web API base URL: a proxy, or a test server.",
             "`https://slack.com/api/`", check=check_url),
    Variable("SLACK_TEACHER_GROUP", "slack", "A user group whose members are teachers.", ""),
    Variable("SLACK_TEACHER_IDS", "slack", "User ids who are teachers, comma-separated.", ""),
)

BY_NAME = {v.name: v for v in VARIABLES}


# --- reading --------------------------------------------------------------------------------

def value(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The setting's value, stripped; None when unset or blank."""
    if name not in BY_NAME:
        raise KeyError(f"{name} is not in bot.settings.VARIABLES")
    text = (os.environ if env is None else env).get(name, "").strip()
    return text or None


def user_dir(kind: str) -> Path:
    """The platform's per-user folder for ``kind`` (data, cache, config)."""
    import platformdirs

    finder = {"data": platformdirs.user_data_dir, "cache": platformdirs.user_cache_dir,
              "config": platformdirs.user_config_dir}[kind]
    return Path(finder(APP, appauthor=False))


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """``STUDYBOT_DATA_DIR``, or the per-user data folder. Not created here."""
    chosen = value("STUDYBOT_DATA_DIR", env)
    return Path(chosen).expanduser() if chosen else user_dir("data")


def cache_dir(env: Mapping[str, str] | None = None) -> Path:
    chosen = value("STUDYBOT_CACHE_DIR", env)
    return Path(chosen).expanduser() if chosen else user_dir("cache")


def default_timezone(env: Mapping[str, str] | None = None) -> str:
    """The zone a new tenant starts with: ``STUDYBOT_TIMEZONE`` when it is a real zone."""
    chosen = value("STUDYBOT_TIMEZONE", env)
    return chosen if chosen and check_zone(chosen) is None else DEFAULT_TIMEZONE


def http_address(env: Mapping[str, str] | None = None) -> tuple[str, int]:
    """(host, port) of the bot's HTTP server; :class:`SettingProblem` for a bad port."""
    port = value("STUDYBOT_HTTP_PORT", env) or str(DEFAULT_PORT)
    problem = check_port(port)
    if problem:
        raise SettingProblem("STUDYBOT_HTTP_PORT", problem)
    return value("STUDYBOT_HTTP_HOST", env) or "0.0.0.0", int(port)


def writable_dir(path: Path, variable: str) -> Path:
    """Create ``path`` if needed and prove it writable, or say in one line how to fix it."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise SettingProblem(variable, f"{path} is a file, not a folder") from None
    except OSError as error:
        raise SettingProblem(variable, f"cannot create {path}: {_reason(error)}") from None
    if not path.is_dir():
        raise SettingProblem(variable, f"{path} is not a folder")
    try:
        with tempfile.TemporaryFile(dir=path):
            pass
    except OSError as error:
        raise SettingProblem(variable, f"cannot write in {path}: {_reason(error)}; "
                             f"{_ownership_hint(path)}") from None
    return path


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


def _ownership_hint(path: Path) -> str:
    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is None:
        return "give this user write access to it"
    return (f"it must belong to the user the bot runs as (uid {uid}): `sudo chown -R {uid} "
            f"{path}` (in a container: on the host, the folder mounted at {path})")


# --- the optional studybot.toml --------------------------------------------------------------

def config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """``STUDYBOT_CONFIG``, else ``studybot.toml`` in the per-user config folder if present."""
    chosen = value(CONFIG_ENV, env)
    if chosen:
        return Path(chosen).expanduser()
    default = user_dir("config") / CONFIG_NAME
    return default if default.is_file() else None


def read_config_file(path: Path) -> dict[str, str]:
    """The file's settings by variable name; :class:`SettingProblem` naming the file's fault."""
    import tomllib

    try:
        with path.open("rb") as handle:
            data: dict[str, Any] = tomllib.load(handle)
    except FileNotFoundError:
        raise SettingProblem(CONFIG_ENV, f"{path} does not exist") from None
    except OSError as error:
        raise SettingProblem(CONFIG_ENV, f"cannot read {path}: {_reason(error)}") from None
    except tomllib.TOMLDecodeError as error:
        raise SettingProblem(CONFIG_ENV, f"{path}: {error}") from None
    settings: dict[str, str] = {}
    for key, raw in data.items():
        name = key.upper()
        if name not in BY_NAME or name == CONFIG_ENV:
            raise SettingProblem(CONFIG_ENV, f"{path}: unknown setting {key!r}")
        if isinstance(raw, bool):
            settings[name] = "true" if raw else "false"
        elif isinstance(raw, str | int):
            settings[name] = str(raw)
        else:
            raise SettingProblem(CONFIG_ENV, f"{path}: {key} must be a string or a number")
    return settings


def apply_config_file(env: MutableMapping[str, str] | None = None) -> Path | None:
    """Copy the config file's settings into the environment where it has none of its own.

    Returns the file read, or None when there is none.
    """
    target = os.environ if env is None else env
    path = config_file(target)
    if path is None:
        return None
    for name, text in read_config_file(path).items():
        if not target.get(name, "").strip():
            target[name] = text
    return path


# --- showing ---------------------------------------------------------------------------------

def masked(name: str, text: str) -> str:
    """A secret as ``config check`` prints it: enough to tell which one, never the secret."""
    if name == "DATABASE_URL":
        return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1****@", text)
    if name == "DISCORD_TOKEN" and discord_bot_id(text) is not None:
        return text.split(".", 1)[0] + ".****"  # the first part is the bot's public id
    prefix = re.match(r"^(xox[a-z]-|xapp-)", text)
    shown = prefix.group(1) if prefix else ""
    return f"{shown}**** ({len(text)} characters)"
