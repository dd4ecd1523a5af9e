"""Configuration: one table of settings, ``studybot.toml``, ``studybot config check``, the
install link, and start-up faults that say in one line what to fix (never a traceback)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path

import pytest

from adapters.discord.permissions import PERMISSIONS, invite_url, permissions_value
from bot import settings
from bot.settings import SettingProblem
from tests.fakes.discord_server import FAKE_TOKEN

ROOT = Path(__file__).parents[1]
SLACK_OK = {"SLACK_BOT_TOKEN": "xoxb-1234-5678-abcdefgh",
            "SLACK_SIGNING_SECRET": "8f742231b10e8888abcd99yyyzzz85a5"}


def studybot(*args: str, env: Mapping[str, str], user: int | None = None,
             cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "DISCORD_", "STUDYBOT_")) and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=cwd, env=base | dict(env),
                          stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120,
                          check=False, user=user)


# --- the settings table -----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "good", "bad"), [
    ("DISCORD_TOKEN", FAKE_TOKEN, "Bot " + FAKE_TOKEN),
    ("DISCORD_TOKEN", FAKE_TOKEN, "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4"),  # the client secret
    ("SLACK_BOT_TOKEN", "xoxb-1-2-abc", "xoxp-1-2-abc"),  # a user token
    ("SLACK_APP_TOKEN", "xapp-1-A1-2-abc", "xoxb-1-2-abc"),
    ("SLACK_SIGNING_SECRET", SLACK_OK["SLACK_SIGNING_SECRET"], "xoxb-1-2-abc"),
    ("STUDYBOT_HTTP_PORT", "8080", "80800"),
    ("STUDYBOT_HTTP_PORT", "3000", "web"),
    ("STUDYBOT_TIMEZONE", "America/New_York", "Mars/Olympus"),
    ("DATABASE_URL", "postgresql://u:p@db/studybot", "mysql://u:p@db/studybot"),
    ("STUDYBOT_LOG_FORMAT", "json", "xml"),
])
def test_each_setting_is_checked_for_its_shape(name: str, good: str, bad: str) -> None:
    check = settings.BY_NAME[name].check
    assert check is not None
    assert check(good) is None
    assert check(bad)


def test_secrets_are_masked_but_recognisable() -> None:
    assert settings.masked("DATABASE_URL", "postgresql://bot:hunter2@db:5432/studybot") == \
        "postgresql://bot:****@db:5432/studybot"
    shown = settings.masked("DISCORD_TOKEN", FAKE_TOKEN)
    assert shown == "OTAwMDAwMDAwMDAwMDAwMDAx.****"  # the bot's public id, not the secret
    shown = settings.masked("SLACK_BOT_TOKEN", "xoxb-1234-5678-secretpart")
    assert shown.startswith("xoxb-****") and "secret" not in shown


def test_the_data_folder_is_per_user_not_where_the_command_runs(tmp_path: Path) -> None:
    assert settings.data_dir({}) == settings.user_dir("data")
    assert settings.data_dir({}).is_absolute()
    assert settings.data_dir({"STUDYBOT_DATA_DIR": str(tmp_path)}) == tmp_path


def test_a_data_folder_that_cannot_be_made_names_the_setting(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    with pytest.raises(SettingProblem) as caught:
        settings.writable_dir(blocker / "data", "STUDYBOT_DATA_DIR")
    assert str(caught.value).startswith("STUDYBOT_DATA_DIR: cannot create")


def test_the_config_file_fills_in_what_the_environment_does_not_set(tmp_path: Path) -> None:
    config = tmp_path / "studybot.toml"
    config.write_text('database_url = "sqlite:///x.sqlite3"\nSTUDYBOT_HTTP_PORT = 8081\n'
                      'studybot_log_messages = false\n')
    env = {"STUDYBOT_CONFIG": str(config), "STUDYBOT_HTTP_PORT": "9000"}
    assert settings.apply_config_file(env) == config
    assert env["DATABASE_URL"] == "sqlite:///x.sqlite3"
    assert env["STUDYBOT_HTTP_PORT"] == "9000"  # the environment wins
    assert env["STUDYBOT_LOG_MESSAGES"] == "false"


@pytest.mark.parametrize(("text", "expected"), [
    ("discord_tokn = 'x'", "unknown setting 'discord_tokn'"),
    ("DATABASE_URL = ", "Invalid value"),
    ("DATABASE_URL = ['a']", "must be a string or a number"),
])
def test_a_bad_config_file_is_one_line_naming_it(tmp_path: Path, text: str,
                                                 expected: str) -> None:
    config = tmp_path / "studybot.toml"
    config.write_text(text + "\n")
    with pytest.raises(SettingProblem) as caught:
        settings.apply_config_file({"STUDYBOT_CONFIG": str(config)})
    assert caught.value.variable == "STUDYBOT_CONFIG" and expected in caught.value.reason


# --- studybot config check --------------------------------------------------------------------

def test_config_check_prints_the_effective_settings_with_secrets_masked(tmp_path: Path) -> None:
    secret = "xoxb-1234-5678-topsecretvalue"
    result = studybot("config", "check", env=SLACK_OK | {
        "SLACK_BOT_TOKEN": secret, "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
        "STUDYBOT_CACHE_DIR": str(tmp_path / "cache"), "STUDYBOT_TIMEZONE": "Asia/Tokyo"})
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "platform: Slack, HTTP (one workspace)" in out
    assert "topsecretvalue" not in out + result.stderr
    assert "xoxb-****" in out
    assert str(tmp_path / "data") in out and "Asia/Tokyo" in out
    assert "database: SQLite file" in out and "schema empty" in out
    assert "knowledge: 1 pack(s) (stalin-foreign-policy)" in out
    assert out.rstrip().endswith("OK: nothing to fix.")


def test_config_check_lists_every_problem_one_line_each(tmp_path: Path) -> None:
    result = studybot("config", "check", env={
        "DISCORD_TOKEN": "Bot abc", "STUDYBOT_HTTP_PORT": "99999", "STUDYBOT_TIMEZONE": "Moon",
        "DATABASE_URL": "mysql://root@localhost/school"})
    assert result.returncode == 1
    problems = result.stderr.strip().splitlines()
    assert problems[0] == "4 problem(s):"
    assert sorted(p.split(":")[0] for p in problems[1:]) == [
        "DATABASE_URL", "DISCORD_TOKEN", "STUDYBOT_HTTP_PORT", "STUDYBOT_TIMEZONE"]
    assert "Traceback" not in result.stderr


def test_config_check_reports_the_schema_state(tmp_path: Path, database_url: str) -> None:
    env = {"DATABASE_URL": database_url, "STUDYBOT_DATA_DIR": str(tmp_path)}
    assert "schema empty" in studybot("config", "check", env=env).stdout
    started = studybot("report", env=env)  # opens (and so migrates) the database
    assert started.returncode == 0, started.stderr
    assert "schema up to date" in studybot("config", "check", env=env).stdout


def test_run_makes_the_same_checks_first(tmp_path: Path) -> None:
    result = studybot("run", "--platform", "slack", env=SLACK_OK | {
        "SLACK_BOT_TOKEN": "xoxp-user-token", "STUDYBOT_DATA_DIR": str(tmp_path)})
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "studybot: cannot start:",
        "SLACK_BOT_TOKEN: must be the Bot User OAuth Token, starting with xoxb-"]


# --- start-up faults: one line naming the setting, exit status non-zero ------------------------

def fault(result: subprocess.CompletedProcess[str], variable: str) -> str:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) <= 2 and variable in lines[-1], result.stderr
    return lines[-1]


@pytest.mark.parametrize(("url", "words"), [
    ("postgresql://postgres@127.0.0.1:1/studybot", "connection refused"),
    ("postgresql://postgres@no-such-host.invalid/studybot", "unknown host"),
    ("mysql://root@127.0.0.1/studybot", "mysql:// is not supported"),
    ("sqlite:////no/such/folder/studybot.sqlite3", "cannot open the SQLite file"),
])
def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path, url: str,
                                                      words: str) -> None:
    env = {"DATABASE_URL": url, "STUDYBOT_DATA_DIR": str(tmp_path)}
    for command in (("run", "--platform", "console"), ("report",)):
        line = fault(studybot(*command, env=env), "DATABASE_URL")
        assert words in line


def test_a_missing_postgresql_database_is_one_line(tmp_path: Path) -> None:
    base = os.environ.get("TEST_DATABASE_URL")
    if not base:
        pytest.skip("TEST_DATABASE_URL is not set")
    url = base.rsplit("/", 1)[0] + "/studybot_no_such_database"
    line = fault(studybot("report", env={"DATABASE_URL": url}), "DATABASE_URL")
    assert "no database 'studybot_no_such_database'" in line


def test_a_data_folder_it_cannot_create_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    env = {"STUDYBOT_DATA_DIR": str(tmp_path / "file" / "data")}
    assert "cannot create" in fault(studybot("run", "--platform", "console", env=env),
                                    "STUDYBOT_DATA_DIR")


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="needs Unix permissions")
def test_a_read_only_data_folder_says_how_to_fix_the_ownership() -> None:
    """As in a container whose bind-mounted folder belongs to someone else."""
    with tempfile.TemporaryDirectory() as root:
        data = Path(root) / "data"
        data.mkdir(mode=0o555)
        if os.geteuid() == 0:  # root writes anywhere it may: sysfs refuses even root
            data = Path("/sys")
        env = {"STUDYBOT_DATA_DIR": str(data), "STUDYBOT_CACHE_DIR": root}
        line = fault(studybot("run", "--platform", "console", env=env), "STUDYBOT_DATA_DIR")
    assert f"cannot write in {data}: permission denied" in line
    assert f"chown -R {os.geteuid()} {data}" in line


def test_a_port_in_use_is_one_line(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = studybot("run", "--platform", "discord", env={
            "DISCORD_TOKEN": FAKE_TOKEN, "DISCORD_API_BASE": "http://127.0.0.1:1/api/v10",
            "STUDYBOT_HTTP_PORT": str(port), "STUDYBOT_HTTP_HOST": "127.0.0.1",
            "STUDYBOT_DATA_DIR": str(tmp_path)})
    line = fault(result, "STUDYBOT_HTTP_PORT")
    assert f"port {port} is already in use" in line


# --- the Discord install link -----------------------------------------------------------------

def test_the_install_link_asks_for_exactly_the_documented_permissions() -> None:
    import discord

    wanted = discord.Permissions(view_channel=True, send_messages=True,
                                 send_messages_in_threads=True, embed_links=True,
                                 attach_files=True)
    assert permissions_value() == wanted.value == 274877959168
    assert len(PERMISSIONS) == 5
    url = invite_url("123")
    assert url == ("https://discord.com/oauth2/authorize?client_id=123"
                   "&scope=bot+applications.commands&permissions=274877959168")
    guide = (ROOT / "docs" / "setup-discord.md").read_text()
    assert "274877959168" in guide
    for name, _, _ in PERMISSIONS:
        assert name in guide


def test_invite_url_reads_the_application_id_from_the_token() -> None:
    result = studybot("invite-url", env={"DISCORD_TOKEN": FAKE_TOKEN})
    assert result.returncode == 0
    assert result.stdout.strip() == invite_url("900000000000000001")
    assert "Attach Files: timelines are PNG pictures" in result.stderr
    missing = studybot("invite-url", env={})
    assert missing.returncode == 2 and "--client-id" in missing.stderr
