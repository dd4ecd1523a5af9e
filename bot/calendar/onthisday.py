"""Which knowledge-base events fall on a given day of the year, and how to say so truthfully.

Only events dated to the day can be anniversaries. When none falls on the day, events up to a
week either side are offered as "this week in ..."; when none falls within a week, the nearest
dated events before and after the day. Neither is ever presented as an anniversary, so a
daily post has something true to say on every day of the year.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from bot.calendar.dates import MONTHS, PartialDate
from bot.replies import count_of
from knowledge.loader import KnowledgeBase
from knowledge.models import EventEntry

WINDOW_DAYS = 7
MAX_NEARBY = 3  # the week's nearest few: a post that fits one chat message
#: How the events relate to the asked day: on it, within a week of it, or the nearest ones.
Match = Literal["day", "week", "nearest"]
_LEAP = 2000  # month-days are compared inside a leap year so 29 February has a place


@dataclass(frozen=True, slots=True)
class DayEvent:
    entry: EventEntry
    date: PartialDate
    years_ago: int  # whole years from the event to the day the question was asked
    offset_days: int  # 0 on the day; otherwise days after (+) or before (-) the asked day

    def as_json(self) -> dict[str, Any]:
        return {"id": self.entry.id, "date": self.entry.date, "title": self.entry.title,
                "text": self.entry.text, "years_ago": self.years_ago,
                "offset_days": self.offset_days}


@dataclass(frozen=True, slots=True)
class OnThisDay:
    month: int
    day: int
    match: Match
    events: tuple[DayEvent, ...]
    is_today: bool = True  # False: another day was asked for, so not "ago today"

    @property
    def exact(self) -> bool:
        """Anniversaries: the events happened on this very day of the year."""
        return self.match == "day"

    @property
    def day_name(self) -> str:
        return f"{self.day} {MONTHS[self.month - 1]}"

    def as_json(self) -> dict[str, Any]:
        return {"date": f"{self.month:02d}-{self.day:02d}", "exact": self.exact,
                "match": self.match, "events": [e.as_json() for e in self.events]}

    def message(self) -> str:
        """The post: each anniversary, or the nearest events clearly marked as not on the day."""
        if self.exact:
            return "\n\n".join(_anniversary(e, self.is_today) for e in self.events)
        if not self.events:
            return (f"Nothing in the essay's story happened on {self.day_name}. The knowledge "
                    "base has no events dated to the day. Try `/timeline` to see every date.")
        if self.match == "week":
            lines = [f"Nothing in the essay's story happened on {self.day_name}. "
                     "Nearby in the calendar:"]
        else:
            lines = [f"Nothing in the essay's story happened on {self.day_name}, or within a "
                     "week of it. The nearest dates in the calendar:"]
        lines += [_nearby(e, self.day_name) for e in self.events]
        return "\n\n".join(lines)


def on_this_day(kb: KnowledgeBase, month: int, day: int, today: date) -> OnThisDay:
    """Events on ``month``/``day`` in any year; else those within a week; else the nearest
    before and after the day (``exact`` False for both).

    ``today`` is the date it is, for "N years ago" (and "today" only when it is that day).
    """
    dated = [(e, PartialDate.parse(e.date)) for e in kb.events()]
    dated = [(e, d) for e, d in dated if d.precision == "day" and d.midpoint() <= today]
    asked = date(_LEAP, month, day)
    found: list[DayEvent] = []
    for entry, when in dated:
        assert when.month is not None and when.day is not None
        offset = _circular_offset(asked, date(_LEAP, when.month, when.day))
        found.append(DayEvent(entry, when, _whole_years(when, today), offset))
    is_today = (month, day) == (today.month, today.day)
    exact = [e for e in found if e.offset_days == 0]
    if exact:
        return OnThisDay(month, day, "day", tuple(sorted(exact, key=lambda e: e.date.year)),
                         is_today)
    closest = sorted(found, key=lambda e: (abs(e.offset_days), e.offset_days, e.date.year))
    week = [e for e in closest if abs(e.offset_days) <= WINDOW_DAYS]
    if week:
        return OnThisDay(month, day, "week", tuple(week[:MAX_NEARBY]), is_today)
    return OnThisDay(month, day, "nearest", _nearest_each_side(closest), is_today)


def _whole_years(when: PartialDate, today: date) -> int:
    """Years completed from a day-dated event to ``today`` (an anniversary counts)."""
    assert when.month is not None and when.day is not None
    before_anniversary = (today.month, today.day) < (when.month, when.day)
    return today.year - when.year - before_anniversary


def _nearest_each_side(closest: list[DayEvent]) -> tuple[DayEvent, ...]:
    """The nearest dated events before the day and after it (all on one date, at most
    ``MAX_NEARBY`` in all), nearest first."""
    picked: list[DayEvent] = []
    for after in (False, True):
        side = [e for e in closest if (e.offset_days > 0) == after]
        if side:
            picked += [e for e in side if e.offset_days == side[0].offset_days]
    picked.sort(key=lambda e: (abs(e.offset_days), e.offset_days, e.date.year))
    return tuple(picked[:MAX_NEARBY])


def _circular_offset(asked: date, other: date) -> int:
    """Days from ``asked`` to ``other`` the short way round the year (30 Dec -> 2 Jan is +3)."""
    diff = (other - asked).days
    if diff > 183:
        diff -= 366
    elif diff < -183:
        diff += 366
    return diff


def _years(n: int, is_today: bool) -> str:
    if n == 0:
        return "today" if is_today else "less than a year ago"
    return count_of(n, "year") + (" ago today" if is_today else " ago")


def _angle(entry: EventEntry) -> str:
    """The essay's own words on the event, and any correction the pack makes to them."""
    parts = []
    if entry.quotes:
        parts.append(f"The essay: “{' '.join(entry.quotes[0].split())}”")
    if entry.note:
        parts.append(f"Note: {entry.note}")
    if entry.date_note:
        parts.append(f"On the date: {entry.date_note}")
    return "\n".join(parts)


def _anniversary(event: DayEvent, is_today: bool) -> str:
    head = (f"On {event.date.spoken()}, {_years(event.years_ago, is_today)}: "
            f"**{event.entry.title}**.")
    angle = _angle(event.entry)
    return f"{head} {event.entry.text}" + (f"\n{angle}" if angle else "")


def _nearby(event: DayEvent, asked: str) -> str:
    """An event near the asked day, said to be near it, never "N years ago today"."""
    days = abs(event.offset_days)
    side = "after" if event.offset_days > 0 else "before"
    distance = f"{count_of(days, 'day')} {side} {asked}"
    if days <= WINDOW_DAYS:
        head = f"This week in {event.date.year} ({event.date.spoken()}, {distance})"
    else:
        head = f"On {event.date.spoken()} ({distance})"
    return f"{head}: **{event.entry.title}**. {event.entry.text}"  # no essay quote: no note
