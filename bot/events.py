"""What adapters hand to the bot: typed, platform-neutral inbound events."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something. ``tenant`` is the Discord guild or Slack workspace.

    The adapter decides ``is_teacher`` (platform roles, the tenant's teacher role) and
    ``is_manager`` (may change the tenant's settings: Manage Server, workspace admin).
    """

    platform: str
    tenant: str
    user_id: str
    display_name: str = ""
    is_teacher: bool = False
    is_manager: bool = False

    @property
    def tenant_key(self) -> str:
        """The one key that separates tenants' data everywhere in storage."""
        return f"{self.platform}:{self.tenant}"

    @property
    def name(self) -> str:
        return self.display_name or self.user_id


@dataclass(frozen=True, slots=True)
class Place:
    """Where it happened: a channel of a tenant, optionally a thread in it."""

    platform: str
    tenant: str
    channel: str
    thread: str | None = None

    @property
    def tenant_key(self) -> str:
        return f"{self.platform}:{self.tenant}"

    @property
    def key(self) -> str:
        """Stable id of the channel (and thread) across tenants."""
        base = f"{self.platform}:{self.tenant}:{self.channel}"
        return f"{base}:{self.thread}" if self.thread else base


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command or its text equivalent: ``name`` like ``"quiz start"``."""

    actor: Actor
    place: Place
    name: str
    args: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Press:
    """A button or choice press. ``action_id`` routes it from stored state alone."""

    actor: Actor
    place: Place
    action_id: str
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Text:
    """Free text addressed to the bot: a question, or a typed answer."""

    actor: Actor
    place: Place
    text: str


Event = Command | Press | Text
