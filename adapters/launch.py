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


def run_main(args: argparse.Namespace) -> int:
    platform = choose_platform(getattr(args, "platform", "auto"), os.environ)
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
