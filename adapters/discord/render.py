"""Core replies as Discord messages: text or an embed, buttons, files; no pings, ever."""

from __future__ import annotations

import io
import logging
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.replies import Choice, Reply

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MAX_CONTENT = 2000
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_BUTTONS = 25
EMBED_COLOUR = discord.Colour(0x8B1E1E)

STYLES = {
    "primary": discord.ButtonStyle.primary,
    "secondary": discord.ButtonStyle.secondary,
    "success": discord.ButtonStyle.success,
    "danger": discord.ButtonStyle.danger,
}


class PressHandler(Protocol):
    """The client side of a button: turns a click into a core ``Press``."""

    async def handle_press(self, interaction: discord.Interaction[Any], action_id: str) -> None: ...


class CoreButton(discord.ui.DynamicItem[discord.ui.Button[Any]],
                 template=r"(?P<action_id>[^\s]{1,100})"):
    """A button whose custom_id is the core's action id, whatever it is.

    Registered once on the client, it matches any custom_id on any message, so a click on a
    message sent before a restart (or by another process) still reaches the core.
    """

    def __init__(self, action_id: str, label: str = "\u200b",
                 style: discord.ButtonStyle = discord.ButtonStyle.secondary) -> None:
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=action_id))
        self.action_id = action_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction[Any],
                             item: discord.ui.Item[Any], match: Any) -> CoreButton:
        return cls(match["action_id"])

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client: PressHandler = interaction.client
        await client.handle_press(interaction, self.action_id)


@dataclass(frozen=True, slots=True)
class Rendered:
    content: str | None
    embeds: list[discord.Embed]
    view: discord.ui.View | None
    files: list[discord.File]


def render(reply: Reply) -> Rendered:
    content, embeds = _body(reply)
    return Rendered(content, embeds, _view(reply.choices), _files(reply))


def send_kwargs(reply: Reply) -> dict[str, Any]:
    """Arguments for a new message (channel send, interaction response, follow-up)."""
    out = render(reply)
    kwargs: dict[str, Any] = {"content": out.content, "embeds": out.embeds,
                              "files": out.files, "allowed_mentions": NO_PINGS}
    if out.view is not None:
        kwargs["view"] = out.view
    return kwargs


def edit_kwargs(reply: Reply) -> dict[str, Any]:
    """Arguments that replace a message's whole body: buttons and files included."""
    out = render(reply)
    return {"content": out.content, "embeds": out.embeds, "view": out.view,
            "attachments": out.files, "allowed_mentions": NO_PINGS}


def _body(reply: Reply) -> tuple[str | None, list[discord.Embed]]:
    text = reply.text or ""
    if not reply.title and not reply.fields and len(text) <= MAX_CONTENT:
        return text or None, []
    embed = discord.Embed(title=_cut(reply.title, 256) if reply.title else None,
                          description=_cut(text, MAX_DESCRIPTION) or None, colour=EMBED_COLOUR)
    for name, value in reply.fields[:MAX_FIELDS]:
        embed.add_field(name=_cut(name, 256) or "\u200b", value=_cut(value, 1024) or "\u200b",
                        inline=len(value) < 40)
    return None, [embed]


def _view(choices: tuple[Choice, ...]) -> discord.ui.View | None:
    if not choices:
        return None
    if len(choices) > MAX_BUTTONS:
        log.warning("a reply had %d buttons; Discord shows %d", len(choices), MAX_BUTTONS)
    view = discord.ui.View(timeout=None)
    for choice in choices[:MAX_BUTTONS]:
        view.add_item(CoreButton(choice.action_id, _cut(choice.label, 80) or "\u200b",
                                 STYLES.get(choice.style, discord.ButtonStyle.secondary)))
    return view


def _files(reply: Reply) -> list[discord.File]:
    return [discord.File(io.BytesIO(a.data), filename=a.filename) for a in reply.attachments]


def _cut(text: str | None, limit: int) -> str:
    text = text or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"
