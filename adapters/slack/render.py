"""Bot replies as Slack messages: mrkdwn text and Block Kit blocks.

Every text the bot posts goes through :func:`mrkdwn`, which escapes ``&``, ``<`` and ``>``
first. Slack only turns ``<!channel>``, ``<!here>``, ``<!everyone>``, ``<@U..>`` and links into
mentions when they are written with angle brackets, so escaped text can never ping anyone,
whatever a student typed as a question or a display name. The one markup let back through is
a bare channel link (``<#C123>``, which the core uses to name a channel): it notifies no one;
and an answer's "<@U123> asked: ..." line mentions the asker, by the id Slack gave us.

A reply with ``parts`` (an answer) is laid out in Block Kit: the heading as a header, text as
sections, list items as one bulleted section, the essay passage as a quote, a correction in a
context block marked as one, small print (source, historian, related entries) as context
blocks. ``text`` stays the whole answer in plain words, for notifications and screen readers.
"""

from __future__ import annotations

import re
from typing import Any

from bot.commands.registry import write_commands
from bot.replies import (
    BOLD,
    HEADING,
    STRIKE,
    UNDERLINE,
    Asked,
    Choice,
    Part,
    Reply,
    keep_within,
    plain_text,
    runs,
)

SECTION_LIMIT = 3000  # characters in one section's text
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
BUTTONS_PER_BLOCK = 25
BUTTON_LABEL_LIMIT = 75
HEADER_LIMIT = 150
MAX_BLOCKS = 50
CONTEXT_ELEMENTS = 10
#: Slack truncates a message's ``text`` past 40,000 characters; an answer is far shorter, so
#: the fallback is never cut in practice (notifications and screen readers get all of it).
FALLBACK_LIMIT = 40_000
QUESTION_SHOWN = 300  # characters of a question an "asked" line repeats
#: Block ids of the blocks a size limit never drops: who asked, and corrections of the essay.
ASKED_BLOCK = "asked"
CORRECTION_BLOCK = "correction"
#: A Slack user id, the only thing ever written inside ``<@...>``.
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,20}$")
_ASKED = re.compile(r"^<@([UW][A-Z0-9]{2,20})> asked: (.*)$", re.DOTALL)

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
    lines = [asked_line(reply.asked) if reply.asked else "",
             f"*{escape(reply.title)}*" if reply.title else "", mrkdwn(reply.text)]
    return _cut("\n".join(line for line in lines if line), FALLBACK_LIMIT)


def unescape(text: str) -> str:
    """Slack's entities back as the characters they stand for (``escape`` undone)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def asked_line(asked: Asked) -> str:
    """``<@U123> asked: who was litvinov``: the asker's mention (only a real Slack user id
    is written as one) and the question escaped, on one line."""
    who = f"<@{asked.user_id}>" if _USER_ID.match(asked.user_id) else escape(asked.user_id)
    question = _cut(" ".join(asked.question.split()), QUESTION_SHOWN)
    return f"{who} asked: {escape(question)}"


def asked_in(posted: dict[str, Any] | None) -> Asked | None:
    """Who asked, read back from the "asked" line of one of the bot's own messages as Slack
    returns it with a click: an answer that replaces the message then still says it."""
    for block in (posted or {}).get("blocks") or []:
        if isinstance(block, dict) and block.get("block_id") == ASKED_BLOCK:
            elements = block.get("elements") or [{}]
            found = _ASKED.match(str(elements[0].get("text", "")))
            if found:
                return Asked(found.group(1), unescape(found.group(2)))
    return None


def blocks(reply: Reply) -> list[Block]:
    """Who asked, the header, the answer's parts (or its text) and fields, then the buttons,
    within Slack's size limits: past them, small print goes before any correction."""
    out: list[Block] = []
    if reply.asked:
        # verbatim: Slack turns nothing in the student's words into a link or a mention
        out.append(_context([asked_line(reply.asked)], ASKED_BLOCK, verbatim=True))
    if reply.title:
        out.append(_header(reply.title))
    if reply.parts:
        out += part_blocks(reply.parts)
    else:
        out += _sections(mrkdwn(reply.text))
    out += _field_sections(reply.fields)
    action_blocks = _action_blocks(reply.choices)
    room = MAX_BLOCKS - len(action_blocks)
    if len(out) > room:
        out, _ = keep_within(out, lambda kept: len(kept) < room, _essential)
        out.append(_section("…"))
    return out + action_blocks


def part_blocks(parts: tuple[Part, ...]) -> list[Block]:
    """An answer's parts as blocks, in order: a run of list items is one bulleted section,
    a run of essay passages one quote."""
    out: list[Block] = []
    for kind, run in runs(parts):
        out += _run_blocks(kind, run, len(out))
    return out


def _run_blocks(kind: str, run: tuple[Part, ...], position: int) -> list[Block]:
    texts = [mrkdwn(part.text) for part in run]
    if kind == "heading":
        heading = " ".join(plain_text(run[0].text).split())
        if len(heading) <= HEADER_LIMIT:
            return [_header(heading)]
        return _sections(f"*{mrkdwn(heading)}*")
    if kind == "item":
        return _sections("\n".join(f"• {text}" for text in texts))
    if kind == "quote":
        passages = [f"“{text}”" if len(texts) > 1 else text for text in texts]
        quoted = "\n".join(f">{line}" for text in passages for line in text.split("\n"))
        return _sections(f"*From the essay:*\n{quoted}")
    if kind == "correction":
        return [_context(_chunks(f":warning: *Correction:* {texts[0]}", SECTION_LIMIT),
                         f"{CORRECTION_BLOCK}-{position}")]
    if kind == "context":
        return [_context(_chunks(texts[0], SECTION_LIMIT))]
    return _sections(texts[0])


def _essential(block: Block) -> bool:
    return str(block.get("block_id", "")).startswith((ASKED_BLOCK, CORRECTION_BLOCK))


def _header(text: str) -> Block:
    return {"type": "header",
            "text": {"type": "plain_text", "text": _cut(text, HEADER_LIMIT) or " "}}


def _context(texts: list[str], block_id: str | None = None, verbatim: bool = False) -> Block:
    """Small print: up to ten mrkdwn elements (a long text arrives as several chunks)."""
    elements: list[Block] = [{"type": "mrkdwn", "text": text or " "}
                             for text in texts[:CONTEXT_ELEMENTS]]
    for element in elements if verbatim else []:
        element["verbatim"] = True
    block: Block = {"type": "context", "elements": elements}
    if block_id:
        block["block_id"] = block_id
    return block


def _sections(text: str) -> list[Block]:
    return [_section(chunk) for chunk in _chunks(text, SECTION_LIMIT)]


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
