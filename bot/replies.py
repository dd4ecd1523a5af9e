"""What the bot hands back: platform-neutral replies that adapters render."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

#: Discord's custom_id limit; every action id the bot makes stays under it.
MAX_ACTION_ID = 100

ChoiceStyle = Literal["primary", "secondary", "success", "danger"]


@dataclass(frozen=True, slots=True)
class Choice:
    """A button. ``action_id`` comes back in a :class:`bot.events.Press`."""

    label: str
    action_id: str
    style: ChoiceStyle = "secondary"

    def __post_init__(self) -> None:
        if len(self.action_id) >= MAX_ACTION_ID:
            raise ValueError(f"action id too long for Discord: {self.action_id!r}")


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file to post with a reply: a PNG chart or timeline, a CSV report."""

    filename: str
    data: bytes
    mime: str = "image/png"


PartKind = Literal["heading", "text", "item", "quote", "correction", "context"]


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of a structured reply, which each adapter lays out its own way: a heading,
    body text, a list item, an essay passage (quoted verbatim), a correction of the essay, or
    small print (a source, a historian, a date's note)."""

    kind: PartKind
    text: str

    @property
    def plain(self) -> str:
        """The part as a line of plain text: how ``Reply.text`` and the terminal show it."""
        if self.kind == "item":
            return f"- {self.text}"
        if self.kind == "quote":
            return f'From the essay: "{self.text}"'
        if self.kind == "correction":
            return f"Correction: {self.text}"
        return self.text


def plain_parts(parts: tuple[Part, ...]) -> str:
    return "\n".join(part.plain for part in parts)


@dataclass(frozen=True, slots=True)
class Reply:
    """One message. ``private`` means only the person who acted sees it (ephemeral).

    ``replace`` asks the adapter to edit the message whose button was pressed instead of
    posting a new one. ``parts``, when given, is the same message as ``text`` in structured
    form (an answer's heading, passage and correction); ``text`` stays complete, for
    notifications, screen readers and adapters that show plain text.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    private: bool = False
    replace: bool = False
    title: str | None = None
    fields: tuple[tuple[str, str], ...] = field(default=())
    parts: tuple[Part, ...] = ()


def private(text: str, **kwargs: object) -> Reply:
    """A short reply only the asker sees: errors, confirmations, refusals."""
    return Reply(text=text, private=True, **kwargs)  # type: ignore[arg-type]


# --- The text's markup ----------------------------------------------------------------------
# Reply text is written in a small Markdown subset, which each adapter renders its own way
# (Discord shows it as is, Slack as mrkdwn, the terminal in ANSI or plain). Commands are
# written the way the terminal and Discord take them, as a code span with a slash
# (`/quiz solo`); ``bot.commands.registry.write_commands`` rewrites them for a platform that
# takes them otherwise.

BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
UNDERLINE = re.compile(r"__(?=\S)(.+?)(?<=\S)__")
STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
CODE = re.compile(r"`([^`\n]+)`")
HEADING = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)


def plain_text(text: str) -> str:
    """The text with its markup taken out: for a terminal without styles, or a log."""
    for pattern in (HEADING, BOLD, UNDERLINE, STRIKE, CODE):
        text = pattern.sub(r"\1", text)
    return text


def count_of(n: int, noun: str, plural: str | None = None) -> str:
    """``1 question``, ``2 questions``: a count with its noun in the right number."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"
