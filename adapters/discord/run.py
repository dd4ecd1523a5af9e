"""``studybot run --platform discord``: start the bot on Discord from the environment."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys

import aiohttp

from adapters.discord.client import create_client, run_client
from adapters.discord.config import ConfigError, DiscordConfig
from bot.app import StudyBot

log = logging.getLogger(__name__)


async def serve(config: DiscordConfig) -> None:
    """Open the knowledge base and database, then serve Discord until the client closes."""
    studybot = await StudyBot.create()
    client = create_client(studybot, config)
    loop = asyncio.get_running_loop()
    with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
        # a service manager's stop: close the gateway and the database cleanly
        loop.add_signal_handler(signal.SIGTERM, lambda: loop.create_task(client.close()))
    try:
        await run_client(client)
    finally:
        await studybot.close()


def main(args: argparse.Namespace | None = None) -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = DiscordConfig.from_env()
    except ConfigError as exc:
        print(f"studybot: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(serve(config))
    except KeyboardInterrupt:
        return 130
    except (aiohttp.ClientConnectionError, TimeoutError) as error:  # no network, a bad host
        print(f"studybot: cannot reach Discord at {config.api_base}: {error or 'timed out'}",
              file=sys.stderr)
        return 1
    return 0
