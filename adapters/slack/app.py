"""The slack-bolt app over the core: ``/study`` commands, mentions and button clicks.

Each Slack request becomes one core event (:mod:`bot.events`); the core's replies go back
through :mod:`adapters.slack.delivery`. Nothing here decides what the bot says.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from dataclasses import replace
from typing import Any

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.response import BoltResponse
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

from adapters.slack import guard
from adapters.slack.config import BOT_SCOPES, SlackConfig
from adapters.slack.delivery import Target, can_post, deliver
from adapters.slack.notifier import Clients, SlackNotifier, message_ref, web_client
from adapters.slack.people import PLATFORM, People, group_id
from adapters.slack.render import SLASH_COMMAND, asked_in, unescape
from adapters.slack.storage import SeenEvents
from bot.app import StudyBot, check_args
from bot.commands.parse import ParseError, parse_command_line
from bot.commands.registry import COMMANDS
from bot.events import Actor, Command, Place, Press, Text
from bot.faults import FaultLog
from bot.ops.lifecycle import InFlight
from bot.replies import Reply, private

log = logging.getLogger(__name__)

#: Seconds the bot may work on a command or click before acknowledging it (Slack allows 3).
ACK_BUDGET = 2.0
EVENTS_PATH = "/slack/events"
#: Every action id the core makes: ``<prefix>:<part>:...`` (see bot.commands.registry.action).
ACTION_IDS = re.compile(r"^[A-Za-z][\w-]*(:.*)?$")
_MARKUP = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
SLACK_HINT = f"On Slack, type each command after `{SLASH_COMMAND}`, e.g. `/quiz solo`."
#: Commands after which the bot posts in the channel on its own (so it must be able to).
POSTS_LATER = frozenset({"quiz start", "schedule add"})
CANNOT_POST_HERE = ("I can't post in this channel, so I can't run that here. Invite me first "
                    "(`/invite @studybot`), then try again.")


class SlackAdapter:
    """Builds the bolt app, its listeners and the aiohttp application that serves it."""

    def __init__(self, studybot: StudyBot, config: SlackConfig) -> None:
        self.studybot = studybot
        self.config = config
        self.client = web_client(None if config.oauth else config.bot_token, config.api_url)
        self.installations: AsyncSQLAlchemyInstallationStore | None = None
        oauth_settings: AsyncOAuthSettings | None = None
        if config.oauth:
            assert config.client_id is not None
            self.installations = AsyncSQLAlchemyInstallationStore(
                client_id=config.client_id, engine=studybot.db.engine)
            oauth_settings = AsyncOAuthSettings(
                client_id=config.client_id, client_secret=config.client_secret,
                scopes=list(BOT_SCOPES), installation_store=self.installations,
                state_store=AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600,
                                                           engine=studybot.db.engine))
        self.app = AsyncApp(
            name="studybot", client=self.client, signing_secret=config.signing_secret,
            oauth_settings=oauth_settings,
            process_before_response=config.process_before_response)
        self.clients = Clients(self.client, self.installations)
        self.notifier = SlackNotifier(self.clients)
        self.people = People(studybot, config.teacher_group, config.teacher_ids)
        self.seen = SeenEvents(studybot)
        self.in_flight = InFlight()  # listeners under way: shutdown lets them finish
        self._register()

    # -- listeners --------------------------------------------------------------------------

    def _register(self) -> None:
        self.app.middleware(self._skip_retries)
        self.app.command(SLASH_COMMAND)(self._on_command)
        self.app.event("app_mention")(self._on_mention)
        self.app.action(ACTION_IDS)(self._on_action)
        if self.installations is not None:
            # an uninstalled workspace's tokens are deleted from the database
            self.app.enable_token_revocation_listeners()
        else:
            for name in ("app_uninstalled", "tokens_revoked"):
                self.app.event(name)(self._nothing_to_forget)

    async def _nothing_to_forget(self, event: dict[str, Any]) -> None:
        """One workspace, one token from the environment: nothing stored to delete."""
        log.warning("Slack says %s; the bot token in SLACK_BOT_TOKEN no longer works",
                    event.get("type"))

    async def _skip_retries(self, body: dict[str, Any], next: Any) -> BoltResponse | None:
        event_id = body.get("event_id")
        if isinstance(event_id, str) and not await self.seen.first_time(event_id):
            log.info("skipping event %s: already taken in (a retry)", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    async def _on_command(self, ack: Any, command: dict[str, Any], client: AsyncWebClient,
                          respond: AsyncRespond) -> None:
        with self.in_flight.track():  # a stopping process lets this finish
            await self._command(ack, command, client, respond)

    async def _command(self, ack: Any, command: dict[str, Any], client: AsyncWebClient,
                       respond: AsyncRespond) -> None:
        team, user, channel = command["team_id"], command["user_id"], command["channel_id"]

        async def work() -> list[Reply]:
            actor = await self.people.actor(client, team, user, command.get("user_name", ""))
            return await self.run_line(actor, Place(PLATFORM, team, channel),
                                       command.get("text", ""), client)
        replies = await done_then_ack(ack, work())
        await deliver(Target(client, channel, user, respond=respond), replies)

    async def _on_mention(self, event: dict[str, Any], body: dict[str, Any],
                          client: AsyncWebClient, context: Any) -> None:
        with self.in_flight.track():
            await self._mention(event, body, client, context)

    async def _mention(self, event: dict[str, Any], body: dict[str, Any],
                       client: AsyncWebClient, context: Any) -> None:
        if event.get("bot_id") or not event.get("user"):
            return  # another app mentioning us: never answer bots (no loops)
        team = body.get("team_id") or event.get("team") or ""
        user, channel = event["user"], event["channel"]
        actor = await self.people.actor(client, team, user)
        place = Place(PLATFORM, team, channel, event.get("thread_ts"))
        question = strip_mentions(event.get("text", ""), context.bot_user_id)
        if question:
            replies = await self.studybot.handle(Text(actor, place, question))
        else:
            replies = await self.help(actor, place)
        thread = event.get("thread_ts") or event.get("ts")
        # the answer goes in a thread under the question: no need to say who asked what
        await deliver(Target(client, channel, user, thread_ts=thread),
                      [replace(r, asked=None) for r in replies])

    async def _on_action(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                         client: AsyncWebClient, respond: AsyncRespond) -> None:
        with self.in_flight.track():  # a stopping process lets this finish
            await self._action(ack, body, action, client, respond)

    async def _action(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                      client: AsyncWebClient, respond: AsyncRespond) -> None:
        user = body["user"]
        team = (body.get("team") or {}).get("id") or user.get("team_id", "")
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id", "")
        ts = container.get("message_ts")
        thread = container.get("thread_ts") or (body.get("message") or {}).get("thread_ts")
        place = Place(PLATFORM, team, channel, thread)

        async def work() -> list[Reply]:
            actor = await self.people.actor(client, team, user["id"],
                                            user.get("name") or user.get("username") or "")
            return await self.studybot.handle(Press(
                actor, place, action["action_id"], message_ref(channel, ts) if ts else None))
        replies = await done_then_ack(ack, work())
        await deliver(Target(client, channel, user["id"], thread_ts=thread, respond=respond,
                             source_ts=ts, source_ephemeral=bool(container.get("is_ephemeral")),
                             source_asked=asked_in(body.get("message"))), replies)

    # -- typed commands -------------------------------------------------------------------

    async def run_line(self, actor: Actor, place: Place, raw: str,
                       client: AsyncWebClient) -> list[Reply]:
        """One ``/study ...`` line as Slack sends it: parsed like the terminal's, with the help
        for whatever went wrong."""
        line = from_slack(raw)
        if not line.strip():
            return await self.help(actor, place)
        try:
            parsed = parse_command_line(line)
        except ParseError as error:
            topic = error.spec.name if error.spec else _command_group(line)
            return await self.help(actor, place, topic, problem=str(error))
        args, problem = check_args(parsed.spec, parsed.args)
        if problem:
            return await self.help(actor, place, parsed.spec.name, problem=problem)
        name = parsed.spec.name
        if name == "help":
            return await self.help(actor, place, args.get("command"))
        if name in POSTS_LATER and actor.is_teacher and not await can_post(client, place.channel):
            return [private(CANNOT_POST_HERE)]
        if name == "settings teacher-role" and "<!subteam^" in raw:
            args["role"] = group_id(raw)  # the group's id, not the @handle it shows as
        replies = await self.studybot.handle(Command(actor, place, name, args))
        if name == "settings teacher-role":
            self.people.forget_groups()
        return replies

    async def help(self, actor: Actor, place: Place, topic: str | None = None,
                   problem: str | None = None) -> list[Reply]:
        """The core's help (for one command, or all), privately, with how Slack types them."""
        args = {"command": topic} if topic else {}
        replies = await self.studybot.handle(Command(actor, place, "help", args))
        lead = [problem] if problem else []
        if not topic:
            lead.append(SLACK_HINT)
        first, *rest = replies
        text = "\n\n".join([*lead, first.text])
        return [Reply(text, first.choices, private=True, title=first.title), *rest]

    # -- serving over HTTP ----------------------------------------------------------------

    def web_app(self) -> web.Application:
        """``POST /slack/events`` (events, commands, interactivity) and the OAuth install
        pages when installable in many workspaces (``run.start`` adds ``/healthz`` and
        ``/metrics``)."""
        application = web.Application()
        application.router.add_post(EVENTS_PATH, self._handle_post)
        flow = self.app.oauth_flow
        if flow is not None:
            application.router.add_get(flow.install_path, self._handle_install)
            application.router.add_get(flow.redirect_uri_path, self._handle_redirect)
        return application

    async def _handle_post(self, request: web.Request) -> web.Response:
        if self.config.signing_secret:
            try:
                guard.check(request.headers, await request.text(), self.config.signing_secret)
            except guard.Refused as refused:
                self.studybot.service(FaultLog).refuse("Slack request refused", str(refused))
                return web.Response(status=refused.status, text=str(refused))
        response = await self.app.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _handle_install(self, request: web.Request) -> web.Response:
        assert self.app.oauth_flow is not None
        response = await self.app.oauth_flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _handle_redirect(self, request: web.Request) -> web.Response:
        assert self.app.oauth_flow is not None
        response = await self.app.oauth_flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(response)



async def done_then_ack(ack: Any, work: Coroutine[Any, Any, list[Reply]]) -> list[Reply]:
    """Run ``work`` (the core storing a quiz answer, say) and only then tell Slack we have the
    request. Slack never resends a click, so an answer acknowledged and then lost with a
    killed process would be gone for good; stored first, it survives. Work slower than
    :data:`ACK_BUDGET` is acknowledged at the budget (Slack gives up after 3 seconds) and
    answered when done."""
    task = asyncio.ensure_future(work)
    try:
        await asyncio.wait({task}, timeout=ACK_BUDGET)
    finally:
        await ack()
    return await task


def strip_mentions(text: str, bot_user_id: str | None) -> str:
    """The question in ``<@UBOT> when was munich?``: the bot's own mentions removed."""
    if bot_user_id:
        text = re.sub(rf"<@{re.escape(bot_user_id)}(?:\|[^>]*)?>", " ", text)
    return " ".join(from_slack(text).split())


def from_slack(text: str) -> str:
    """Slack's message markup as the plain text the person typed: ``<@U1|ann>`` as ``@ann``,
    ``<!here>`` as ``@here``, links as their label, and ``&amp; &lt; &gt;`` unescaped."""
    def plain(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("@", "#")):
            return target[0] + (label or target[1:])
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0]).lstrip("@")
        return label or target
    return unescape(_MARKUP.sub(plain, text))


def _command_group(line: str) -> str | None:
    """``quiz`` for ``quiz frobnicate``: the family of commands the user was reaching for."""
    words = line.strip().lstrip("/").split()
    first = words[0].lower() if words else ""
    return first if any(n.split()[0] == first for n in COMMANDS) else None

