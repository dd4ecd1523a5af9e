"""Where the Discord adapter connects and how: read from the environment by the real process."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_API_BASE = "https://discord.com/api/v10"
DEFAULT_GATEWAY = "wss://gateway.discord.gg/"


class ConfigError(ValueError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True, slots=True)
class DiscordConfig:
    token: str
    api_base: str = DEFAULT_API_BASE
    gateway_url: str | None = None  # None: the URL Discord gives in GET /gateway/bot
    shard_count: int | None = None  # None: ask Discord (GET /gateway/bot)
    shard_ids: tuple[int, ...] | None = None  # None: every shard
    tick_interval: float | None = 1.0  # seconds between StudyBot.tick() calls; None: no ticks
    sync_commands: bool = True  # register the app commands at start-up
    guild_ready_timeout: float = 2.0
    ack_budget: float = 1.5  # answer directly if the core is this quick, else defer first

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> DiscordConfig:
        """``DISCORD_TOKEN``, ``DISCORD_API_BASE``, ``DISCORD_GATEWAY_URL``,
        ``STUDYBOT_SHARDS`` (total shard count) and ``STUDYBOT_SHARD_IDS`` (e.g. ``0,1`` or
        ``0-3``: the shards this process runs)."""
        env = os.environ if env is None else env
        token = env.get("DISCORD_TOKEN", "").strip()
        if not token:
            raise ConfigError("DISCORD_TOKEN is not set: copy the bot token from the Discord "
                              "developer portal (Bot page) into it.")
        shards_text = env.get("STUDYBOT_SHARDS", "").strip()
        ids_text = env.get("STUDYBOT_SHARD_IDS", "").strip()
        shard_count = _positive_int("STUDYBOT_SHARDS", shards_text) if shards_text else None
        shard_ids = _shard_ids(ids_text) if ids_text else None
        if shard_ids is not None:
            if shard_count is None:
                raise ConfigError("STUDYBOT_SHARD_IDS needs STUDYBOT_SHARDS (the total count).")
            if max(shard_ids) >= shard_count:
                raise ConfigError(f"STUDYBOT_SHARD_IDS must be below STUDYBOT_SHARDS "
                                  f"({shard_count}).")
        return cls(token=token,
                   api_base=env.get("DISCORD_API_BASE", "").strip().rstrip("/") or DEFAULT_API_BASE,
                   gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip() or None,
                   shard_count=shard_count, shard_ids=shard_ids)


def _positive_int(name: str, text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}.")
    return int(text)


def _shard_ids(text: str) -> tuple[int, ...]:
    ids: list[int] = []
    for part in text.split(","):
        first, dash, last = part.strip().partition("-")
        if not first.isdigit() or (dash and not last.isdigit()):
            raise ConfigError(f"STUDYBOT_SHARD_IDS must look like 0,1 or 0-3, not {text!r}.")
        ids += range(int(first), int(last) + 1) if dash else [int(first)]
    return tuple(sorted(set(ids)))
