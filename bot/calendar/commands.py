"""The ``onthisday`` and ``timeline`` commands."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from bot.calendar.dates import parse_month_day
from bot.calendar.onthisday import OnThisDay, on_this_day
from bot.calendar.timeline import dated_events, draw_timeline
from bot.commands.registry import Option, command
from bot.events import Command
from bot.files import page_path
from bot.replies import Attachment, Reply, private
from bot.storage.tenants import get_tenant

if TYPE_CHECKING:
    from bot.app import StudyBot


async def tenant_zone(bot: StudyBot, tenant_key: str) -> ZoneInfo:
    """The tenant's time zone: "today" for a class is its own local day."""
    async with bot.db.transaction() as session:
        return ZoneInfo((await get_tenant(session, tenant_key, bot.clock.now())).timezone)


def on_this_day_at(bot: StudyBot, when: datetime) -> OnThisDay:
    """On this day for the local date of ``when`` (an aware datetime)."""
    return on_this_day(bot.kb, when.month, when.day, when.date())


#: The post's title: only events on the day are "on this day".
TITLES = {"day": "On this day", "week": "This week", "nearest": "Nearest dates"}


def on_this_day_reply(result: OnThisDay) -> Reply:
    return Reply(result.message(), title=f"{TITLES[result.match]}: {result.day_name}")


@command("onthisday", "Events from the essay's story that happened on this day.",
         Option("date", "Another day, as MM-DD (e.g. 08-23).", kind="date"))
async def onthisday(bot: StudyBot, cmd: Command) -> list[Reply]:
    today = bot.clock.now().astimezone(await tenant_zone(bot, cmd.actor.tenant_key))
    asked = cmd.args.get("date")
    if not asked:
        return [on_this_day_reply(on_this_day_at(bot, today))]
    try:
        month, day = parse_month_day(asked)
    except ValueError as problem:
        return [private(str(problem))]
    return [on_this_day_reply(on_this_day(bot.kb, month, day, today.date()))]


@command("timeline", "A picture of the dated events, year by year.",
         Option("from", "First year (e.g. 1936).", kind="int", min=1000, max=2100),
         Option("to", "Last year (e.g. 1939).", kind="int", min=1000, max=2100))
async def timeline(bot: StudyBot, cmd: Command) -> list[Reply]:
    first = int(cmd.args["from"]) if "from" in cmd.args else None
    last = int(cmd.args["to"]) if "to" in cmd.args else None
    if first is not None and last is not None and first > last:
        return [private(f"`from` ({first}) must not be after `to` ({last}).")]
    events = dated_events(bot.kb, first, last)
    if not events:
        return [private(f"No dated events {span_text(first, last)}. {coverage(bot)}")]
    pages = draw_timeline(bot.kb, first, last)
    files = tuple(Attachment(page_path(Path("timeline.png"), n).name, png)
                  for n, png in enumerate(pages, 1))
    text = f"{len(events)} dated event{'s' if len(events) != 1 else ''} {span_text(first, last)}"
    if len(pages) > 1:
        text += f", in {len(pages)} pictures"
    return [Reply(text + ".", attachments=files, title="Timeline")]


def span_text(first: int | None, last: int | None) -> str:
    if first is None and last is None:
        return "in the essay's story"
    if first is None:
        return f"up to {last}"
    if last is None:
        return f"from {first}"
    return f"in {first}" if first == last else f"from {first} to {last}"


def coverage(bot: StudyBot) -> str:
    years = sorted(e.start.year for e in dated_events(bot.kb))
    if not years:
        return "The knowledge base has no dated events."
    return f"The knowledge base's dates run from {years[0]} to {years[-1]}."

