"""When a weekly schedule is next due, in its own time zone, and whether a late one still fires.

Times are wall-clock times in an IANA zone, so a 09:00 post stays at 09:00 across daylight
saving changes. Two awkward local times exist: in the spring-forward gap (01:30 in London on
the last Sunday of March) the time does not exist, and it fires once at the shifted time
(02:30 BST, read with the offset before the change); in the autumn overlap (01:30 on the last
Sunday of October happens twice) it fires once, at the first of the two.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.commands.parse import is_count

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_SETS = {"daily": tuple(range(7)), "everyday": tuple(range(7)),
            "weekdays": tuple(range(5)), "weekends": (5, 6)}
GRACE = timedelta(minutes=15)  # after downtime, an occurrence this late still fires
_TICK = timedelta(microseconds=1)


def parse_days(text: str) -> tuple[int, ...]:
    """"mon,wed", "mon-fri", "weekdays", "daily", "Tuesday" into weekday numbers (Monday 0).

    Raises ValueError with a message fit to show the user.
    """
    words = [w.strip().lower() for w in text.replace(" ", ",").split(",") if w.strip()]
    if not words:
        raise ValueError("Give days like `mon,wed`, `mon-fri`, `weekdays` or `daily`.")
    days: set[int] = set()
    for word in words:
        if word in DAY_SETS:
            days.update(DAY_SETS[word])
        elif "-" in word:
            first, _, last = word.partition("-")
            start, end = _day(first), _day(last)
            wrapped = [*range(start, 7), *range(end + 1)]  # fri-mon runs over the weekend
            days.update(range(start, end + 1) if start <= end else wrapped)
        else:
            days.add(_day(word))
    return tuple(sorted(days))


def _day(word: str) -> int:
    for number, name in enumerate(DAY_NAMES):
        if len(word) >= 2 and (name.startswith(word) or word.startswith(name)):
            return number
    raise ValueError(f"`{word[:20]}` is not a day; use mon, tue, wed, thu, fri, sat, sun.")


def days_text(days: tuple[int, ...]) -> str:
    """The canonical stored and shown form: "daily", "weekdays" or "mon,wed"."""
    for name in ("daily", "weekdays", "weekends"):
        if days == DAY_SETS[name]:
            return name
    return ",".join(DAY_NAMES[d] for d in days)


def parse_time(text: str) -> time:
    """``HH:MM`` on a 24-hour clock (``9:05`` too)."""
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not is_count(hours) or not is_count(minutes) or len(minutes) != 2:
        raise ValueError(f"`{text[:20]}` is not a time like 09:00 (24-hour HH:MM).")
    if not (0 <= int(hours) <= 23 and 0 <= int(minutes) <= 59):
        raise ValueError(f"`{text[:20]}` is not a time of day (00:00 to 23:59).")
    return time(int(hours), int(minutes))


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"`{name[:40]}` is not a time zone I know. "
                         "Try one like Europe/London or America/New_York.") from None


def next_occurrence(days: tuple[int, ...], at: time, zone: ZoneInfo, after: datetime) -> datetime:
    """The first occurrence strictly after ``after`` (aware), as a UTC datetime."""
    local_day = after.astimezone(zone).date()
    for offset in range(9):
        day = local_day + timedelta(days=offset)
        if day.weekday() not in days:
            continue
        # fold=0: a gap time reads with the earlier offset (lands after the jump), an
        # overlap time is its first occurrence; so each local time maps to one instant.
        candidate = datetime.combine(day, at, tzinfo=zone).astimezone(UTC)
        if candidate > after:
            return candidate
    raise ValueError("a schedule needs at least one day of the week")


def plan(days: tuple[int, ...], at: time, zone: ZoneInfo, next_due: datetime,
         now: datetime) -> tuple[datetime | None, datetime]:
    """What a tick at ``now`` does with a schedule due at ``next_due``.

    Returns (the occurrence to fire or None, the new next due time). A due time missed by more
    than :data:`GRACE` (the bot was down) is skipped: only an occurrence inside the grace
    window still fires, once.
    """
    if next_due > now:
        return None, next_due
    if now - next_due <= GRACE:
        return next_due, next_occurrence(days, at, zone, next_due)
    candidate = next_occurrence(days, at, zone, now - GRACE - _TICK)
    if candidate <= now:
        return candidate, next_occurrence(days, at, zone, candidate)
    return None, candidate
