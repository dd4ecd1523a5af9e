"""Starting the Slack bot: ``studybot run --platform slack``.

:func:`start` is the one start-up path (production and tests): it wires the adapter to the
core, serves HTTP or connects Socket Mode, and keeps ``studybot.tick()`` running.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import SlackAdapter
from adapters.slack.config import ConfigError, SlackConfig
from bot.app import StudyBot

log = logging.getLogger(__name__)

TICK_EVERY = 1.0  # seconds between runs of the core's timers (quiz deadlines, schedules)


@dataclass
class RunningSlack:
    """A started bot: the adapter, the port it serves HTTP on (None in Socket Mode)."""

    adapter: SlackAdapter
    port: int | None = None
    runner: web.AppRunner | None = None
    socket: AsyncSocketModeHandler | None = None
    tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def stop(self) -> None:
        for task in self.tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        if self.runner is not None:
            await self.runner.cleanup()


async def start(studybot: StudyBot, config: SlackConfig,
                tick_every: float | None = TICK_EVERY) -> RunningSlack:
    """Serve ``studybot`` on Slack. ``tick_every=None`` leaves ticking to the caller (tests
    drive a FakeClock and call ``studybot.tick()`` themselves)."""
    adapter = SlackAdapter(studybot, config)
    studybot.notifier = adapter.notifier
    if not config.oauth:
        await _check_token(adapter)
    running = RunningSlack(adapter)
    if config.socket_mode:
        running.socket = AsyncSocketModeHandler(adapter.app, config.app_token)
        await running.socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack: connected in Socket Mode")
    else:
        running.runner = web.AppRunner(adapter.web_app(), access_log=None)
        await running.runner.setup()
        site = web.TCPSite(running.runner, config.host, config.port)
        await site.start()
        running.port = running.runner.addresses[0][1]
        log.info("Slack: serving HTTP on %s:%s", config.host, running.port)
    if tick_every is not None:
        running.tasks.append(asyncio.create_task(tick_forever(studybot, tick_every)))
    return running


async def _check_token(adapter: SlackAdapter) -> None:
    """Fail at start, with the reason, when Slack refuses the bot token."""
    try:
        await adapter.client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error")
        raise ConfigError(f"Slack refused SLACK_BOT_TOKEN: {reason}") from error


async def tick_forever(studybot: StudyBot, every: float) -> None:
    while True:
        await studybot.tick()  # logs and survives each timer's failure itself
        await asyncio.sleep(every)


async def serve(config: SlackConfig) -> None:
    """Run until SIGINT/SIGTERM, then close the connections and the database."""
    studybot = await StudyBot.create()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    try:
        running = await start(studybot, config)
        try:
            await stop.wait()
        finally:
            await running.stop()
    finally:
        await studybot.close()


def main(args: argparse.Namespace | None = None) -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = SlackConfig.from_env()
        asyncio.run(serve(config))
    except ConfigError as error:
        log.error("%s", error)
        return 2
    except (aiohttp.ClientConnectionError, TimeoutError) as error:  # no network, a bad host
        print(f"studybot: cannot reach Slack at {config.api_url}: {error or 'timed out'}",
              file=sys.stderr)
        return 1
    return 0
