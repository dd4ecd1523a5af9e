"""``studybot run --platform discord``: start the bot on Discord from the environment."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys

import aiohttp

from adapters.discord.client import StudyClient, create_client, run_client
from adapters.discord.config import ConfigError, DiscordConfig
from bot import settings
from bot.app import StudyBot
from bot.ops.http import Ops
from bot.ops.http import serve as serve_ops
from bot.ops.lifecycle import stop_on_signals
from bot.ops.logs import setup_logging

log = logging.getLogger(__name__)


async def serve(config: DiscordConfig) -> None:
    """Open the knowledge base and database, then serve Discord until the client closes.

    ``/healthz`` and ``/metrics`` listen on ``STUDYBOT_HTTP_PORT`` the whole time. SIGTERM or
    SIGINT closes gracefully: no new ticks, the work in flight finishes (an answer received is
    stored), then the gateway and the database close; another process, or this one
    restarted, carries on from the database.
    """
    host, port = settings.http_address()
    studybot = await StudyBot.create()
    try:
        client = create_client(studybot, config)
        ops = Ops(studybot, client.connection_problem)
        runner = await serve_ops(ops, host, port)
        try:
            stop_on_signals(lambda: _stop(client, ops))
            await run_client(client)
        finally:
            await runner.cleanup()
    finally:
        await studybot.close()
        log.info("stopped")


def _stop(client: StudyClient, ops: Ops) -> None:
    ops.stopping = True
    log.info("stopping: finishing the work in flight")
    asyncio.get_running_loop().create_task(client.close())


def main(args: argparse.Namespace | None = None) -> int:
    setup_logging()
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
