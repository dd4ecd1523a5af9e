"""The Discord client: slash commands and buttons in, core replies out, within Discord's 3 s.

``create_client`` and ``run_client`` are how the bot starts, in production (``run.py``) and in
the tests against the local fake Discord alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Any

import discord
import yarl
from discord import app_commands

from adapters.discord.commands import install, modal_question
from adapters.discord.config import DEFAULT_GATEWAY, DiscordConfig
from adapters.discord.notifier import DiscordNotifier
from adapters.discord.render import NO_PINGS, CoreButton, edit_kwargs, send_kwargs
from adapters.discord.tracing import http_trace
from bot.app import StudyBot
from bot.clock import until_next_tick
from bot.commands.settings import teacher_role
from bot.events import Actor, Command, Event, Place, Press
from bot.quiz.bank import question_bank
from bot.replies import Reply, private

log = logging.getLogger(__name__)

Interaction = discord.Interaction[Any]
PLATFORM = "discord"
#: Seconds a closing client waits for a tick or a core call under way.
SHUTDOWN_GRACE = 10.0
SORRY = "Sorry, something went wrong on my side. Nothing you had done was lost; please try again."
ROLE_ID = re.compile(r"^(?:<@&)?(\d{5,25})>?$")


def apply_endpoints(config: DiscordConfig) -> None:
    """Point discord.py's REST and gateway at ``config`` (Discord, a proxy, or a test fake)."""
    discord.http.Route.BASE = config.api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(config.gateway_url
                                                                or DEFAULT_GATEWAY)


def create_client(studybot: StudyBot, config: DiscordConfig) -> StudyClient:
    """The client for ``studybot``; it also becomes the bot's notifier for its own posts."""
    apply_endpoints(config)
    client = StudyClient(studybot, config)
    studybot.notifier = DiscordNotifier(client)
    return client


async def run_client(client: StudyClient) -> None:
    """Log in, register the commands, connect every shard and serve until closed."""
    async with client:
        await client.start(client.config.token)


class StudyClient(discord.AutoShardedClient):
    """An auto-sharded client with the app command tree and one route for every button."""

    def __init__(self, studybot: StudyBot, config: DiscordConfig) -> None:
        # the bot never joins voice: no warnings about voice libraries at every start
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        shards: dict[str, Any] = {"shard_count": config.shard_count}
        if config.shard_ids is not None:
            shards["shard_ids"] = list(config.shard_ids)
        super().__init__(
            intents=discord.Intents(guilds=True),  # nothing privileged, no message content
            **shards, allowed_mentions=NO_PINGS, max_messages=None, chunk_guilds_at_startup=False,
            guild_ready_timeout=config.guild_ready_timeout, http_trace=http_trace())
        self.studybot = studybot
        self.config = config
        self.tree: app_commands.CommandTree[StudyClient] = app_commands.CommandTree(
            self, allowed_contexts=app_commands.AppCommandContext(guild=True))
        self.tree.on_error = self._on_tree_error  # type: ignore[method-assign]
        install(self.tree)
        self._ticker: asyncio.Task[None] | None = None
        self._work: set[asyncio.Task[Any]] = set()
        self._stopping = asyncio.Event()

    async def setup_hook(self) -> None:
        if self.config.gateway_url and self.shard_count is None:
            # discord.py connects to the URL in GET /gateway/bot unless the shard count is
            # known: take Discord's recommended count so the configured gateway is used
            self.shard_count = (await self.http.get_bot_gateway())[0]
        self.add_dynamic_items(CoreButton)
        if self.config.sync_commands:
            try:
                await self.tree.sync()
            except discord.HTTPException:
                log.exception("could not register the slash commands; the old ones stay")
        if self.config.tick_interval:
            self._ticker = asyncio.create_task(self._tick_forever(self.config.tick_interval))

    async def close(self) -> None:
        """Stop ticking after the tick under way, finish the core work in flight, then close:
        an answer the bot received is stored before the process goes."""
        self._stopping.set()
        pending = [t for t in (self._ticker, *self._work) if t is not None and not t.done()]
        if pending:
            _, late = await asyncio.wait(pending, timeout=SHUTDOWN_GRACE)
            for task in late:
                log.warning("still busy at shutdown, cancelling: %s", task.get_name())
                task.cancel()
        await super().close()

    async def _tick_forever(self, interval: float) -> None:
        """Quiz timers and schedules: ``StudyBot.tick`` logs its own failures. Ticks fall just
        after whole seconds, so a schedule due at 09:00 fires at 09:00:00, not up to 1 s late."""
        while not self._stopping.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), until_next_tick(interval))
            if self._stopping.is_set():
                return
            try:
                await self.studybot.tick()
            except Exception:
                log.exception("tick failed")

    async def connection_problem(self) -> str | None:
        """For ``/healthz``: None while every shard of this process is connected."""
        if self._stopping.is_set() or self.is_closed():
            return "stopping"
        if not self.shards:
            return "connecting to Discord"
        down = [str(i) for i, shard in self.shards.items() if shard.is_closed()]
        return f"shards {', '.join(down)} disconnected" if down else None

    def topics(self) -> list[str]:
        """Topics offered while typing: the ones quiz and schedule commands accept."""
        return self.studybot.service(question_bank).topics() or self.studybot.kb.topics()

    # --- inbound ------------------------------------------------------------------------------

    async def run_command(self, interaction: Interaction, name: str, args: dict[str, str], *,
                          private: bool = False) -> None:
        if name in POSTS_HERE_LATER and (missing := missing_post_permissions(interaction)):
            await interaction.response.send_message(
                f"I can't post in this channel, so I haven't started anything: I need "
                f"{', '.join(missing)} here. A server manager can grant them in the channel's "
                "settings.", ephemeral=True, allowed_mentions=NO_PINGS)
            return

        async def event() -> Event:
            actor, place = await self.who_where(interaction)
            return Command(actor, place, name, args)
        await self._serve(interaction, event, private_guess=private or name in PRIVATE_NAMES,
                          force_private=private, shows_question=True)

    async def on_interaction(self, interaction: Interaction) -> None:
        """Modal submits routed by custom_id alone (the ask modal); the rest have handlers."""
        if interaction.type is not discord.InteractionType.modal_submit:
            return
        found = modal_question(interaction.data)
        if found is not None:
            question, private = found
            await self.run_command(interaction, "ask", {"question": question}, private=private)

    async def handle_press(self, interaction: Interaction, action_id: str) -> None:
        async def event() -> Event:
            actor, place = await self.who_where(interaction)
            message = interaction.message
            return Press(actor, place, action_id, str(message.id) if message else None)
        await self._serve(interaction, event, private_guess=False, force_private=False,
                          shows_question=False)

    async def who_where(self, interaction: Interaction) -> tuple[Actor, Place]:
        """The core's view of who acted and where: teacher = Manage Server or the teacher role."""
        guild_id = interaction.guild_id
        if guild_id is None:
            raise NotInGuild
        tenant = str(guild_id)
        user = interaction.user
        manager = interaction.permissions.manage_guild
        teacher = manager or await self._has_teacher_role(user, f"{PLATFORM}:{tenant}")
        actor = Actor(PLATFORM, tenant, str(user.id), user.display_name,
                      is_teacher=teacher, is_manager=manager)
        channel = interaction.channel
        if isinstance(channel, discord.Thread) and channel.parent_id is not None:
            place = Place(PLATFORM, tenant, str(channel.parent_id), str(channel.id))
        else:
            place = Place(PLATFORM, tenant, str(interaction.channel_id))
        return actor, place

    async def _has_teacher_role(self, user: discord.User | discord.Member, tenant_key: str) -> bool:
        if not isinstance(user, discord.Member):
            return False
        configured = await teacher_role(self.studybot, tenant_key)
        if not configured:
            return False
        match = ROLE_ID.match(configured.strip())
        if match:
            return any(role.id == int(match.group(1)) for role in user.roles)
        wanted = configured.strip().lstrip("@").lower()
        return any(role.name.lower() == wanted for role in user.roles)

    async def _serve(self, interaction: Interaction, make_event: Callable[[], Awaitable[Event]],
                     *, private_guess: bool, force_private: bool,
                     shows_question: bool) -> None:
        """Ask the core, acknowledging within Discord's limit whatever the core's speed.

        The core's work runs as its own task: if answering the interaction fails (expired,
        rate limited, forbidden) what the student did is still stored. ``shows_question``:
        Discord heads the response with "<name> used /ask", so the answer need not say who
        asked.
        """
        work = asyncio.create_task(self._ask_core(make_event))
        self._work.add(work)
        work.add_done_callback(self._work.discard)
        done, _ = await asyncio.wait({work}, timeout=self.config.ack_budget)
        deferred: bool | None = None  # the deferral's visibility, when deferred
        if not done:
            deferred = await self._defer(interaction, private_guess)
        replies = await work
        if force_private:
            replies = [replace(r, private=True) for r in replies]
        if shows_question:
            replies = [replace(r, asked=None) for r in replies]
        try:
            await self.respond(interaction, replies, deferred)
        except discord.HTTPException as exc:
            log.warning("could not answer interaction %s (%s): %s", interaction.id,
                        type(exc).__name__, exc)
        except Exception:  # a rendering bug must not take the client down either
            log.exception("could not answer interaction %s", interaction.id)

    async def _ask_core(self, make_event: Callable[[], Awaitable[Event]]) -> list[Reply]:
        try:
            return await self.studybot.handle(await make_event())
        except NotInGuild:
            return [private("Please use me in a server's channel.")]
        except Exception:
            log.exception("could not build the event")
            return [private(SORRY)]

    async def _defer(self, interaction: Interaction, private_guess: bool) -> bool | None:
        try:
            if interaction.type is discord.InteractionType.component:
                await interaction.response.defer()  # no visible change to the clicked message
                return None
            await interaction.response.defer(ephemeral=private_guess, thinking=True)
            return private_guess
        except discord.HTTPException as exc:
            log.warning("could not defer interaction %s: %s", interaction.id, exc)
            return None

    # --- outbound -----------------------------------------------------------------------------

    async def respond(self, interaction: Interaction, replies: list[Reply],
                      deferred: bool | None) -> None:
        """Render replies: ``replace`` edits the clicked message, ``private`` is ephemeral."""
        on_message = interaction.type is discord.InteractionType.component
        clicked = interaction.message
        public_message = clicked is not None and not clicked.flags.ephemeral

        def edits(reply: Reply) -> bool:
            # a private reply never replaces what the whole channel sees
            return on_message and reply.replace and not (reply.private and public_message)

        ordered = sorted(replies, key=lambda r: not edits(r))
        thinking = deferred is not None  # a "thinking..." message waits for the first reply
        for reply in ordered:
            if edits(reply):
                if interaction.response.is_done():
                    await interaction.edit_original_response(**edit_kwargs(reply))
                else:
                    await interaction.response.edit_message(**edit_kwargs(reply))
            elif not interaction.response.is_done():
                await interaction.response.send_message(**send_kwargs(reply),
                                                        ephemeral=reply.private)
            elif thinking and deferred == reply.private:
                await interaction.edit_original_response(**edit_kwargs(reply))
            else:
                if thinking:  # deferred with the other visibility: start afresh
                    with contextlib.suppress(discord.HTTPException):
                        await interaction.delete_original_response()
                await interaction.followup.send(**send_kwargs(reply), ephemeral=reply.private)
            thinking = False
        if not replies:  # nothing to say: acknowledge without leaving "thinking..." behind
            if thinking:
                await interaction.delete_original_response()
            elif not interaction.response.is_done():
                if on_message:
                    await interaction.response.defer()
                else:
                    await interaction.response.send_message("Done.", ephemeral=True)

    async def _on_tree_error(self, interaction: Interaction,
                             error: app_commands.AppCommandError) -> None:
        stale = isinstance(error, app_commands.CommandNotFound
                           | app_commands.CommandSignatureMismatch)
        if stale:  # Discord still shows a command from before an update
            log.warning("out-of-date slash command: %s", error)
        else:
            log.error("slash command failed: %s", error, exc_info=error)
        text = ("That command has just changed. Please try again in a minute, or see /help."
                if stale else SORRY)
        with contextlib.suppress(discord.HTTPException):
            if not interaction.response.is_done():
                await interaction.response.send_message(text, ephemeral=True,
                                                        allowed_mentions=NO_PINGS)


def missing_post_permissions(interaction: Interaction) -> list[str]:
    """What the bot lacks to post here on its own later (a quiz's questions, a schedule)."""
    have = interaction.app_permissions
    in_thread = isinstance(interaction.channel, discord.Thread)
    needed = {"View Channel": have.view_channel,
              "Send Messages in Threads" if in_thread else "Send Messages":
                  have.send_messages_in_threads if in_thread else have.send_messages,
              "Embed Links": have.embed_links, "Attach Files": have.attach_files}
    return [name for name, ok in needed.items() if not ok]


#: Commands after which the bot posts in the channel by itself, with no interaction to answer.
POSTS_HERE_LATER = frozenset({"quiz start", "schedule add"})


class NotInGuild(Exception):
    """The interaction came from outside a server: the bot's data is kept per server."""


#: Core commands whose answers are for the asker alone: a slow one is deferred ephemerally.
PRIVATE_NAMES = frozenset({"help", "quiz solo", "revise", "remind", "settings teacher-role",
                           "settings timezone", "settings answers", "schedule list",
                           "schedule add", "schedule remove", "report"})
