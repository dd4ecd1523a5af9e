"""A local fake Discord: just enough REST and gateway for the real discord.py client.

It answers on 127.0.0.1 at a random port, plays the gateway handshake (HELLO, IDENTIFY, READY,
GUILD_CREATE, heartbeats), dispatches interactions the way Discord does (slash commands built
against the command payload the bot registered, button clicks on messages the bot sent,
autocomplete, modal submits) and keeps every message the bot creates or edits, so tests can
assert on what a class would see. Errors (429, 5xx, 403) can be injected per route.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from aiohttp import BodyPartReader, WSMsgType, web

JSON = "application/json"
#: Discord forgets an interaction not acknowledged within 3 seconds.
ACK_DEADLINE = 3.0
MANAGE_GUILD = 1 << 5
#: What an ordinary student may do in a channel: view, send messages, use app commands.
STUDENT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 31)
TEACHER_PERMISSIONS = STUDENT_PERMISSIONS | MANAGE_GUILD
#: The invite's permissions: view, send, send in threads, embed links, attach files.
BOT_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 38) | (1 << 14) | (1 << 15)
EPHEMERAL = 64
LOADING = 128


@dataclass
class Recorded:
    """One HTTP request the bot made."""

    method: str
    path: str
    query: dict[str, str]
    body: dict[str, Any] | None
    files: list[tuple[str, bytes, str]] = field(default_factory=list)


@dataclass
class Injected:
    status: int
    method: str | None
    path: re.Pattern[str]
    times: int
    retry_after: float = 0.01


@dataclass
class FakeUser:
    id: int
    name: str
    permissions: int = STUDENT_PERMISSIONS
    roles: tuple[int, ...] = ()

    def payload(self) -> dict[str, Any]:
        return {"id": str(self.id), "username": self.name, "global_name": self.name,
                "discriminator": "0", "avatar": None, "bot": False}


@dataclass
class Interaction:
    """What the fake remembers about an interaction it dispatched, by token."""

    id: int
    token: str
    kind: int
    guild_id: int
    channel_id: int
    message_id: int | None = None  # the component's message (type 3)
    original_id: int | None = None  # the response message, once there is one
    callbacks: list[dict[str, Any]] = field(default_factory=list)
    created: float = field(default_factory=time.monotonic)
    acked: float | None = None  # when the first callback arrived


#: Shaped like a real bot token (its first part is the bot's id, 900000000000000001, in
#: base64), so ``studybot run`` and ``config check`` accept it as they would a real one.
FAKE_TOKEN = "OTAwMDAwMDAwMDAwMDAwMDAx.Gfake1.local-fake-discord-token-not-a-secret"


class FakeDiscord:
    """Start with ``await fake.start()``; point discord.py at ``api_base`` and ``gateway_url``."""

    def __init__(self, *, guilds: Iterable[int] = (1_000_000_000_000_001,), shard_count: int = 1,
                 token: str = FAKE_TOKEN) -> None:
        self.token = token
        self.app_id = 900_000_000_000_000_001
        self.bot_user = {"id": str(self.app_id), "username": "studybot", "discriminator": "0",
                         "global_name": "studybot", "avatar": None, "bot": True}
        self.guild_ids = list(guilds)
        self.channel_ids = {g: g + 100 for g in self.guild_ids}
        self.teacher_role_ids = {g: g + 200 for g in self.guild_ids}
        self.shard_count = shard_count
        self.requests: list[Recorded] = []
        self.commands: list[dict[str, Any]] = []  # the last PUT of global commands
        self.messages: dict[int, dict[str, Any]] = {}
        self.message_log: list[tuple[str, dict[str, Any]]] = []  # ("create"|"edit", message)
        self.interactions: dict[str, Interaction] = {}
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.injected: list[Injected] = []
        self.dm_channels: dict[int, int] = {}
        self.threads: dict[int, int] = {}  # thread id -> guild id
        self.ack_deadline = ACK_DEADLINE
        self.gateway_bot_url: str | None = None  # what GET /gateway/bot advertises
        self.late_acks: list[str] = []  # interactions the bot answered too late
        self._ids = itertools.count(1_100_000_000_000_000_000)
        self._shards: dict[int, web.WebSocketResponse] = {}
        self._seqs: dict[int, Iterator[int]] = {}
        self._ready: dict[int, asyncio.Event] = {}
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # --- life cycle -----------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application(client_max_size=32 * 1024 * 1024)
        app.router.add_get("/gw", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        for ws in list(self._shards.values()):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gw"

    def env(self) -> dict[str, str]:
        """The environment a real ``studybot run --platform discord`` needs to use this fake."""
        return {"DISCORD_TOKEN": self.token, "DISCORD_API_BASE": self.api_base,
                "DISCORD_GATEWAY_URL": self.gateway_url}

    async def wait_connected(self, shards: Iterable[int] = (0,), timeout: float = 10) -> None:
        """Wait until each shard has identified and been sent READY and its guilds."""
        for shard in shards:
            event = self._ready.setdefault(shard, asyncio.Event())
            await asyncio.wait_for(event.wait(), timeout)

    def shard_of(self, guild_id: int) -> int:
        return (guild_id >> 22) % self.shard_count

    # --- errors -----------------------------------------------------------------------------

    def inject(self, status: int, path: str, *, method: str | None = None, times: int = 1,
               retry_after: float = 0.01) -> None:
        """Answer the next ``times`` requests whose path matches regex ``path`` with ``status``."""
        self.injected.append(Injected(status, method, re.compile(path), times, retry_after))

    def _take_injected(self, method: str, path: str) -> Injected | None:
        for rule in self.injected:
            if rule.times > 0 and (rule.method in (None, method)) and rule.path.search(path):
                rule.times -= 1
                return rule
        return None

    # --- waiting on what the bot did --------------------------------------------------------

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 5) -> Any:
        """Wait until ``predicate()`` gives something truthy (re-checked on every change)."""
        async def loop() -> Any:
            async with self._changed:
                while True:
                    value = predicate()
                    if value:
                        return value
                    await self._changed.wait()
        return await asyncio.wait_for(loop(), timeout)

    async def wait_message(self, match: Callable[[dict[str, Any]], bool], *, after: int = 0,
                           timeout: float = 5) -> dict[str, Any]:
        """The first message created (log position >= ``after``) for which ``match`` holds."""
        def find() -> dict[str, Any] | None:
            for kind, message in self.message_log[after:]:
                if kind == "create" and match(message):
                    return message
            return None
        result: dict[str, Any] = await self.wait_for(find, timeout)
        return result

    async def wait_response(self, token: str, timeout: float = 5) -> dict[str, Any]:
        """The first message that answers an interaction (its response or first follow-up)."""
        def find() -> dict[str, Any] | None:
            inter = self.interactions[token]
            if inter.original_id is not None and inter.original_id != inter.message_id:
                message = self.messages[inter.original_id]
                if not message["flags"] & LOADING and not message.get("deleted"):
                    return message
            followups = [m for k, m in self.message_log
                         if k == "create" and m.get("interaction_token") == token
                         and m["id"] != str(inter.original_id)]
            return followups[0] if followups else None
        result: dict[str, Any] = await self.wait_for(find, timeout)
        return result

    def replies_to(self, token: str) -> list[dict[str, Any]]:
        """Every message (current state) made in answer to an interaction, in order."""
        seen: list[dict[str, Any]] = []
        for kind, message in self.message_log:
            if kind == "create" and message.get("interaction_token") == token:
                seen.append(self.messages[int(message["id"])])
        return seen

    def channel_messages(self, channel_id: int) -> list[dict[str, Any]]:
        return [m for m in self.messages.values() if m["channel_id"] == str(channel_id)]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    # --- dispatching interactions -------------------------------------------------------------

    async def command(self, name: str, options: Mapping[str, Any] | None = None, *,
                      user: FakeUser, guild_id: int | None = None,
                      channel_id: int | None = None, app_permissions: int | None = None) -> str:
        """Run ``/name`` ("quiz start") with ``options``, typed as the bot registered them.

        ``app_permissions``: what the bot may do in the channel (default: all it asks for).
        """
        data = self._command_data(name, dict(options or {}), guild_id or self.guild_ids[0])
        return await self._dispatch(2, data, user, guild_id, channel_id,
                                    app_permissions=app_permissions)

    async def autocomplete(self, name: str, options: Mapping[str, Any], focused: str, *,
                           user: FakeUser, guild_id: int | None = None) -> list[dict[str, Any]]:
        """Type into option ``focused``; return the choices the bot offered."""
        data = self._command_data(name, dict(options), guild_id or self.guild_ids[0],
                                  focused=focused)
        token = await self._dispatch(4, data, user, guild_id, None)
        inter = self.interactions[token]
        await self.wait_for(lambda: inter.callbacks)
        choices: list[dict[str, Any]] = inter.callbacks[0]["data"]["choices"]
        return choices

    async def click(self, message: Mapping[str, Any], custom_id: str, *, user: FakeUser) -> str:
        """Press the button ``custom_id`` on a message the bot sent (as it is now)."""
        current = self.messages[int(message["id"])]
        ids = [c["custom_id"] for row in current.get("components", [])
               for c in row.get("components", []) if "custom_id" in c]
        if custom_id not in ids:
            raise AssertionError(f"no button {custom_id!r} on the message; it has {ids}")
        channel_id = int(current["channel_id"])
        guild_id = self._guild_of_channel(channel_id)
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._dispatch(3, data, user, guild_id, channel_id, message=current)

    async def press(self, custom_id: str, *, user: FakeUser, guild_id: int | None = None) -> str:
        """A component interaction with any ``custom_id``, as if on a message in the guild's
        channel: for buttons the bot never made (forged, or another server's)."""
        guild_id = guild_id or self.guild_ids[0]
        channel_id = self.channel_ids[guild_id]
        message = self._create(channel_id, {"content": "forged", "components": [
            {"type": 1, "components": [{"type": 2, "style": 2, "label": "x",
                                        "custom_id": custom_id}]}]}, [])
        data = {"custom_id": custom_id, "component_type": 2}
        return await self._dispatch(3, data, user, guild_id, channel_id, message=message)

    async def submit_modal(self, custom_id: str, values: Mapping[str, str], *,
                           user: FakeUser, guild_id: int | None = None) -> str:
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": k, "value": v}]}
                for k, v in values.items()]
        data = {"custom_id": custom_id, "components": rows}
        return await self._dispatch(5, data, user, guild_id, None)

    def _guild_of_channel(self, channel_id: int) -> int:
        if channel_id in self.threads:
            return self.threads[channel_id]
        for guild, channel in self.channel_ids.items():
            if channel == channel_id:
                return guild
        return self.guild_ids[0]

    def _command_data(self, name: str, values: dict[str, Any], guild_id: int,
                      focused: str | None = None) -> dict[str, Any]:
        words = name.split()
        spec = next((c for c in self.commands if c["name"] == words[0]), None)
        if spec is None:
            raise AssertionError(f"/{words[0]} was not registered")
        data: dict[str, Any] = {"id": spec.get("id", "1"), "name": words[0], "type": 1,
                                "guild_id": None}
        resolved: dict[str, Any] = {}
        holder = data
        for word in words[1:]:
            sub = next((o for o in spec.get("options", []) if o["name"] == word), None)
            if sub is None or sub["type"] not in (1, 2):
                raise AssertionError(f"/{name}: no subcommand {word!r}")
            node: dict[str, Any] = {"type": sub["type"], "name": word, "options": []}
            holder.setdefault("options", []).append(node)
            holder, spec = node, sub
        options = []
        known = {o["name"]: o for o in spec.get("options", [])}
        for key, value in values.items():
            option = known.get(key)
            if option is None:
                raise AssertionError(f"/{name} has no option {key!r}; it has {sorted(known)}")
            entry: dict[str, Any] = {"name": key, "type": option["type"], "value": value}
            if option["type"] == 8:  # a role: Discord sends the id and the resolved role
                entry["value"] = str(value)
                resolved.setdefault("roles", {})[str(value)] = self._role(guild_id, int(value))
            if key == focused:
                entry["focused"] = True
                entry["value"] = str(value)
            options.append(entry)
        if focused is not None and focused not in values:
            options.append({"name": focused, "type": known[focused]["type"], "value": "",
                            "focused": True})
        holder["options"] = options
        if resolved:
            data["resolved"] = resolved
        return data

    async def _dispatch(self, kind: int, data: dict[str, Any], user: FakeUser,
                        guild_id: int | None, channel_id: int | None,
                        message: dict[str, Any] | None = None,
                        app_permissions: int | None = None) -> str:
        guild_id = guild_id or self.guild_ids[0]
        channel_id = channel_id or self.channel_ids[guild_id]
        inter_id = next(self._ids)
        token = f"itoken-{inter_id}"
        self.interactions[token] = Interaction(
            inter_id, token, kind, guild_id, channel_id,
            message_id=int(message["id"]) if message else None)
        payload: dict[str, Any] = {
            "id": str(inter_id), "application_id": str(self.app_id), "type": kind,
            "token": token, "version": 1, "guild_id": str(guild_id),
            "channel_id": str(channel_id), "channel": self._channel(guild_id, channel_id),
            "member": {"user": user.payload(), "roles": [str(r) for r in user.roles],
                       "permissions": str(user.permissions), "joined_at": _now(),
                       "deaf": False, "mute": False, "flags": 0, "nick": None},
            "app_permissions": str(BOT_PERMISSIONS if app_permissions is None
                                   else app_permissions), "locale": "en-GB",
            "guild_locale": "en-GB", "entitlements": [], "context": 0,
            "attachment_size_limit": 10 * 1024 * 1024,
            "authorizing_integration_owners": {"0": str(guild_id)},
            "data": data,
        }
        if message is not None:
            payload["message"] = {k: v for k, v in message.items() if k != "interaction_token"}
        await self._send_dispatch(self.shard_of(guild_id), "INTERACTION_CREATE", payload)
        return token

    # --- gateway ------------------------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self._seqs[id(ws)] = itertools.count(1)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        shard_id: int | None = None
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            op = frame.get("op")
            if op == 1:
                self.heartbeats += 1
                await ws.send_json({"op": 11, "d": None, "s": None, "t": None})
            elif op == 2:
                self.identifies.append(frame["d"])
                shard_id, count = frame["d"].get("shard", [0, 1])
                self._shards[shard_id] = ws
                guilds = [g for g in self.guild_ids if (g >> 22) % count == shard_id]
                await self._send(ws, "READY", {
                    "v": 10, "user": self.bot_user, "session_id": f"session-{shard_id}",
                    "resume_gateway_url": self.gateway_url, "shard": [shard_id, count],
                    "guilds": [{"id": str(g), "unavailable": True} for g in guilds],
                    "application": {"id": str(self.app_id), "flags": 0},
                })
                for guild in guilds:
                    await self._send(ws, "GUILD_CREATE", self._guild(guild))
                self._ready.setdefault(shard_id, asyncio.Event()).set()
            elif op == 6:  # RESUME: accept it, the session id names the shard
                self.resumes.append(frame["d"])
                shard_id = int(str(frame["d"]["session_id"]).rsplit("-", 1)[1])
                self._shards[shard_id] = ws
                await self._send(ws, "RESUMED", {})
                self._ready.setdefault(shard_id, asyncio.Event()).set()
        if shard_id is not None and self._shards.get(shard_id) is ws:
            del self._shards[shard_id]
            self._ready.pop(shard_id, None)
        return ws

    async def _send(self, ws: web.WebSocketResponse, event: str, data: Any) -> None:
        await ws.send_json({"op": 0, "t": event, "s": next(self._seqs[id(ws)]), "d": data})

    async def _send_dispatch(self, shard: int, event: str, data: Any) -> None:
        ws = self._shards.get(shard)
        if ws is None:
            raise AssertionError(f"shard {shard} is not connected")
        await self._send(ws, event, data)

    async def drop_shard(self, shard: int = 0) -> None:
        """Close a shard's socket from the server side, as Discord does now and then."""
        ws = self._shards.pop(shard, None)
        self._ready.pop(shard, None)
        if ws is not None:
            await ws.close(code=4000)

    def open_thread(self, guild_id: int | None = None) -> int:
        """A thread in the guild's channel, for interactions sent with ``channel_id`` = it."""
        guild_id = guild_id or self.guild_ids[0]
        thread_id = next(self._ids)
        self.threads[thread_id] = guild_id
        return thread_id

    def _channel(self, guild_id: int, channel_id: int) -> dict[str, Any]:
        if channel_id in self.threads:
            return {"id": str(channel_id), "type": 11, "guild_id": str(guild_id),
                    "parent_id": str(self.channel_ids[guild_id]), "name": "homework help",
                    "owner_id": "1", "message_count": 0, "member_count": 2,
                    "rate_limit_per_user": 0, "flags": 0,
                    "thread_metadata": {"archived": False, "auto_archive_duration": 1440,
                                        "archive_timestamp": _now(), "locked": False},
                    "permissions": str(TEACHER_PERMISSIONS)}
        return {"id": str(channel_id), "type": 0, "guild_id": str(guild_id), "name": "history",
                "position": 0, "permission_overwrites": [], "nsfw": False, "parent_id": None,
                "permissions": str(TEACHER_PERMISSIONS)}

    def _role(self, guild_id: int, role_id: int) -> dict[str, Any]:
        name = "@everyone" if role_id == guild_id else (
            "Teachers" if role_id == self.teacher_role_ids.get(guild_id) else f"role-{role_id}")
        return {"id": str(role_id), "name": name, "permissions": str(STUDENT_PERMISSIONS),
                "position": 0 if role_id == guild_id else 1, "color": 0, "hoist": False,
                "managed": False, "mentionable": False, "flags": 0}

    def _guild(self, guild_id: int) -> dict[str, Any]:
        return {"id": str(guild_id), "name": f"School {guild_id % 1000}", "unavailable": False,
                "member_count": 30, "large": False, "owner_id": "1", "features": [],
                "roles": [self._role(guild_id, guild_id),
                          self._role(guild_id, self.teacher_role_ids[guild_id])],
                "channels": [self._channel(guild_id, self.channel_ids[guild_id])],
                "members": [], "emojis": [], "stickers": [], "threads": [],
                "voice_states": [], "presences": [], "stage_instances": [],
                "guild_scheduled_events": [], "preferred_locale": "en-GB"}

    # --- REST -----------------------------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body, files = await _read_body(request)
        self.requests.append(Recorded(request.method, path, dict(request.query), body, files))
        try:
            rule = self._take_injected(request.method, path)
            if rule is not None:
                return _error(rule)
            signed = request.headers.get("Authorization") == f"Bot {self.token}"
            if not signed and not path.startswith(("/interactions/", "/webhooks/")):
                return _json({"message": "401: Unauthorized", "code": 0}, 401)
            return await self._route(request.method, path, body, files)
        finally:
            await self._notify()

    async def _route(self, method: str, path: str, body: dict[str, Any] | None,
                     files: list[tuple[str, bytes, str]]) -> web.Response:
        if (method, path) == ("GET", "/users/@me"):
            return _json(self.bot_user)
        if (method, path) == ("GET", "/oauth2/applications/@me"):
            return _json(self._application())
        if (method, path) == ("GET", "/gateway/bot"):
            return _json({"url": self.gateway_bot_url or self.gateway_url,
                          "shards": self.shard_count,
                          "session_start_limit": {"total": 1000, "remaining": 999,
                                                  "reset_after": 0, "max_concurrency": 1}})
        if method == "PUT" and re.fullmatch(rf"/applications/{self.app_id}/commands", path):
            return _json(self._register(body or []))  # type: ignore[arg-type]
        if method == "POST" and path == "/users/@me/channels":
            return _json(self._dm(int((body or {})["recipient_id"])))
        match = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", path)
        if match and method == "POST":
            return self._callback(match.group(2), body or {}, files)
        match = re.fullmatch(r"/webhooks/(\d+)/([^/]+)(?:/messages/([^/]+))?", path)
        if match:
            return self._webhook(method, match.group(2), match.group(3), body or {}, files)
        match = re.fullmatch(r"/channels/(\d+)/messages(?:/(\d+))?", path)
        if match:
            return self._channel_message(method, int(match.group(1)), match.group(2),
                                         body or {}, files)
        return _json({"message": f"404: Not Found ({method} {path})", "code": 0}, 404)

    def _application(self) -> dict[str, Any]:
        return {"id": str(self.app_id), "name": "studybot", "icon": None, "description": "",
                "rpc_origins": [], "bot_public": True, "bot_require_code_grant": False,
                "owner": {"id": "1", "username": "owner", "discriminator": "0", "avatar": None},
                "summary": "", "verify_key": "0" * 64, "team": None, "flags": 0,
                "interactions_endpoint_url": None, "bot": self.bot_user}

    def _register(self, commands: list[dict[str, Any]]) -> list[dict[str, Any]]:
        registered = []
        for command in commands:
            saved = dict(command, id=str(next(self._ids)), application_id=str(self.app_id),
                         version="1", default_member_permissions=command.get(
                             "default_member_permissions"))
            registered.append(saved)
        self.commands = registered
        return registered

    def _dm(self, user_id: int) -> dict[str, Any]:
        channel = self.dm_channels.setdefault(user_id, next(self._ids))
        return {"id": str(channel), "type": 1, "last_message_id": None,
                "recipients": [{"id": str(user_id), "username": f"user{user_id}",
                                "discriminator": "0", "avatar": None}]}

    # interaction responses

    def _callback(self, token: str, body: dict[str, Any],
                  files: list[tuple[str, bytes, str]]) -> web.Response:
        inter = self.interactions.get(token)
        if inter is None:
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        if inter.callbacks:
            return _json({"message": "Interaction has already been acknowledged.",
                          "code": 40060}, 400)
        if time.monotonic() - inter.created > self.ack_deadline:
            self.late_acks.append(token)
            return _json({"message": "Unknown interaction", "code": 10062}, 404)
        inter.callbacks.append(body)
        inter.acked = time.monotonic()
        kind = body["type"]
        data = body.get("data") or {}
        answer: dict[str, Any] = {"id": str(inter.id), "type": inter.kind}
        resource: dict[str, Any] = {"type": kind}
        if kind == 4:
            message = self._create(inter.channel_id, data, files, token=token)
            inter.original_id = int(message["id"])
            resource["message"] = message
        elif kind == 5:
            flags = (data.get("flags") or 0) | LOADING
            message = self._create(inter.channel_id, {"content": "", "flags": flags}, [],
                                   token=token)
            inter.original_id = int(message["id"])
            answer["response_message_loading"] = True
            resource["message"] = message
        elif kind in (6, 7):
            inter.original_id = inter.message_id
            if kind == 7 and inter.message_id is not None:
                resource["message"] = self._edit(inter.message_id, data, files)
        if inter.original_id is not None:
            answer["response_message_id"] = str(inter.original_id)
            answer["response_message_ephemeral"] = bool(
                self.messages[inter.original_id]["flags"] & EPHEMERAL)
        return _json({"interaction": answer, "resource": resource})

    def _webhook(self, method: str, token: str, message_ref: str | None, body: dict[str, Any],
                 files: list[tuple[str, bytes, str]]) -> web.Response:
        inter = self.interactions.get(token)
        if inter is None:
            return _json({"message": "Unknown Webhook", "code": 10015}, 404)
        if message_ref is None and method == "POST":  # a follow-up message
            if not inter.callbacks:
                return _json({"message": "Unknown Webhook", "code": 10015}, 404)
            original = self.messages.get(inter.original_id or 0)
            if original and original["flags"] & LOADING and not original.get("deleted"):
                # Discord's first follow-up after a deferral replaces the "thinking" message,
                # keeping the deferral's visibility (the follow-up's own flags are ignored)
                return _json(self._edit(int(original["id"]), body, files, loading_done=True))
            return _json(self._create(inter.channel_id, body, files, token=token))
        if message_ref is None:
            return _json({"message": "405: Method Not Allowed", "code": 0}, 405)
        message_id = inter.original_id if message_ref == "@original" else int(message_ref)
        if message_id is None or message_id not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, 404)
        if method == "PATCH":
            return _json(self._edit(message_id, body, files, loading_done=True))
        if method == "GET":
            return _json(self.messages[message_id])
        if method == "DELETE":
            self.messages[message_id]["deleted"] = True
            return web.Response(status=204)
        return _json({"message": "405: Method Not Allowed", "code": 0}, 405)

    def _channel_message(self, method: str, channel_id: int, message_ref: str | None,
                         body: dict[str, Any], files: list[tuple[str, bytes, str]]) -> web.Response:
        if method == "POST" and message_ref is None:
            return _json(self._create(channel_id, body, files))
        if method == "PATCH" and message_ref is not None:
            message_id = int(message_ref)
            message = self.messages.get(message_id)
            if message is None or message["channel_id"] != str(channel_id):
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            if message["flags"] & EPHEMERAL:
                return _json({"message": "Unknown Message", "code": 10008}, 404)
            return _json(self._edit(message_id, body, files))
        return _json({"message": "405: Method Not Allowed", "code": 0}, 405)

    # messages

    def _create(self, channel_id: int, body: Mapping[str, Any],
                files: list[tuple[str, bytes, str]], token: str | None = None) -> dict[str, Any]:
        message_id = next(self._ids)
        message: dict[str, Any] = {
            "id": str(message_id), "channel_id": str(channel_id), "type": 0 if not token else 20,
            "author": self.bot_user, "content": body.get("content") or "",
            "embeds": body.get("embeds") or [], "components": body.get("components") or [],
            "attachments": _attachments(files, body), "flags": body.get("flags") or 0,
            "timestamp": _now(), "edited_timestamp": None, "tts": False,
            "mention_everyone": False, "mentions": [], "mention_roles": [], "pinned": False,
            "application_id": str(self.app_id), "allowed_mentions": body.get("allowed_mentions"),
            "files": files, "edits": 0,
        }
        if token is not None:
            message["interaction_token"] = token
            message["webhook_id"] = str(self.app_id)
        if message_id in self.messages:
            raise AssertionError("message id reused")
        self.messages[message_id] = message
        self.message_log.append(("create", message))
        return _public(message)

    def _edit(self, message_id: int, body: Mapping[str, Any],
              files: list[tuple[str, bytes, str]], loading_done: bool = False) -> dict[str, Any]:
        message = self.messages[message_id]
        for key in ("content", "embeds", "components"):
            if key in body:
                message[key] = body[key] or ("" if key == "content" else [])
        if "allowed_mentions" in body:
            message["allowed_mentions"] = body["allowed_mentions"]
        if files or "attachments" in body:
            message["attachments"] = _attachments(files, body)
            message["files"] = files
        if loading_done:
            message["flags"] &= ~LOADING
        message["edited_timestamp"] = _now()
        message["edits"] += 1
        self.message_log.append(("edit", message))
        return _public(message)


# --- helpers ----------------------------------------------------------------------------------

def _public(message: Mapping[str, Any]) -> dict[str, Any]:
    """The message as Discord returns it (without the fake's own bookkeeping keys)."""
    hidden = {"files", "edits", "allowed_mentions", "interaction_token", "deleted"}
    return {k: v for k, v in message.items() if k not in hidden}


def _attachments(files: list[tuple[str, bytes, str]], body: Mapping[str, Any]) -> list[Any]:
    return [{"id": str(i), "filename": name, "size": len(data), "content_type": mime,
             "url": f"https://cdn.invalid/{name}", "proxy_url": f"https://cdn.invalid/{name}"}
            for i, (name, data, mime) in enumerate(files)]


def _now() -> str:
    return datetime.now(UTC).isoformat()


def _json(data: Any, status: int = 200) -> web.Response:
    # exactly "application/json": discord.py reads anything else as text
    return web.Response(status=status, body=json.dumps(data).encode(),
                        headers={"Content-Type": JSON})


def _error(rule: Injected) -> web.Response:
    if rule.status == 429:
        return web.Response(status=429, body=json.dumps(
            {"message": "You are being rate limited.", "retry_after": rule.retry_after,
             "global": False, "code": 0}).encode(),
            headers={"Content-Type": JSON, "Via": "1.1 google",
                     "Retry-After": str(rule.retry_after), "X-RateLimit-Scope": "user"})
    if rule.status == 403:
        return _json({"message": "Missing Permissions", "code": 50013}, 403)
    return _json({"message": f"{rule.status}: Server Error", "code": 0}, rule.status)


async def _read_body(request: web.Request) -> tuple[Any, list[tuple[str, bytes, str]]]:
    """JSON bodies as they are; multipart bodies as payload_json plus the files."""
    files: list[tuple[str, bytes, str]] = []
    ctype = request.headers.get("Content-Type", "")
    if ctype.startswith("multipart/"):
        body: Any = None
        reader = await request.multipart()
        async for part in reader:
            if not isinstance(part, BodyPartReader):
                continue
            if part.name == "payload_json":
                body = json.loads(await part.text())
            else:
                data = await part.read()
                files.append((part.filename or "", bytes(data),
                              part.headers.get("Content-Type", "")))
        return body, files
    raw = await request.read()
    if not raw:
        return None, files
    if ctype != JSON:
        raise web.HTTPBadRequest(text=f"expected {JSON}, got {ctype!r}")
    return json.loads(raw), files
