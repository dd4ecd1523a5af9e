"""Who is a teacher in a Slack workspace, and what to call people.

A teacher is a workspace admin or owner, a member of the tenant's teacher user group (set
with ``/study settings teacher-role``, or ``SLACK_TEACHER_GROUP``), or a user id listed in
``SLACK_TEACHER_IDS``. A manager (may change the tenant's settings) is an admin or owner.
Slack's answers are cached briefly, by the bot's clock, so a class clicking quiz buttons does
not cost a ``users.info`` call per click.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, TypeVar

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient

from bot.app import StudyBot
from bot.commands.settings import teacher_role
from bot.events import Actor
from bot.limits import MAX_USERS, Bounded

log = logging.getLogger(__name__)

PLATFORM = "slack"
T = TypeVar("T")
CACHE_FOR = timedelta(minutes=2)
MAX_GROUPS = 1_000  # one teacher group per workspace at most is looked up
#: Failures that leave a person counted as a student until Slack answers again: when in doubt,
#: nobody gets a teacher's rights.
UNREACHABLE = (SlackClientError, aiohttp.ClientError, TimeoutError)
_SUBTEAM = re.compile(r"<!subteam\^([A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass(frozen=True, slots=True)
class Person:
    name: str
    is_admin: bool


def group_id(text: str) -> str:
    """A user group as typed (``<!subteam^S123|@teachers>`` once Slack escapes it) as its id."""
    match = _SUBTEAM.search(text)
    return match.group(1) if match else text.strip()


class People:
    def __init__(self, studybot: StudyBot, teacher_group: str | None = None,
                 teacher_ids: frozenset[str] = frozenset()) -> None:
        self.studybot = studybot
        self.teacher_group = teacher_group
        self.teacher_ids = teacher_ids
        self._people: Bounded[tuple[str, str], tuple[datetime, Person]] = Bounded(MAX_USERS)
        self._groups: Bounded[tuple[str, str], tuple[datetime, frozenset[str]]] = Bounded(
            MAX_GROUPS)

    async def actor(self, client: AsyncWebClient, team_id: str, user_id: str,
                    name_hint: str = "") -> Actor:
        person = await self.person(client, team_id, user_id, name_hint)
        teacher = (person.is_admin or user_id in self.teacher_ids
                   or await self._in_teacher_group(client, team_id, user_id))
        return Actor(PLATFORM, team_id, user_id, display_name=person.name,
                     is_teacher=teacher, is_manager=person.is_admin)

    async def person(self, client: AsyncWebClient, team_id: str, user_id: str,
                     name_hint: str = "") -> Person:
        key = (team_id, user_id)
        cached = self._fresh(self._people.get(key))
        if cached is not None:
            return cached
        try:
            user: dict[str, Any] = (await client.users_info(user=user_id))["user"]
        except UNREACHABLE as error:
            log.warning("users.info failed for %s: %s", user_id, _reason(error))
            return Person(name_hint or user_id, False)  # not cached: ask again next time
        profile = user.get("profile") or {}
        name = (profile.get("display_name") or profile.get("real_name") or user.get("real_name")
                or user.get("name") or name_hint or user_id)
        admin = bool(user.get("is_admin") or user.get("is_owner") or user.get("is_primary_owner"))
        person = Person(str(name), admin)
        self._people[key] = (self.studybot.clock.now(), person)
        return person

    async def _in_teacher_group(self, client: AsyncWebClient, team_id: str, user_id: str) -> bool:
        configured = await teacher_role(self.studybot, f"{PLATFORM}:{team_id}")
        group = group_id(configured) if configured else self.teacher_group
        if not group:
            return False
        return user_id in await self._members(client, team_id, group)

    async def _members(self, client: AsyncWebClient, team_id: str, group: str) -> frozenset[str]:
        key = (team_id, group)
        cached = self._fresh(self._groups.get(key))
        if cached is not None:
            return cached
        try:
            users = (await client.usergroups_users_list(usergroup=group))["users"]
        except UNREACHABLE as error:
            log.warning("usergroups.users.list failed for %s: %s", group, _reason(error))
            return frozenset()
        members = frozenset(str(u) for u in users)
        self._groups[key] = (self.studybot.clock.now(), members)
        return members

    def forget_groups(self) -> None:
        """After the teacher group changes, look its members up afresh."""
        self._groups.clear()

    def _fresh(self, entry: tuple[datetime, T] | None) -> T | None:
        if entry is None or self.studybot.clock.now() - entry[0] > CACHE_FOR:
            return None
        return entry[1]


def _reason(error: Exception) -> str:
    if isinstance(error, SlackApiError):
        return str(error.response.get("error"))
    return repr(error)
