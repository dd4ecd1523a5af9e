"""``studybot run``: serve Discord or Slack when their tokens are set, else the terminal chat."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Mapping

SLACK_VARIABLES = ("SLACK_BOT_TOKEN", "SLACK_APP_TOKEN", "SLACK_CLIENT_ID")


def choose_platform(requested: str, env: Mapping[str, str]) -> str:
    """``auto`` means: Discord if its token is set, then Slack, then the console."""
    if requested != "auto":
        return requested
    if env.get("DISCORD_TOKEN"):
        return "discord"
    if any(env.get(name) for name in SLACK_VARIABLES):
        return "slack"
    return "console"


NO_PLATFORM = ("studybot: no chat platform is set up and there is no terminal to chat in. "
               "Set DISCORD_TOKEN (Discord) or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET, "
               "SLACK_APP_TOKEN or SLACK_CLIENT_ID and SLACK_CLIENT_SECRET (Slack); see "
               "docs/setup-discord.md and docs/setup-slack.md.")


def run_main(args: argparse.Namespace) -> int:
    requested = getattr(args, "platform", "auto")
    platform = choose_platform(requested, os.environ)
    if platform == "console" and requested == "auto" and not sys.stdin.isatty():
        # a container or service with no token: say what to set rather than chat with nobody
        print(NO_PLATFORM, file=sys.stderr)
        return 2
    from adapters.preflight import preflight

    problems = preflight(platform)
    if problems is not None:
        return problems
    if platform == "console":
        from adapters.console.chat import console_main

        return console_main(args)
    try:
        runner = importlib.import_module(f"adapters.{platform}.run")
    except ModuleNotFoundError as missing:
        if not (missing.name or "").startswith("adapters."):
            raise  # a library the adapter needs is missing: show the real error
        print(f"studybot: this installation has no {platform} adapter.", file=sys.stderr)
        return 1
    return int(runner.main(args) or 0)
