"""Core replies as Discord messages: text or an embed, buttons, files; no pings, ever.

A reply with ``parts`` (an answer) is one embed: its heading as the title (with any small
print before it, "the closest the essay has to that", above the title), then the text, the
list items as bullets, the essay passage as a ``>`` quote, a correction as a marked line and
small print as subtext (``-#``), in the answer's order. Past Discord's size limits, small
print goes before any correction does. "<@id> asked: ..." is the message's content where
Discord does not show the question itself (an answer shared from a button).
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass
from typing import Any, Protocol

import discord

from bot.replies import Asked, Choice, Part, Reply, keep_within, runs

log = logging.getLogger(__name__)

NO_PINGS = discord.AllowedMentions.none()
MAX_CONTENT = 2000
MAX_DESCRIPTION = 4096
MAX_FIELDS = 25
MAX_BUTTONS = 25
MAX_TITLE = 256
MAX_EMBED = 6000  # characters across an embed's title, description, author, fields, footer
QUESTION_SHOWN = 300  # characters of a question an "asked" line repeats
CUT = "…"
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
    """Arguments that replace a message's whole body: buttons and files included. An answer
    that says nothing of who asked leaves the message's content alone, so the whole answer
    ("More") of a shared one still says who asked."""
    out = render(reply)
    kwargs = {"content": out.content, "embeds": out.embeds, "view": out.view,
              "attachments": out.files, "allowed_mentions": NO_PINGS}
    if reply.parts and reply.asked is None:
        del kwargs["content"]
    return kwargs


_USER_ID = re.compile(r"^\d{1,25}$")


def asked_line(asked: Asked) -> str:
    """``<@123> asked: who was litvinov``: the asker (only a real Discord id is written as a
    mention) and the question with its markdown and mentions made harmless."""
    who = f"<@{asked.user_id}>" if _USER_ID.match(asked.user_id) else _harmless(asked.user_id)
    return f"{who} asked: {_harmless(_cut(' '.join(asked.question.split()), QUESTION_SHOWN))}"


def _harmless(text: str) -> str:
    return discord.utils.escape_mentions(discord.utils.escape_markdown(text))


def _body(reply: Reply) -> tuple[str | None, list[discord.Embed]]:
    asked = asked_line(reply.asked) if reply.asked else None
    if reply.parts:
        return asked, [answer_embed(reply)]
    text = "\n".join(line for line in (asked, reply.text) if line)
    if not reply.title and not reply.fields and len(text) <= MAX_CONTENT:
        return text or None, []
    text = reply.text or ""
    embed = discord.Embed(title=_cut(reply.title, 256) if reply.title else None,
                          description=_cut(text, MAX_DESCRIPTION) or None, colour=EMBED_COLOUR)
    _add_fields(embed, reply.fields)
    return asked, [embed]


def answer_embed(reply: Reply) -> discord.Embed:
    """An answer's parts as one embed, in order, within Discord's limits."""
    title, above, parts = _title(reply)
    pieces = _pieces(parts)
    fields = sum(len(name) + len(value) for name, value in reply.fields[:MAX_FIELDS])
    room = min(MAX_DESCRIPTION, MAX_EMBED - len(title) - len(above) - fields) - len(CUT) - 2
    kept, cut = keep_within(pieces, lambda p: len(_joined(p)) <= room,
                            lambda piece: piece[0] == "correction")
    description = _joined(kept) + (f"\n\n{CUT}" if cut else "")
    embed = discord.Embed(title=title or None, colour=EMBED_COLOUR,
                          description=_cut(description, max(room, 1)) or None)
    if above:
        embed.set_author(name=above)
    _add_fields(embed, reply.fields)
    return embed


def _title(reply: Reply) -> tuple[str, str, tuple[Part, ...]]:
    """The embed's title, the small print above it, and the parts left for the description:
    the reply's title, or else its heading when only small print comes before it."""
    if reply.title:
        return _cut(reply.title, MAX_TITLE), "", reply.parts
    first = next((i for i, p in enumerate(reply.parts) if p.kind != "context"), None)
    if first is None or reply.parts[first].kind != "heading":
        return "", "", reply.parts
    above = " ".join(p.text for p in reply.parts[:first])
    return (_cut(reply.parts[first].text, MAX_TITLE), _cut(above, MAX_TITLE),
            reply.parts[first + 1:])


def _pieces(parts: tuple[Part, ...]) -> list[tuple[str, str]]:
    """(kind, markdown) per part, a run of list items or essay passages as one piece."""
    return [(kind, _markdown(kind, tuple(p.text for p in run))) for kind, run in runs(parts)]


def _markdown(kind: str, texts: tuple[str, ...]) -> str:
    if kind == "heading":
        return f"**{texts[0]}**"
    if kind == "item":
        return "\n".join(f"• {text}" for text in texts)
    if kind == "quote":
        passages = [f"“{text}”" if len(texts) > 1 else text for text in texts]
        return "**From the essay:**\n" + "\n".join(
            f"> {line}" for text in passages for line in text.split("\n"))
    if kind == "correction":
        return f"⚠️ **Correction:** {texts[0]}"
    if kind == "context":
        return "\n".join(f"-# {line}" for line in texts[0].split("\n") if line.strip())
    return texts[0]


def _joined(pieces: list[tuple[str, str]]) -> str:
    """Pieces one after another: small print runs together, everything else in paragraphs."""
    out = ""
    for i, (kind, text) in enumerate(pieces):
        if i:
            out += "\n" if kind == pieces[i - 1][0] == "context" else "\n\n"
        out += text
    return out


def _add_fields(embed: discord.Embed, fields: tuple[tuple[str, str], ...]) -> None:
    for name, value in fields[:MAX_FIELDS]:
        embed.add_field(name=_cut(name, 256) or "\u200b", value=_cut(value, 1024) or "\u200b",
                        inline=len(value) < 40)


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
