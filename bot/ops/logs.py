"""Logs an operator can read and a machine can parse: one line per event, never a secret.

- ``STUDYBOT_LOG_FORMAT=json`` writes one JSON object per line (``time``, ``level``,
  ``logger``, ``message``, and ``tenant``, ``channel``, ``command`` when the line is about a
  student's or teacher's request); ``text`` (the default) writes the same on one line.
  A traceback stays on its event's line (JSON-escaped, or joined with `` | `` in text).
- Which tenant, channel and command a line is about comes from :func:`request_context`, set
  once per event by the core, so every line logged while handling it carries them.
- Secrets never reach the output: the values of the secret settings (tokens, signing and
  client secrets, the database password) and anything shaped like a Slack or Discord token
  are masked in every line, whichever library logged it.
- What students type is not logged unless ``STUDYBOT_LOG_MESSAGES=true``: see
  :func:`log_messages`.
"""

from __future__ import annotations

import contextlib
import contextvars
import json
import logging
import re
import sys
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

from bot import settings

CONTEXT_FIELDS = ("tenant", "channel", "command")
_context: contextvars.ContextVar[dict[str, str] | None] = contextvars.ContextVar(
    "studybot_log_context", default=None)

_TOKEN_SHAPES = (
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{6,}"),  # Slack tokens
    re.compile(r"\bxapp-[A-Za-z0-9-]{6,}"),  # Slack app-level tokens
    # Discord bot tokens: id.timestamp.hmac in base64url
    re.compile(r"\b[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,7}\.[A-Za-z0-9_-]{25,}\b"),
    re.compile(r"(?<=://)([^:/@\s]+):[^@\s]+(?=@)"),  # user:password@ in URLs
)
MASK = "****"
_HANDLER_NAME = "studybot"


@contextlib.contextmanager
def request_context(**fields: str) -> Iterator[None]:
    """Every line logged inside carries these fields (tenant, channel, command)."""
    current = _context.get() or {}
    token = _context.set({**current, **{k: v for k, v in fields.items() if v}})
    try:
        yield
    finally:
        _context.reset(token)


def log_messages(env: Mapping[str, str] | None = None) -> bool:
    """Whether lines may include what students typed (off unless the operator asks)."""
    return settings.flag(settings.value("STUDYBOT_LOG_MESSAGES", env))


class Redactor:
    """Masks known secret values and token-shaped strings."""

    def __init__(self, secrets: list[str]) -> None:
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    @classmethod
    def from_settings(cls, env: Mapping[str, str] | None = None) -> Redactor:
        found: list[str] = []
        for variable in settings.VARIABLES:
            text = settings.value(variable.name, env)
            if variable.secret and text:
                found.append(text)
                password = re.search(r"://[^:/@]*:([^@]*)@", text)
                if password:
                    found.append(password.group(1))
        return cls(found)

    def __call__(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, MASK)
        for shape in _TOKEN_SHAPES:
            text = shape.sub(lambda m: f"{m.group(1)}:{MASK}" if m.groups() else MASK, text)
        return text


class _ContextFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        for key, value in (_context.get() or {}).items():
            if not hasattr(record, key):
                setattr(record, key, value)
        return True


class _Formatter(logging.Formatter):
    """One line per record, in text or JSON, with the context fields, secrets masked."""

    def __init__(self, as_json: bool, redact: Redactor) -> None:
        super().__init__()
        self.as_json = as_json
        self.redact = redact

    def format(self, record: logging.LogRecord) -> str:
        message = record.getMessage()
        problem = self.formatException(record.exc_info) if record.exc_info else None
        when = datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")
        fields = {k: getattr(record, k) for k in CONTEXT_FIELDS if getattr(record, k, None)}
        if self.as_json:
            line: dict[str, Any] = {"time": when.replace("+00:00", "Z"),
                                    "level": record.levelname.lower(),
                                    "logger": record.name, "message": message, **fields}
            if problem:
                line["error"] = problem
            text = json.dumps(line, ensure_ascii=False, default=str)
        else:
            parts = [when, record.levelname, f"{record.name}:", message]
            parts += [f"{k}={v}" for k, v in fields.items()]
            if problem:
                parts.append("| " + " | ".join(problem.splitlines()))
            text = " ".join(parts).replace("\n", " | ")
        return self.redact(text)


def setup_logging(env: Mapping[str, str] | None = None, stream: TextIO | None = None) -> None:
    """Configure the root logger from ``STUDYBOT_LOG_FORMAT`` and ``STUDYBOT_LOG_LEVEL``."""
    level = (settings.value("STUDYBOT_LOG_LEVEL", env) or "info").upper()
    as_json = (settings.value("STUDYBOT_LOG_FORMAT", env) or "text").lower() == "json"
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(_Formatter(as_json, Redactor.from_settings(env)))
    handler.addFilter(_ContextFilter())
    handler.set_name(_HANDLER_NAME)
    root = logging.getLogger()
    for old in list(root.handlers):  # ours from an earlier call; others (pytest's) stay
        if old.get_name() == _HANDLER_NAME:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level if level in ("DEBUG", "INFO", "WARNING", "ERROR") else "INFO")
    logging.captureWarnings(True)
