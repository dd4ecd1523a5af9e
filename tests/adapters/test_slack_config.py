"""The Slack settings: which mode the environment selects, and refusals that name the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from adapters.slack.config import BOT_SCOPES, ConfigError, SlackConfig
from adapters.slack.run import main

MANIFEST = Path(__file__).parents[2] / "adapters" / "slack" / "manifest.yaml"


def test_http_mode_with_one_workspace() -> None:
    config = SlackConfig.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
                                   "SLACK_API_URL": "http://127.0.0.1:9/api",
                                   "SLACK_TEACHER_IDS": "U1, U2,", "STUDYBOT_HTTP_PORT": "8080"})
    assert not config.socket_mode and not config.oauth
    assert config.api_url == "http://127.0.0.1:9/api/"
    assert config.teacher_ids == {"U1", "U2"} and config.port == 8080


def test_socket_mode_and_oauth_are_chosen_by_their_variables() -> None:
    socket = SlackConfig.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    assert socket.socket_mode and socket.port == 3000
    oauth = SlackConfig.from_env({"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c",
                                  "SLACK_SIGNING_SECRET": "s"})
    assert oauth.oauth and oauth.bot_token is None


@pytest.mark.parametrize(("env", "names"), [
    ({"SLACK_BOT_TOKEN": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
    ({"SLACK_SIGNING_SECRET": "s"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_APP_TOKEN": "xapp-1"}, "SLACK_BOT_TOKEN"),
    ({"SLACK_BOT_TOKEN": "x", "SLACK_SIGNING_SECRET": "s", "STUDYBOT_HTTP_PORT": "web"},
     "STUDYBOT_HTTP_PORT"),
])
def test_half_configured_is_refused_by_name(env: dict[str, str], names: str) -> None:
    with pytest.raises(ConfigError, match=names):
        SlackConfig.from_env(env)


def test_run_exits_with_a_message_when_unconfigured(monkeypatch: pytest.MonkeyPatch,
                                                   caplog: pytest.LogCaptureFixture) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert main(None) == 2
    assert "SLACK_SIGNING_SECRET" in caplog.text


def test_the_manifest_asks_for_the_scopes_the_bot_uses() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    assert sorted(manifest["oauth_config"]["scopes"]["bot"]) == sorted(BOT_SCOPES)
    assert manifest["features"]["slash_commands"][0]["command"] == "/study"
    assert manifest["settings"]["event_subscriptions"]["bot_events"] == [
        "app_mention", "app_uninstalled", "tokens_revoked"]
