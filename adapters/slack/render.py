"""Bot replies as Slack messages: mrkdwn text and Block Kit blocks.

Every text the bot posts goes through :func:`mrkdwn`, which escapes ``&``, ``<`` and ``>``
first. Slack only turns ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U..>`` and links into
mentions when they are written with angle brackets, so escaped text can never ping anyone,
whatever a student typed as a question or a display name. The one markup let back through is
a bare channel link (``<#C123>``, which the core uses to name a channel): it notifies no one.
"""

from __future__ import annotations

import re
from typing import Any

from bot.commands.registry import write_commands
from bot.replies import BOLD, HEADING, STRIKE, UNDERLINE, Choice, Reply

SECTION_LIMIT = 3000  # characters in one section's text
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
BUTTONS_PER_BLOCK = 25
BUTTON_LABEL_LIMIT = 75
HEADER_LIMIT = 150
MAX_BLOCKS = 50
FALLBACK_LIMIT = 3000

#: The one slash command; every core command is typed after it (`/study quiz solo`).
SLASH_COMMAND = "/study"
#: A channel link (``<#C123>``) notifies nobody, so the core may use one: it is let through.
_CHANNEL_LINK = re.compile(r"&lt;#([CG][A-Z0-9]{1,20})&gt;")

Block = dict[str, Any]


def escape(text: str) -> str:
    """Slack's three control characters as entities: the text shows exactly as written."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mrkdwn(text: str) -> str:
    """The core's Markdown-ish text (`code`, *bold* / **bold**, # headings) as safe mrkdwn,
    with its commands written as Slack takes them (`/study quiz solo`)."""
    text = _CHANNEL_LINK.sub(r"<#\1>", escape(write_commands(text, SLASH_COMMAND + " ")))
    text = HEADING.sub(r"*\1*", text)
    text = BOLD.sub(r"*\1*", text)
    text = UNDERLINE.sub(r"_\1_", text)
    return STRIKE.sub(r"~\1~", text)


def fallback_text(reply: Reply) -> str:
    """The message's plain ``text``: what notifications and screen readers show."""
    head = f"*{escape(reply.title)}*\n" if reply.title else ""
    return _cut(head + mrkdwn(reply.text), FALLBACK_LIMIT)


def blocks(reply: Reply) -> list[Block]:
    """Header, text sections, fields and buttons, within Slack's size limits."""
    out: list[Block] = []
    if reply.title:
        out.append({"type": "header",
                    "text": {"type": "plain_text", "text": _cut(reply.title, HEADER_LIMIT)}})
    out += [_section(chunk) for chunk in _chunks(mrkdwn(reply.text), SECTION_LIMIT)]
    out += _field_sections(reply.fields)
    action_blocks = _action_blocks(reply.choices)
    room = MAX_BLOCKS - len(action_blocks)
    if len(out) > room:
        out = [*out[: room - 1], _section("…")]
    return out + action_blocks


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}


def _field_sections(fields: tuple[tuple[str, str], ...]) -> list[Block]:
    rendered = [{"type": "mrkdwn",
                 "text": _cut(f"*{escape(name)}*\n{mrkdwn(value)}", FIELD_LIMIT)}
                for name, value in fields]
    return [{"type": "section", "fields": rendered[i:i + FIELDS_PER_SECTION]}
            for i in range(0, len(rendered), FIELDS_PER_SECTION)]


def _action_blocks(choices: tuple[Choice, ...]) -> list[Block]:
    """Buttons in rows of at most 25; a repeated action id starts a new row (Slack refuses
    two equal action ids in one block)."""
    rows: list[list[Block]] = []
    for choice in choices:
        if not rows or len(rows[-1]) >= BUTTONS_PER_BLOCK or any(
                b["action_id"] == choice.action_id for b in rows[-1]):
            rows.append([])
        rows[-1].append(button(choice))
    return [{"type": "actions", "elements": row} for row in rows]


def button(choice: Choice) -> Block:
    """A button whose action id is the core's: one listener routes every click back."""
    element: Block = {
        "type": "button", "action_id": choice.action_id, "value": choice.action_id,
        "text": {"type": "plain_text", "text": _cut(choice.label, BUTTON_LABEL_LIMIT) or "?",
                 "emoji": True},
    }
    if choice.style in ("primary", "success"):
        element["style"] = "primary"
    elif choice.style == "danger":
        element["style"] = "danger"
    return element


def _chunks(text: str, limit: int) -> list[str]:
    """Split at line breaks into pieces Slack accepts; a single huge line is cut hard."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
