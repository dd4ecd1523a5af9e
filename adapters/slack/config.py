"""The Slack adapter's settings, read once from the environment."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.settings import DEFAULT_PORT, SettingProblem, http_address

DEFAULT_API_URL = "https://slack.com/api/"

#: What the bot asks for when a workspace installs it (kept in step with manifest.yaml).
BOT_SCOPES = (
    "app_mentions:read", "channels:read", "chat:write", "chat:write.public", "commands",
    "files:write", "groups:read", "im:write", "usergroups:read", "users:read",
)


class ConfigError(ValueError):
    """A missing or contradictory setting, with a message saying which one to set."""


@dataclass(frozen=True, slots=True)
class SlackConfig:
    bot_token: str | None = None
    signing_secret: str = ""
    app_token: str | None = None  # set: Socket Mode
    client_id: str | None = None  # with client_secret: multi-workspace OAuth
    client_secret: str | None = None
    api_url: str = DEFAULT_API_URL
    port: int = DEFAULT_PORT
    host: str = "0.0.0.0"
    teacher_group: str | None = None
    teacher_ids: frozenset[str] = field(default_factory=frozenset)
    #: Run listeners before answering Slack's HTTP request. Off in production (Slack wants an
    #: answer within 3 seconds); tests turn it on so a request's effects are done when it returns.
    process_before_response: bool = False

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackConfig:
        env = os.environ if env is None else env
        ids = {part.strip() for part in env.get("SLACK_TEACHER_IDS", "").split(",") if part.strip()}
        try:
            host, port = http_address(env)
        except SettingProblem as problem:
            raise ConfigError(str(problem)) from None
        config = cls(
            bot_token=env.get("SLACK_BOT_TOKEN") or None,
            signing_secret=env.get("SLACK_SIGNING_SECRET", ""),
            app_token=env.get("SLACK_APP_TOKEN") or None,
            client_id=env.get("SLACK_CLIENT_ID") or None,
            client_secret=env.get("SLACK_CLIENT_SECRET") or None,
            api_url=_with_slash(env.get("SLACK_API_URL") or DEFAULT_API_URL),
            host=host, port=port,
            teacher_group=env.get("SLACK_TEACHER_GROUP") or None,
            teacher_ids=frozenset(ids),
        )
        config.check()
        return config

    def check(self) -> None:
        """Refuse to start half-configured, naming the setting that is missing."""
        if self.socket_mode and not self.bot_token:
            raise ConfigError("Socket Mode (SLACK_APP_TOKEN) also needs SLACK_BOT_TOKEN.")
        if not self.socket_mode and not self.signing_secret:
            raise ConfigError("HTTP mode needs SLACK_SIGNING_SECRET (or set SLACK_APP_TOKEN "
                              "for Socket Mode).")
        if not self.oauth and not self.bot_token:
            raise ConfigError("Set SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID and "
                              "SLACK_CLIENT_SECRET (installable in many workspaces).")


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"
