"""``schedule add|list|remove`` for teachers, and the ticker that fires due schedules.

Firing is claimed in the database (:func:`claim_due`): a process fires an occurrence only if
its ``UPDATE schedules SET next_due = <next> WHERE id = ? AND next_due = <the value it read>``
changes the row, in a transaction that holds the rows (PostgreSQL's ``FOR UPDATE SKIP
LOCKED``) or the database (SQLite's one writer). So with several processes, or after a
restart, each occurrence posts once. The claim commits before posting: a crash between the
two loses that one post rather than doubling it.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, delete, func, select, text, update

from bot.calendar.commands import on_this_day_at, on_this_day_reply
from bot.commands.registry import Option, command, ticker
from bot.events import Command, Place
from bot.ops.metrics import schedule_fired, schedule_missed
from bot.quiz.bank import question_bank
from bot.replies import Reply, private
from bot.schedule.channel import post_channel_question
from bot.schedule.models import Occurrence, Schedule
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

#: Schedules claimed in one transaction (the first batch smaller, so posting starts sooner),
#: and posted at once: each post mostly waits on the chat platform.
FIRST_BATCH, CLAIM_BATCH = 100, 500
PARALLEL_POSTS = 1000


@ticker
async def fire_schedules(bot: StudyBot) -> None:
    """Fire every due schedule once; late ones only within the grace window.

    Due schedules are claimed in batches (one transaction each) and posted side by side while
    the next batch is claimed, so thousands due at the same minute (every school at 09:00) go
    out within about a second, by however many processes share the database.
    """
    now = bot.clock.now()
    limit = asyncio.Semaphore(PARALLEL_POSTS)
    days: dict[date, Reply | None] = {}  # one on-this-day post per local day

    async def post(due: Occurrence) -> None:
        async with limit:
            try:
                await fire(bot, due, days)
            except Exception:
                log.exception("schedule #%s failed", due.id)
            else:
                schedule_fired(due.kind, (bot.clock.now() - due.when).total_seconds())

    posting: list[asyncio.Task[None]] = []
    batch = FIRST_BATCH
    while True:
        claimed, more = await claim_due(bot, now, batch)
        posting += [asyncio.create_task(post(due)) for due in claimed]
        if not more:
            break
        batch = CLAIM_BATCH
    await asyncio.gather(*posting)


async def claim_due(bot: StudyBot, now: datetime,
                    batch: int = CLAIM_BATCH) -> tuple[list[Occurrence], bool]:
    """Claim up to ``batch`` due schedules: move each to its next due time and return the
    occurrences this process must fire, and whether more may be due.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED``, so processes claiming together take different rows.
    SQLite: the transaction takes the database's one write lock before it reads. Either way
    each occurrence is claimed once; the ``next_due`` guard in the update makes sure of it.
    A claim commits before posting: a crash between the two loses that one post rather than
    doubling it. (Plain rows, not ORM objects: at 10,000 a minute their cost shows.)
    """
    table = cast(Table, Schedule.__table__)
    fired: list[Occurrence] = []
    async with bot.db.transaction() as session:
        if bot.db.is_sqlite:
            await session.execute(text("UPDATE schedules SET id = id WHERE 0"))  # write lock
        rows = (await session.execute(
            select(table).where(table.c.next_due <= now).order_by(table.c.next_due)
            .limit(batch).with_for_update(skip_locked=True))).all()
        # schedules with the same rule and due time move on together: one plan, one update
        groups: dict[tuple[str, str, str, datetime], list[Any]] = defaultdict(list)
        for row in rows:
            groups[row.days, row.at_time, row.timezone, row.next_due].append(row)
        for (days, at, zone, due), members in groups.items():
            fire_at, new_due = plan(parse_days(days), parse_time(at), ZoneInfo(zone), due, now)
            await session.execute(_move_on(table, [r.id for r in members], due, new_due,
                                           fire_at))
            for row in members:
                if fire_at is None:
                    schedule_missed(row.kind)
                    continue
                fired.append(Occurrence(row.id, row.tenant_key, row.platform, row.tenant,
                                        row.channel, row.thread, row.kind, row.timezone,
                                        row.topic, row.created_by, fire_at))
    return fired, len(rows) == batch


def _move_on(table: Table, ids: list[int], due: datetime, new_due: datetime,
             fired: datetime | None) -> Any:
    """``UPDATE schedules SET next_due, last_fired WHERE id IN (...) AND next_due = <as read>``."""
    changes: dict[str, object] = {"next_due": new_due}
    if fired is not None:
        changes["last_fired"] = fired
    return (update(table).where(table.c.id.in_(ids), table.c.next_due == due)
            .values(**changes))


async def fire(bot: StudyBot, due: Occurrence, days: dict[date, Reply | None] | None = None
               ) -> None:
    """Post one occurrence. ``days`` keeps each local day's on-this-day post within a tick."""
    zone = ZoneInfo(due.timezone)
    if due.kind == "onthisday":
        local = due.when.astimezone(zone)
        days = {} if days is None else days
        if local.date() not in days:
            found = on_this_day_at(bot, local)
            # only a pack with no event dated to the day has nothing to say
            days[local.date()] = on_this_day_reply(found) if found.events else None
        reply = days[local.date()]
        if reply is not None:
            await bot.notifier.post(due.place, reply)
    elif due.kind == "revision":
        await post_channel_question(bot, due.place, due.tenant_key, due.topic, due.id,
                                    due.when, zone)
    elif due.kind == "quiz":
        await start_scheduled_quiz(bot, due)
