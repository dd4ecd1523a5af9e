"""A local stand-in for Slack's Web API, response URLs and Socket Mode websocket (127.0.0.1).

The real slack_sdk / slack-bolt code talks to it over HTTP, so adapter tests exercise the same
requests production sends. Every call is recorded (method, merged body, token); messages are
kept in their current state so a test can read what a channel shows after edits.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import WSMsgType, web


@dataclass
class Call:
    method: str  # "chat.postMessage", or "response_url" / "upload" for the non-API endpoints
    body: dict[str, Any]
    token: str | None = None
    answer: dict[str, Any] = field(default_factory=dict)  # what the fake answered


@dataclass
class Message:
    channel: str
    ts: str
    text: str
    blocks: list[dict[str, Any]] = field(default_factory=list)
    thread_ts: str | None = None
    ephemeral_to: str | None = None
    edits: int = 0


class FakeSlack:
    """Start with ``await FakeSlack().start()``; point the bot at ``api_url``."""

    def __init__(self, team_id: str = "T1", bot_user_id: str = "UBOT",
                 bot_id: str = "BBOT") -> None:
        self.team_id = team_id
        self.bot_user_id = bot_user_id
        self.bot_id = bot_id
        self.calls: list[Call] = []
        self.messages: dict[tuple[str, str], Message] = {}
        self.users: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, list[str]] = {}
        self.channels: dict[str, dict[str, Any]] = {}  # conversations.info, by id
        self.uploads: dict[str, bytes] = {}
        self.errors: dict[str, str] = {}  # method -> Slack error code it answers with
        self.tokens: dict[str, str] = {}  # oauth code -> bot token handed out by oauth.v2.access
        self.code_teams: dict[str, str] = {}  # oauth code -> the workspace installing
        self._ts = itertools.count(1)
        self._files = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        self._socket: web.WebSocketResponse | None = None
        self._socket_ready = asyncio.Event()
        self._acks: dict[str, asyncio.Future[dict[str, Any]]] = {}
        self._changed = asyncio.Condition()
        #: Called with each call as it arrives (benchmarks time replies with it).
        self.on_call: Callable[[Call], None] | None = None

    # -- set-up ---------------------------------------------------------------------------

    def add_user(self, user_id: str, name: str = "", *, admin: bool = False,
                 owner: bool = False) -> None:
        self.users[user_id] = {
            "id": user_id, "team_id": self.team_id, "name": name or user_id.lower(),
            "real_name": name or user_id, "is_admin": admin, "is_owner": owner,
            "is_primary_owner": False, "is_bot": False,
            "profile": {"display_name": name or user_id, "real_name": name or user_id},
        }

    async def start(self) -> FakeSlack:
        app = web.Application(client_max_size=20 * 1024 * 1024)
        app.add_routes([
            web.route("*", "/api/{method}", self._api),
            web.post("/upload/{file_id}", self._upload),
            web.post("/response/{key}", self._response_url),
            web.get("/socket", self._socket_handler),
        ])
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base}/api/"

    def response_url(self, key: str) -> str:
        return f"{self.base}/response/{key}"

    # -- reading what happened ------------------------------------------------------------

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        return [c.body for c in self.calls if c.method == method]

    def posted(self) -> list[dict[str, Any]]:
        """Every message body the bot sent anywhere, in order (posts, ephemerals, responses)."""
        kinds = {"chat.postMessage", "chat.postEphemeral", "response_url", "chat.update",
                 "files.completeUploadExternal"}
        return [c.body for c in self.calls if c.method in kinds]

    def ts_of(self, body: dict[str, Any]) -> str:
        """The ts the fake gave the message posted with this (recorded) body."""
        call = next(c for c in self.calls if c.body is body)
        return str(call.answer.get("ts") or call.answer.get("message_ts"))

    def channel_messages(self, channel: str) -> list[Message]:
        return [m for m in self.messages.values() if m.channel == channel]

    def clear(self) -> None:
        self.calls.clear()

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> None:
        """Wait until ``count`` calls to ``method`` were recorded (for ack-first mode)."""
        await self.wait_until(lambda: len(self.calls_to(method)) >= count, timeout)

    async def wait_until(self, ready: Callable[[], object], timeout: float = 5.0) -> None:
        """Wait until ``ready()`` is true, checked after each recorded call."""
        async def check() -> None:
            async with self._changed:
                await self._changed.wait_for(ready)
        await asyncio.wait_for(check(), timeout)

    async def _record(self, call: Call) -> None:
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)
        async with self._changed:
            self._changed.notify_all()

    # -- the Web API ----------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        body = await _body(request)
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else body.get("token")
        call = Call(method, body, token)
        error = self.errors.get(method)
        if error:
            call.answer = {"ok": False, "error": error}
        else:
            handler = getattr(self, "_m_" + method.replace(".", "_"), None)
            call.answer = {"ok": True, **(handler(body) if handler else {})}
        await self._record(call)
        return _json(call.answer)

    def _m_auth_test(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"url": "https://school.slack.com/", "team": "School", "user": "studybot",
                "team_id": self.team_id, "user_id": self.bot_user_id, "bot_id": self.bot_id,
                "is_enterprise_install": False}

    def _next_ts(self) -> str:
        return f"1700000000.{next(self._ts):06d}"

    def _m_chat_postMessage(self, body: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        channel = body["channel"]
        message = Message(channel, ts, body.get("text", ""), _blocks(body),
                          body.get("thread_ts"))
        self.messages[(channel, ts)] = message
        return {"channel": channel, "ts": ts,
                "message": {"text": message.text, "blocks": message.blocks, "ts": ts}}

    def _m_chat_postEphemeral(self, body: dict[str, Any]) -> dict[str, Any]:
        ts = self._next_ts()
        channel = body["channel"]
        self.messages[(channel, ts)] = Message(channel, ts, body.get("text", ""), _blocks(body),
                                               body.get("thread_ts"), ephemeral_to=body["user"])
        return {"message_ts": ts}

    def _m_chat_update(self, body: dict[str, Any]) -> dict[str, Any]:
        key = (body["channel"], body["ts"])
        message = self.messages.get(key)
        if message is not None:
            message.text = body.get("text", "")
            message.blocks = _blocks(body)
            message.edits += 1
        return {"channel": body["channel"], "ts": body["ts"], "text": body.get("text", "")}

    def _m_users_info(self, body: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(body["user"])
        if user is None:
            self.add_user(body["user"])
            user = self.users[body["user"]]
        return {"user": user}

    def _m_usergroups_users_list(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"users": self.groups.get(body["usergroup"], [])}

    def _m_conversations_info(self, body: dict[str, Any]) -> dict[str, Any]:
        default = {"id": body["channel"], "is_private": False, "is_member": True,
                   "is_archived": False}
        return {"channel": self.channels.get(body["channel"], default)}

    def _m_conversations_open(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"channel": {"id": "D" + body["users"].split(",")[0]}}

    def _m_files_getUploadURLExternal(self, body: dict[str, Any]) -> dict[str, Any]:
        file_id = f"F{next(self._files)}"
        return {"upload_url": f"{self.base}/upload/{file_id}", "file_id": file_id}

    def _m_files_completeUploadExternal(self, body: dict[str, Any]) -> dict[str, Any]:
        files = json.loads(body["files"])
        return {"files": [{"id": f["id"], "title": f.get("title")} for f in files]}

    def _m_apps_connections_open(self, body: dict[str, Any]) -> dict[str, Any]:
        return {"url": f"ws://127.0.0.1:{self.port}/socket"}

    def _m_oauth_v2_access(self, body: dict[str, Any]) -> dict[str, Any]:
        token = self.tokens.get(body.get("code", ""), "xoxb-installed")
        return {"app_id": "A1", "access_token": token, "token_type": "bot",
                "scope": "commands,chat:write", "bot_user_id": self.bot_user_id,
                "team": {"id": self.code_teams.get(body.get("code", ""), self.team_id),
                         "name": "School"}, "enterprise": None,
                "is_enterprise_install": False, "authed_user": {"id": "UINSTALLER"}}

    # -- the other endpoints --------------------------------------------------------------

    async def _upload(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"]
        self.uploads[file_id] = await request.read()
        await self._record(Call("upload", {"file_id": file_id}))
        return web.Response(text="OK - " + str(len(self.uploads[file_id])))

    async def _response_url(self, request: web.Request) -> web.Response:
        body = await request.json()
        body["response_key"] = request.match_info["key"]
        await self._record(Call("response_url", body))
        return web.Response(text="ok")

    # -- Socket Mode ----------------------------------------------------------------------

    async def _socket_handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._socket = ws
        await ws.send_json({"type": "hello", "num_connections": 1,
                            "debug_info": {"host": "fake"}, "connection_info": {"app_id": "A1"}})
        self._socket_ready.set()
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            data = json.loads(msg.data)
            await self._record(Call("socket_ack", data))
            future = self._acks.pop(data.get("envelope_id", ""), None)
            if future is not None and not future.done():
                future.set_result(data)
        return ws

    async def socket_send(self, envelope: dict[str, Any], timeout: float = 5.0) -> dict[str, Any]:
        """Send one envelope to the connected app; return its acknowledgement."""
        await asyncio.wait_for(self._socket_ready.wait(), timeout)
        assert self._socket is not None
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._acks[envelope["envelope_id"]] = future
        await self._socket.send_json(envelope)
        return await asyncio.wait_for(future, timeout)


async def _body(request: web.Request) -> dict[str, Any]:
    body: dict[str, Any] = dict(request.query)
    raw = await request.read()
    if not raw:
        return body
    if request.content_type == "application/json":
        body.update(json.loads(raw))
    else:
        body.update(parse_qsl(raw.decode(), keep_blank_values=True))
    return body


def _blocks(body: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = body.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _json(data: dict[str, Any]) -> web.Response:
    return web.json_response(data)
