"""Tenant settings from chat: who counts as a teacher, the class's time zone, how long quiz
answers are kept; and per channel, whether answers to questions are public."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.registry import Option, command
from bot.events import Command, Place
from bot.faults import unless_unreachable
from bot.limits import Recent
from bot.replies import Reply, private
from bot.storage.channels import DEFAULT_ANSWERS, AnswersMode, answers_mode, set_answers_mode
from bot.storage.tenants import find_tenant, get_tenant

if TYPE_CHECKING:
    from bot.app import StudyBot

#: How long a tenant's teacher role is trusted before it is read again.
ROLE_CACHE_FOR = timedelta(seconds=30)
MAX_TENANTS = 10_000
MAX_CHANNELS = 50_000


@command("settings teacher-role", "Choose the role (Discord) or user group (Slack) whose "
         "members count as teachers. Server managers only.",
         Option("role", "The role or user group id; `none` to clear it.", required=True))
async def set_teacher_role(bot: StudyBot, cmd: Command) -> list[Reply]:
    if not cmd.actor.is_manager:
        return [private("Sorry, only someone who manages this server can choose the teacher role.")]
    role = cmd.args["role"].strip()
    async with bot.db.transaction() as session:
        tenant = await get_tenant(session, cmd.actor.tenant_key, bot.clock.now())
        tenant.teacher_role = None if role.lower() == "none" else role[:64]
    bot.service(TeacherRoles).forget(cmd.actor.tenant_key)
    if tenant.teacher_role is None:
        return [private("Teacher role cleared: only server managers count as teachers now.")]
    return [private(f"Members of {tenant.teacher_role} now count as teachers.")]


@command("settings timezone", "Set the class's time zone for schedules (e.g. Europe/London).",
         Option("timezone", "An IANA time zone name.", kind="timezone", required=True),
         teacher_only=True)
async def set_timezone(bot: StudyBot, cmd: Command) -> list[Reply]:
    name = cmd.args["timezone"].strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return [private(f"`{name[:40]}` is not a time zone I know. Try one like Europe/London.")]
    async with bot.db.transaction() as session:
        tenant = await get_tenant(session, cmd.actor.tenant_key, bot.clock.now())
        tenant.timezone = name
    return [private(f"Time zone set to {name}.")]


@command("settings retention", "How long quiz answers are kept here: a number of days, or "
         "`forever`. Server managers only.",
         Option("days", "Days to keep quiz answers (1-3650), or `forever`.", required=True))
async def set_retention(bot: StudyBot, cmd: Command) -> list[Reply]:
    if not cmd.actor.is_manager:
        return [private("Sorry, only someone who manages this server can set how long answers "
                        "are kept.")]
    text = cmd.args["days"].strip().lower()
    days = None if text in ("forever", "off", "none") else text
    if days is not None and not (days.isascii() and days.isdigit() and 1 <= int(days) <= 3650):
        return [private("Give a number of days from 1 to 3650, or `forever`.")]
    async with bot.db.transaction() as session:
        tenant = await get_tenant(session, cmd.actor.tenant_key, bot.clock.now())
        tenant.answer_retention_days = int(days) if days is not None else None
    if days is None:
        return [private("Quiz answers are kept here until someone erases them.")]
    return [private(f"Quiz answers older than {days} days are deleted here from now on "
                    "(checked every hour).")]


ANSWERS_SET = {
    "public": "Answers to questions in this channel are now posted for everyone, saying who "
              "asked.",
    "private": "Answers to questions in this channel now go only to the student who asked, "
               "with a button to share them with the channel.",
}


@command("settings answers", "Whether answers to questions in this channel are posted for "
         "everyone, saying who asked (`public`, the default), or go only to the student who "
         "asked, with a button to share them (`private`).",
         Option("mode", "`public` or `private`.", kind="choice", choices=("public", "private"),
                required=True),
         teacher_only=True)
async def set_answers(bot: StudyBot, cmd: Command) -> list[Reply]:
    mode: AnswersMode = "private" if cmd.args["mode"] == "private" else "public"
    async with bot.db.transaction() as session:
        await set_answers_mode(session, cmd.actor.tenant_key, cmd.place.channel, mode,
                               bot.clock.now())
    bot.service(ChannelAnswers).forget(cmd.place)
    return [private(ANSWERS_SET[mode])]


class ChannelAnswers:
    """Per bot (``bot.service(ChannelAnswers)``): each channel's answers setting, read at most
    every :data:`ROLE_CACHE_FOR`: every question needs it."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._known: Recent[tuple[str, str], AnswersMode] = Recent(ROLE_CACHE_FOR, MAX_CHANNELS)

    async def get(self, place: Place) -> AnswersMode:
        return await self._known.read((place.tenant_key, place.channel), self.bot.clock.now(),
                                      self._load)

    async def _load(self, key: tuple[str, str]) -> AnswersMode:
        async with self.bot.db.transaction() as session:
            return await answers_mode(session, *key)

    def forget(self, place: Place) -> None:
        self._known.forget((place.tenant_key, place.channel))


async def answers_private(bot: StudyBot, place: Place) -> bool:
    """Whether answers in ``place`` go only to the asker. When the database cannot be reached
    the answer is the default (public): questions are still answered."""
    mode = await unless_unreachable(bot, "channel answers setting",
                                    bot.service(ChannelAnswers).get(place), DEFAULT_ANSWERS)
    return mode == "private"


class TeacherRoles:
    """Per bot (``bot.service(TeacherRoles)``): each tenant's teacher role, read from the
    database at most every :data:`ROLE_CACHE_FOR`. Every student's click needs it."""

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._known: Recent[str, str | None] = Recent(ROLE_CACHE_FOR, MAX_TENANTS)

    async def get(self, tenant_key: str) -> str | None:
        return await self._known.read(tenant_key, self.bot.clock.now(), self._load)

    async def _load(self, tenant_key: str) -> str | None:
        async with self.bot.db.transaction() as session:
            tenant = await find_tenant(session, tenant_key)  # a read: no row means no role
        return tenant.teacher_role if tenant is not None else None

    def forget(self, tenant_key: str) -> None:
        self._known.forget(tenant_key)


async def teacher_role(bot: StudyBot, tenant_key: str) -> str | None:
    """The tenant's configured teacher role, for adapters deciding ``Actor.is_teacher``.

    When the database cannot be reached the answer is "none": everyone counts as a student
    (nobody gets a teacher's rights by accident) and questions are still answered.
    """
    return await unless_unreachable(bot, "teacher-role lookup",
                                    bot.service(TeacherRoles).get(tenant_key), None)
