"""Discord's REST failures and retries, counted for ``/metrics``.

discord.py retries rate-limited (429) and some server errors (500, 502, 504, 524) by itself;
an aiohttp trace on its HTTP session sees every response, so each failure and each retry is
counted where it happens, without touching the library.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import aiohttp

from bot.ops.metrics import http_error_kind, platform_error, platform_retry

PLATFORM = "discord"
#: The statuses discord.py retries (see discord/http.py, HTTPClient.request).
RETRIED = frozenset({429, 500, 502, 504, 524})


def http_trace() -> aiohttp.TraceConfig:
    trace = aiohttp.TraceConfig()

    async def on_end(session: aiohttp.ClientSession, context: SimpleNamespace,
                     params: Any) -> None:
        status = params.response.status
        if status >= 400:
            kind = http_error_kind(status)
            platform_error(PLATFORM, kind)
            if status in RETRIED:
                platform_retry(PLATFORM, kind)

    async def on_exception(session: aiohttp.ClientSession, context: SimpleNamespace,
                           params: Any) -> None:
        platform_error(PLATFORM, "unreachable")

    trace.on_request_end.append(on_end)
    trace.on_request_exception.append(on_exception)
    return trace
