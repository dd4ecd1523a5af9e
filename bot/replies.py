"""What the bot hands back: platform-neutral replies that adapters render."""

from __future__ import annotations

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


@dataclass(frozen=True, slots=True)
class Reply:
    """One message. ``private`` means only the person who acted sees it (ephemeral).

    ``replace`` asks the adapter to edit the message whose button was pressed instead of
    posting a new one.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    attachments: tuple[Attachment, ...] = ()
    private: bool = False
    replace: bool = False
    title: str | None = None
    fields: tuple[tuple[str, str], ...] = field(default=())


def private(text: str, **kwargs: object) -> Reply:
    """A short reply only the asker sees: errors, confirmations, refusals."""
    return Reply(text=text, private=True, **kwargs)  # type: ignore[arg-type]
