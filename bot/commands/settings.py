"""Tenant settings from chat: who counts as a teacher, the class's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.registry import Option, command
from bot.events import Command
from bot.faults import FaultLog, storage_unreachable
from bot.limits import Bounded
from bot.replies import Reply, private
from bot.storage.tenants import find_tenant, get_tenant

if TYPE_CHECKING:
    from bot.app import StudyBot

#: How long a tenant's teacher role is trusted before it is read again.
ROLE_CACHE_FOR = timedelta(seconds=30)
MAX_TENANTS = 10_000


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


class TeacherRoles:
    """Per bot (``bot.service(TeacherRoles)``): each tenant's teacher role, read from the
    database at most every :data:`ROLE_CACHE_FOR`. Every student's click needs it, and a
    class clicking at once must not queue for database connections to read one setting; a
    change made in this process applies at once, one made in another within the cache time.
    """

    def __init__(self, bot: StudyBot) -> None:
        self.bot = bot
        self._known: Bounded[str, tuple[datetime, str | None]] = Bounded(MAX_TENANTS)

    async def get(self, tenant_key: str) -> str | None:
        now = self.bot.clock.now()
        cached = self._known.get(tenant_key)
        if cached is not None and now - cached[0] < ROLE_CACHE_FOR:
            return cached[1]
        async with self.bot.db.transaction() as session:
            tenant = await find_tenant(session, tenant_key)  # a read: no row means no role
        role = tenant.teacher_role if tenant is not None else None
        self._known[tenant_key] = (now, role)
        return role

    def forget(self, tenant_key: str) -> None:
        self._known.pop(tenant_key, None)


async def teacher_role(bot: StudyBot, tenant_key: str) -> str | None:
    """The tenant's configured teacher role, for adapters deciding ``Actor.is_teacher``.

    When the database cannot be reached the answer is "none": everyone counts as a student
    (nobody gets a teacher's rights by accident) and questions are still answered.
    """
    try:
        role = await bot.service(TeacherRoles).get(tenant_key)
    except Exception as exc:
        if not storage_unreachable(exc):
            raise
        bot.service(FaultLog).report("teacher-role lookup", exc)
        return None
    bot.service(FaultLog).recovered("teacher-role lookup")
    return role
