"""How the bot posts on its own (a quiz timer firing, a schedule): each adapter implements it."""

from __future__ import annotations

from typing import Protocol

from bot.events import Place
from bot.replies import Reply


class Notifier(Protocol):
    async def post(self, place: Place, reply: Reply) -> str:
        """Post a public message in ``place``; return a reference that ``edit`` accepts."""
        ...

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        """Replace an earlier message (one countdown message per question, not a stream)."""
        ...

    async def send_direct(
        self, tenant_platform: str, tenant: str, user_id: str, reply: Reply
    ) -> None:
        """Send one user a message of their own (revision reminders)."""
        ...


class RecordingNotifier:
    """A notifier that keeps what it was asked to post: the terminal chat and tests use it."""

    def __init__(self) -> None:
        self.posts: list[tuple[Place, str, Reply]] = []
        self.edits: list[tuple[Place, str, Reply]] = []
        self.direct: list[tuple[str, str, str, Reply]] = []
        self._next = 0

    async def post(self, place: Place, reply: Reply) -> str:
        self._next += 1
        ref = f"m{self._next}"
        self.posts.append((place, ref, reply))
        return ref

    async def edit(self, place: Place, message_ref: str, reply: Reply) -> None:
        self.edits.append((place, message_ref, reply))

    async def send_direct(
        self, tenant_platform: str, tenant: str, user_id: str, reply: Reply
    ) -> None:
        self.direct.append((tenant_platform, tenant, user_id, reply))
