"""The bot's own posts on Slack (quiz timers, schedules, reminders): the core's Notifier.

Message references are ``"<channel>:<ts>"``, so an edit needs nothing held in memory; a bare
``ts`` is accepted too and taken to be in the place's channel.
"""

from __future__ import annotations

from dataclasses import replace

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack.counting import (
    ConnectionRetry,
    CountingWebClient,
    RateLimitRetry,
    ServerErrorRetry,
)
from adapters.slack.delivery import Target, deliver, message, open_dm
from bot.events import Place
from bot.replies import Reply


def web_client(token: str | None, base_url: str) -> AsyncWebClient:
    """A Web API client that waits out a rate limit (a class clicking at once) and retries a
    dropped connection or one 500/503 before giving up."""
    return CountingWebClient(token=token, base_url=base_url, retry_handlers=[
        ConnectionRetry(), RateLimitRetry(max_retry_count=2), ServerErrorRetry(max_retry_count=1)])


class Clients:
    """The Web API client for a workspace: the one bot token, or the installation's token."""

    def __init__(self, base: AsyncWebClient,
                 installations: AsyncInstallationStore | None = None) -> None:
        self.base = base
        self.installations = installations

    async def for_team(self, team_id: str) -> AsyncWebClient:
        if self.installations is None:
            return self.base
        bot = await self.installations.async_find_bot(enterprise_id=None, team_id=team_id)
        if bot is None or not bot.bot_token:
            raise LookupError(f"studybot is not installed in Slack workspace {team_id}")
        return web_client(bot.bot_token, self.base.base_url)


def message_ref(channel: str, ts: str) -> str:
    return f"{channel}:{ts}"


def split_ref(place: Place, ref: str) -> tuple[str, str]:
    channel, _, ts = ref.rpartition(":")
    return (channel or place.channel), ts


class SlackNotifier:
    def __init__(self, clients: Clients) -> None:
        self.clients = clients

    async def post(self, place: Place, reply: Reply) -> str:
        client = await self.clients.for_team(place.tenant)
        posted = await client.chat_postMessage(channel=place.channel, thread_ts=place.thread,
                                               **message(reply))
        if reply.attachments:
            await deliver(Target(client, place.channel, "", place.thread),
                          [Reply("", attachments=reply.attachments)])
        return message_ref(str(posted["channel"]), str(posted["ts"]))

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        client = await self.clients.for_team(place.tenant)
        channel, ts = split_ref(place, message_ref)
        await client.chat_update(channel=channel, ts=ts, **message(reply))

    async def send_direct(self, tenant_platform: str, tenant: str, user_id: str,
                          reply: Reply) -> None:
        client = await self.clients.for_team(tenant)
        dm = await open_dm(client, user_id)
        await deliver(Target(client, dm, user_id), [replace(reply, private=False,
                                                            replace=False)])
