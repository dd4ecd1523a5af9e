"""``schedule add|list|remove`` for teachers, and the ticker that fires due schedules.

Firing is claimed in the database: a process fires an occurrence only if its
``UPDATE schedules SET next_due = <next> WHERE id = ? AND next_due = <the value it read>``
changes the row. Under PostgreSQL's row locks (and SQLite's single writer) exactly one process
succeeds, so with several processes, or after a restart, each occurrence posts once. The claim
commits before posting: a crash between the two loses that one post rather than doubling it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select, update

from bot.calendar.commands import on_this_day_at, on_this_day_reply
from bot.commands.registry import Option, command, ticker
from bot.events import Command, Place
from bot.quiz.bank import question_bank
from bot.replies import Reply, private
from bot.schedule.channel import post_channel_question
from bot.schedule.models import Schedule
from bot.schedule.quizzes import start_scheduled_quiz
from bot.schedule.timing import (
    days_text,
    next_occurrence,
    parse_days,
    parse_time,
    parse_zone,
    plan,
)
from bot.storage.tenants import get_tenant

if TYPE_CHECKING:
    from bot.app import StudyBot

log = logging.getLogger(__name__)
KINDS = ("onthisday", "revision", "quiz")
KIND_NAMES = {"onthisday": "on-this-day post", "revision": "revision question",
              "quiz": "short quiz"}
MAX_PER_TENANT = 50


@command("schedule add", "Post something in this channel on a timetable. Teachers only.",
         Option("kind", "onthisday, revision (one question) or quiz (a short quiz).",
                kind="choice", choices=KINDS, required=True),
         Option("time", "HH:MM, 24-hour.", kind="time", required=True),
         Option("days", "e.g. mon,wed or mon-fri or weekdays or daily (default daily).",
                kind="days"),
         Option("timezone", "An IANA time zone (default: the class's, see `/settings timezone`).",
                kind="timezone"),
         Option("topic", "Only questions on this topic (revision and quiz).", kind="topic"),
         teacher_only=True)
async def schedule_add(bot: StudyBot, cmd: Command) -> list[Reply]:
    args, now = typed_leniently(cmd.args), bot.clock.now()
    try:
        at = parse_time(args["time"])
        days = parse_days(args.get("days") or "daily")
        zone = parse_zone(args["timezone"]) if args.get("timezone") else None
        topic = _topic(bot, args["kind"], args.get("topic"))
    except ValueError as problem:
        return [private(str(problem))]
    place = cmd.place
    async with bot.db.transaction() as session:
        if zone is None:
            zone = ZoneInfo((await get_tenant(session, cmd.actor.tenant_key, now)).timezone)
        count = (await session.execute(select(func.count()).select_from(Schedule).where(
            Schedule.tenant_key == cmd.actor.tenant_key))).scalar_one()
        if count >= MAX_PER_TENANT:
            return [private(f"There are already {count} schedules here; remove one first.")]
        row = Schedule(tenant_key=cmd.actor.tenant_key, platform=place.platform,
                       tenant=place.tenant, channel=place.channel, thread=place.thread,
                       kind=args["kind"], at_time=at.strftime("%H:%M"), days=days_text(days),
                       timezone=zone.key, topic=topic, created_by=cmd.actor.user_id,
                       created_at=now, next_due=next_occurrence(days, at, zone, now))
        session.add(row)
        await session.flush()
        first = row.next_due.astimezone(zone)
    return [private(f"Scheduled #{row.id}: {describe(row)}. First one: {first:%a %d %b %H:%M}.")]


def typed_leniently(raw: Mapping[str, str]) -> dict[str, str]:
    """Typed lines skip options: "revision 09:00 Europe/Paris" or "revision 09:00 weekdays
    spain". A zone typed where the days go, or a topic where the zone goes, is moved over."""
    args = dict(raw)
    if "/" in args.get("days", "") and "timezone" not in args:
        args["timezone"] = args.pop("days")
    zone = args.get("timezone", "")
    if zone and "/" not in zone and zone.upper() != "UTC" and "topic" not in args:
        try:
            parse_zone(zone)
        except ValueError:
            args["topic"] = args.pop("timezone")
    return args


def _topic(bot: StudyBot, kind: str, typed: str | None) -> str | None:
    """The bank topic a teacher named, checked now rather than failing at 9 am tomorrow."""
    if kind == "onthisday":
        if typed:
            raise ValueError("An on-this-day post has no topic; leave `topic` out.")
        return None
    bank = bot.service(question_bank)
    if not len(bank):
        raise ValueError("There are no quiz questions in the knowledge base yet.")
    if not typed:
        return None
    topic = bank.match_topic(typed)
    if topic is None:
        raise ValueError(f"I have no questions on `{typed[:30]}`. "
                         f"Topics: {', '.join(bank.topics())}.")
    return topic


def describe(row: Schedule) -> str:
    what = KIND_NAMES.get(row.kind, row.kind) + (f" on {row.topic}" if row.topic else "")
    return f"{what}, {row.days} at {row.at_time} ({row.timezone}) in {channel_text(row.place)}"


def channel_text(place: Place) -> str:
    """Discord and Slack both render ``<#id>`` as a link to the channel."""
    if place.platform in ("discord", "slack"):
        return f"<#{place.channel}>"
    return place.channel


@command("schedule list", "This server's schedules. Teachers only.", teacher_only=True)
async def schedule_list(bot: StudyBot, cmd: Command) -> list[Reply]:
    async with bot.db.transaction() as session:
        rows = (await session.execute(select(Schedule).where(
            Schedule.tenant_key == cmd.actor.tenant_key).order_by(Schedule.id))).scalars().all()
    if not rows:
        return [private("No schedules yet. Add one with `/schedule add revision 09:00 weekdays`.")]
    lines = []
    for row in rows:
        zone = ZoneInfo(row.timezone)
        last = f"{row.last_fired.astimezone(zone):%a %d %b %H:%M}" if row.last_fired else "never"
        lines.append(f"#{row.id} {describe(row)}. Next: "
                     f"{row.next_due.astimezone(zone):%a %d %b %H:%M}; last: {last}.")
    return [private("\n".join(lines), title="Schedules")]


@command("schedule remove", "Stop a schedule (its number is in `/schedule list`). Teachers only.",
         Option("id", "The schedule's number.", kind="int", required=True, min=1,
                max=2_000_000_000), teacher_only=True)
async def schedule_remove(bot: StudyBot, cmd: Command) -> list[Reply]:
    number = int(cmd.args["id"])
    async with bot.db.transaction() as session:
        gone = await session.execute(delete(Schedule).where(
            Schedule.id == number, Schedule.tenant_key == cmd.actor.tenant_key))
    if gone.rowcount != 1:  # type: ignore[attr-defined]
        return [private(f"There is no schedule #{number} here; see `/schedule list`.")]
    return [private(f"Removed schedule #{number}.")]


# --- Firing -------------------------------------------------------------------------------

@ticker
async def fire_schedules(bot: StudyBot) -> None:
    """Fire every due schedule once; late ones only within the grace window."""
    now = bot.clock.now()
    async with bot.db.transaction() as session:
        due = (await session.execute(select(Schedule).where(Schedule.next_due <= now)
                                     .order_by(Schedule.next_due).limit(200))).scalars().all()
    for row in due:
        try:
            fired_at = await claim(bot, row, now)
            if fired_at is not None:
                await fire(bot, row, fired_at)
        except Exception:
            log.exception("schedule #%s failed", row.id)


async def claim(bot: StudyBot, row: Schedule, now: datetime) -> datetime | None:
    """Move the schedule to its next due time; return the occurrence to fire if this process
    won it (None when another process did, or the occurrence is too late to fire)."""
    zone = ZoneInfo(row.timezone)
    fire_at, new_due = plan(parse_days(row.days), parse_time(row.at_time), zone, row.next_due, now)
    async with bot.db.transaction() as session:
        changes: dict[str, object] = {"next_due": new_due}
        if fire_at is not None:
            changes["last_fired"] = fire_at
        result = await session.execute(update(Schedule).where(
            Schedule.id == row.id, Schedule.next_due == row.next_due).values(**changes))
    won = result.rowcount == 1  # type: ignore[attr-defined]
    return fire_at if won else None


async def fire(bot: StudyBot, row: Schedule, when: datetime) -> None:
    if row.kind == "onthisday":
        result = on_this_day_at(bot, when.astimezone(ZoneInfo(row.timezone)))
        if result.events:  # only a pack with no event dated to the day has nothing to say
            await bot.notifier.post(row.place, on_this_day_reply(result))
    elif row.kind == "revision":
        await post_channel_question(bot, row.place, row.tenant_key, row.topic, row.id, when,
                                    ZoneInfo(row.timezone))
    elif row.kind == "quiz":
        await start_scheduled_quiz(bot, row)
