"""What the bot asks for when a Discord server adds it: the smallest set, each with its reason.

``studybot invite-url`` prints the install link with exactly these; docs/setup-discord.md
explains them. No privileged gateway intent is needed: the bot reads slash commands, buttons
and modals, never message content or member lists. (Imports nothing from discord.py, so the
command answers at once.)
"""

from __future__ import annotations

import argparse
import sys
from urllib.parse import urlencode

SCOPES = ("bot", "applications.commands")

#: (name as Discord shows it, bit, why the bot needs it)
PERMISSIONS = (
    ("View Channels", 1 << 10, "see the channels where it is used"),
    ("Send Messages", 1 << 11, "post quiz questions, answers, schedules and reminders"),
    ("Send Messages in Threads", 1 << 38, "the same when it is used in a thread"),
    ("Embed Links", 1 << 14, "answers and quiz questions are embeds"),
    ("Attach Files", 1 << 15, "timelines are PNG pictures"),
)
AUTHORIZE = "https://discord.com/oauth2/authorize"


def permissions_value() -> int:
    value = 0
    for _, bit, _ in PERMISSIONS:
        value |= bit
    return value


def invite_url(client_id: str) -> str:
    query = urlencode({"client_id": client_id, "scope": " ".join(SCOPES),
                       "permissions": str(permissions_value())})
    return f"{AUTHORIZE}?{query}"


def invite_main(args: argparse.Namespace) -> int:
    """``studybot invite-url``: the link that adds the bot to a server."""
    from bot import settings

    client_id = (args.client_id or "").strip()
    if not client_id:
        token = settings.value("DISCORD_TOKEN")
        client_id = (settings.discord_bot_id(token) if token else None) or ""
    if not client_id.isascii() or not client_id.isdigit():
        print("studybot: give --client-id (the Application ID on the developer portal's "
              "General Information page) or set DISCORD_TOKEN.", file=sys.stderr)
        return 2
    print(invite_url(client_id))
    print(f"Scopes: {', '.join(SCOPES)}. Permissions ({permissions_value()}):", file=sys.stderr)
    for name, _, why in PERMISSIONS:
        print(f"  {name}: {why}", file=sys.stderr)
    return 0
