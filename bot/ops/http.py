"""The bot's own HTTP port (``STUDYBOT_HTTP_PORT``), on every platform: ``GET /healthz`` and
``GET /metrics``.

Slack's HTTP mode adds these routes to the server that takes Slack's requests; Discord and
Slack's Socket Mode, which need no inbound port for the platform, start :func:`serve` for them
alone, so a load balancer, Docker's HEALTHCHECK or Prometheus can always ask.

``/healthz`` answers 200 with ``{"ok": true, "database": "ok", "platform": "connected"}`` when
the database answers and the platform connection is up, else 503 saying which is not; while
the process shuts down it answers 503 ``"stopping"`` so a load balancer sends work elsewhere.
"""

from __future__ import annotations

import asyncio
import errno
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web

from bot.ops.lifecycle import SHUTDOWN_GRACE
from bot.ops.metrics import exposition
from bot.settings import SettingProblem

if TYPE_CHECKING:
    from bot.app import StudyBot

log = logging.getLogger(__name__)

HEALTH_PATH = "/healthz"
METRICS_PATH = "/metrics"
DATABASE_TIMEOUT = 5.0

#: The platform's state: None when connected, else a few words on what is wrong.
PlatformCheck = Callable[[], Awaitable[str | None]]


async def always_connected() -> str | None:
    return None


class Ops:
    """The health and metrics handlers over one bot and its platform connection."""

    def __init__(self, bot: StudyBot, platform: PlatformCheck = always_connected) -> None:
        self.bot = bot
        self.platform = platform
        self.stopping = False
        self._last_ok = True

    def add_routes(self, app: web.Application) -> None:
        app.router.add_get(HEALTH_PATH, self.health)
        app.router.add_get(METRICS_PATH, self.metrics)

    async def check(self) -> dict[str, object]:
        database = "ok"
        try:
            await asyncio.wait_for(self.bot.db.ping(), DATABASE_TIMEOUT)
        except Exception as error:  # any failure to answer means unhealthy, never a crash
            database = f"unreachable ({type(error).__name__})"
        platform = await self.platform()
        ok = database == "ok" and platform is None and not self.stopping
        report: dict[str, object] = {"ok": ok, "database": database,
                                     "platform": platform or "connected"}
        if self.stopping:
            report["stopping"] = True
        if ok != self._last_ok:  # one line when health changes, not one per probe
            if ok:
                log.info("health: ok again")
            else:
                log.warning("health: %s", report)
            self._last_ok = ok
        return report

    async def health(self, request: web.Request) -> web.Response:
        report = await self.check()
        return web.json_response(report, status=200 if report["ok"] else 503)

    async def metrics(self, request: web.Request) -> web.Response:
        try:
            body, content_type = await exposition(self.bot)
        except Exception:
            log.exception("metrics: could not read the database")
            return web.Response(status=503, text="database unreachable\n")
        response = web.Response(body=body)
        response.headers["Content-Type"] = content_type
        return response


async def serve(ops: Ops, host: str, port: int) -> web.AppRunner:
    """Serve only ``/healthz`` and ``/metrics`` on ``host:port``; the runner stops it."""
    app = web.Application()
    ops.add_routes(app)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_GRACE)
    await runner.setup()
    await start_site(runner, host, port)
    log.info("serving /healthz and /metrics on %s:%s", host, bound_port(runner))
    return runner


async def start_site(runner: web.AppRunner, host: str, port: int) -> None:
    """Listen, or say in one line why the port cannot be used."""
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        if error.errno == errno.EADDRINUSE:
            reason = f"port {port} is already in use on {host}: choose another"
        elif error.errno == errno.EACCES:
            reason = f"not allowed to listen on port {port}: use one above 1023"
        else:
            reason = f"cannot listen on {host}:{port}: {error.strerror or error}"
        raise SettingProblem("STUDYBOT_HTTP_PORT", reason) from None


def bound_port(runner: web.AppRunner) -> int:
    """The port actually listened on (the one asked for, or the one given for 0)."""
    return int(runner.addresses[0][1])


def health_main(args: object) -> int:
    """``studybot health``: ask this machine's bot for ``/healthz`` (Docker's HEALTHCHECK).

    Exit status 0 when healthy, 1 otherwise; prints the report. Standard library only, so it
    costs little every 30 seconds."""
    import urllib.error
    import urllib.request

    from bot import settings

    host, port = settings.http_address()
    if host in ("0.0.0.0", "::", ""):
        host = "127.0.0.1"
    url = f"http://{host}:{port}{HEALTH_PATH}"
    try:
        with urllib.request.urlopen(url, timeout=DATABASE_TIMEOUT + 1) as response:
            print(response.read().decode(errors="replace"))
            return 0
    except urllib.error.HTTPError as error:  # 503: the report says what is down
        print(error.read().decode(errors="replace"))
    except OSError as error:
        print(f"studybot: no answer from {url}: {error}")
    return 1
