"""Starting the Slack bot: ``studybot run --platform slack``.

:func:`start` is the one start-up path (production and tests): it wires the adapter to the
core, serves HTTP (Slack's requests, ``/healthz`` and ``/metrics``) or connects Socket Mode
(with ``/healthz`` and ``/metrics`` on the same port all the same), and keeps
``studybot.tick()`` running.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from dataclasses import dataclass, field

import aiohttp
from aiohttp import web
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_sdk.errors import SlackApiError

from adapters.slack.app import SlackAdapter
from adapters.slack.config import ConfigError, SlackConfig
from bot.app import StudyBot
from bot.clock import until_next_tick
from bot.ops import http as ops_http
from bot.ops.http import Ops
from bot.ops.lifecycle import SHUTDOWN_GRACE, stop_on_signals
from bot.ops.logs import setup_logging

log = logging.getLogger(__name__)

TICK_EVERY = 1.0  # seconds between runs of the core's timers (quiz deadlines, schedules)


@dataclass
class RunningSlack:
    """A started bot: the adapter, the port it serves HTTP on."""

    adapter: SlackAdapter
    ops: Ops
    port: int | None = None
    runner: web.AppRunner | None = None
    socket: AsyncSocketModeHandler | None = None
    ticker: asyncio.Task[None] | None = None
    stopping: asyncio.Event = field(default_factory=asyncio.Event)
    stopped: bool = False

    async def stop(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Stop taking work (Socket Mode disconnects; HTTP stops listening, answering the
        requests already received), let the listeners under way and the tick under way
        finish, then close."""
        if self.stopped:
            return
        self.stopped = True
        self.ops.stopping = True
        self.stopping.set()
        if self.socket is not None:
            await self.socket.close_async()  # type: ignore[no-untyped-call]
        if self.runner is not None:
            for site in list(self.runner.sites):
                await site.stop()  # no new connections; requests already in are answered
        await self.adapter.in_flight.wait(grace)  # work Slack was already told was received
        if self.ticker is not None:
            try:
                await asyncio.wait_for(self.ticker, grace)
            except TimeoutError:
                log.warning("the tick under way took over %.0f s at shutdown; cancelled", grace)
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
    running = RunningSlack(adapter, Ops(studybot))
    if config.socket_mode:
        running.socket = AsyncSocketModeHandler(adapter.app, config.app_token)
        running.ops.platform = lambda: _socket_problem(running)
        await running.socket.connect_async()  # type: ignore[no-untyped-call]
        log.info("Slack: connected in Socket Mode")
        running.runner = await ops_http.serve(running.ops, config.host, config.port)
    else:
        application = adapter.web_app()
        running.ops.add_routes(application)
        running.runner = web.AppRunner(application, access_log=None,
                                       shutdown_timeout=SHUTDOWN_GRACE)
        await running.runner.setup()
        await ops_http.start_site(running.runner, config.host, config.port)
        log.info("Slack: serving HTTP on %s:%s", config.host, ops_http.bound_port(running.runner))
    running.port = ops_http.bound_port(running.runner)
    if tick_every is not None:
        running.ticker = asyncio.create_task(
            tick_forever(studybot, tick_every, running.stopping))
    return running


async def _socket_problem(running: RunningSlack) -> str | None:
    if running.socket is None or not await running.socket.client.is_connected():
        return "Socket Mode disconnected"
    return None


async def _check_token(adapter: SlackAdapter) -> None:
    """Fail at start, with the reason, when Slack refuses the bot token."""
    try:
        await adapter.client.auth_test()
    except SlackApiError as error:
        reason = error.response.get("error")
        raise ConfigError(f"Slack refused SLACK_BOT_TOKEN: {reason}") from error


async def tick_forever(studybot: StudyBot, every: float, stopping: asyncio.Event) -> None:
    """Tick just after each whole second until ``stopping`` is set; a tick under way
    finishes (``StudyBot.tick`` logs and survives each timer's failure itself)."""
    while not stopping.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stopping.wait(), until_next_tick(every))
        if not stopping.is_set():
            await studybot.tick()


async def serve(config: SlackConfig) -> None:
    """Run until SIGINT/SIGTERM, then stop gracefully and close the database."""
    studybot = await StudyBot.create()
    stop = asyncio.Event()
    stop_on_signals(stop.set)
    try:
        running = await start(studybot, config)
        try:
            await stop.wait()
            log.info("stopping: finishing the work in flight")
        finally:
            await running.stop()
    finally:
        await studybot.close()
        log.info("stopped")


def main(args: argparse.Namespace | None = None) -> int:
    setup_logging()
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
