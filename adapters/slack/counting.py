"""Slack Web API failures and retries, counted for ``/metrics``.

Every Web API method of the client goes through ``api_call``, so one override counts every
error Slack returns (by its error code) and every call that could not reach Slack; the retry
handlers count each retry they grant (rate limited, server error, dropped connection).
"""

from __future__ import annotations

from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.ops.metrics import platform_error, platform_retry

PLATFORM = "slack"


class CountingWebClient(AsyncWebClient):
    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            platform_error(PLATFORM, str(error.response.get("error") or "error"))
            raise
        except (SlackClientError, aiohttp.ClientError, TimeoutError):
            platform_error(PLATFORM, "unreachable")
            raise


class ConnectionRetry(AsyncConnectionErrorRetryHandler):
    async def _can_retry_async(self, **kwargs: Any) -> bool:
        return _counted(await super()._can_retry_async(**kwargs), "connection")


class RateLimitRetry(AsyncRateLimitErrorRetryHandler):
    async def _can_retry_async(self, **kwargs: Any) -> bool:
        return _counted(await super()._can_retry_async(**kwargs), "rate_limited")


class ServerErrorRetry(AsyncServerErrorRetryHandler):
    async def _can_retry_async(self, **kwargs: Any) -> bool:
        return _counted(await super()._can_retry_async(**kwargs), "server_error")


def _counted(retry: bool, kind: str) -> bool:
    if retry:
        platform_retry(PLATFORM, kind)
    return retry
