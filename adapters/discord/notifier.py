"""The bot's own posts on Discord (quiz timers, schedules, reminders) as channel messages.

Message refs are Discord message ids, so a countdown message can be edited after a restart.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import discord

from adapters.discord.render import edit_kwargs, send_kwargs
from bot.events import Place
from bot.replies import Reply

if TYPE_CHECKING:
    from adapters.discord.client import StudyClient

log = logging.getLogger(__name__)


class DiscordNotifier:
    """Implements :class:`bot.notifier.Notifier` over the client's REST connection."""

    def __init__(self, client: StudyClient) -> None:
        self.client = client

    def _channel(self, place: Place) -> discord.PartialMessageable:
        channel_id = int(place.thread or place.channel)
        return self.client.get_partial_messageable(channel_id, guild_id=int(place.tenant))

    async def post(self, place: Place, reply: Reply) -> str:
        """Post publicly; a failure is logged and raised so the core knows nothing was shown."""
        try:
            message = await self._channel(place).send(**send_kwargs(reply))
        except discord.HTTPException as exc:
            log.warning("could not post in channel %s of server %s (%s): %s", place.channel,
                        place.tenant, type(exc).__name__, exc)
            raise
        return str(message.id)

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        """Edit a message; a failure (deleted message, lost permission) is only logged: the
        next update carries the news anyway."""
        if not message_ref.isdigit():
            log.warning("not a Discord message id: %r", message_ref)
            return
        message = self._channel(place).get_partial_message(int(message_ref))
        try:
            await message.edit(**edit_kwargs(reply))
        except discord.HTTPException as exc:
            log.warning("could not edit message %s in channel %s (%s): %s", message_ref,
                        place.channel, type(exc).__name__, exc)

    async def send_direct(self, tenant_platform: str, tenant: str, user_id: str,
                          reply: Reply) -> None:
        """A direct message; members may close their DMs, which is logged, not raised."""
        try:
            channel = await self.client.create_dm(discord.Object(int(user_id)))
            await channel.send(**send_kwargs(reply))
        except discord.HTTPException as exc:
            log.info("could not send a direct message to %s (%s): %s", user_id,
                     type(exc).__name__, exc)
