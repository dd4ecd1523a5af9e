"""Dates in questions ("23 august 1939", "17/9/39", "june 41", "the 1930s") and in answers.

Entry dates are partial ISO strings (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); an answer never
claims a day (or month) the entry does not give. Students write two-digit years ("1/9/39",
"sept 38"): those are read inside the years the packs cover, and are not dates otherwise.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

Day = tuple[int, int, int]
FIRST_DAY: Day = (1, 1, 1)
LAST_DAY: Day = (9999, 12, 31)

_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(1[0-9]\d\d|20\d\d)"
_ANY_YEAR = rf"(?:{_YEAR}|'(\d{{2}})|(\d{{2}}))"


@dataclass(frozen=True, slots=True)
class QueryDate:
    """A date named in a question; any part may be missing ("in 1937", "on 23 August").

    ``until`` makes it a span ("1936-38", "the 1930s", "after 1945").
    """

    year: int | None
    month: int | None
    day: int | None
    until: QueryDate | None = None

    @property
    def bounds(self) -> tuple[Day, Day]:
        """The first and last day the date (or span) covers, for overlap tests."""
        end = self.until or self
        return ((self.year or FIRST_DAY[0], self.month or 1, self.day or 1),
                (end.year or LAST_DAY[0], end.month or 12, end.day or 31))

    @property
    def label(self) -> str:
        """"1937", "1939-08", "1936/1938": how a period answer names what it lists."""
        one = _iso(self)
        return f"{one}/{_iso(self.until)}" if self.until is not None else one


def _iso(date: QueryDate) -> str:
    parts = [f"{date.year:04d}" if date.year is not None else "", *(
        f"{part:02d}" for part in (date.month, date.day) if part is not None)]
    return "-".join(p for p in parts if p)


Reader = Callable[[re.Match[str], range | None], QueryDate | None]


def _year(match: re.Match[str], first: int, years: range | None) -> int | None:
    """A four-digit year, or a two-digit one ('39, 39) read inside ``years``."""
    full, quoted, bare = match.group(first), match.group(first + 1), match.group(first + 2)
    if full:
        return int(full)
    short = quoted or bare
    if short is None or years is None:
        return None
    year = 1900 + int(short)
    return year if year in years else None


def _ymd(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(int(m[1]), int(m[2]), int(m[3]))


def _numeric(m: re.Match[str], years: range | None) -> QueryDate | None:
    year = _year(m, 3, years)
    return QueryDate(year, int(m[2]), int(m[1])) if year is not None else None


def _day_month_year(m: re.Match[str], years: range | None) -> QueryDate | None:
    year = _year(m, 3, years)
    return QueryDate(year, MONTHS[m[2]], int(m[1])) if year is not None else None


def _month_day_year(m: re.Match[str], years: range | None) -> QueryDate | None:
    year = _year(m, 3, years)
    return QueryDate(year, MONTHS[m[1]], int(m[2])) if year is not None else None


def _month_year(m: re.Match[str], years: range | None) -> QueryDate | None:
    if m[4] is not None and int(m[4]) <= 31:
        return None  # "may 3": a day, read by the day-month patterns
    year = _year(m, 2, years)
    return QueryDate(year, MONTHS[m[1]], None) if year is not None else None


def _range(m: re.Match[str], years: range | None) -> QueryDate | None:
    first = int(m[1])
    last = int(m[2]) if len(m[2]) == 4 else first // 100 * 100 + int(m[2])
    return QueryDate(first, None, None, QueryDate(last, None, None)) if last > first else None


_PARTS = {"early": (0, 3), "mid": (3, 6), "middle": (3, 6), "late": (6, 9)}


def _decade(m: re.Match[str], years: range | None) -> QueryDate | None:
    if m[2]:
        start = int(m[2] + m[3] + "0")
    elif years is not None and {1900 + int(m[3] + "0"), 1900 + int(m[3] + "9")} & set(years):
        start = 1900 + int(m[3] + "0")
    else:
        return None
    low, high = _PARTS.get(m[1] or "", (0, 9))
    return QueryDate(start + low, None, None, QueryDate(start + high, None, None))


def _after(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(int(m[1]) + 1, None, None, QueryDate(None, None, None))


def _since(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(int(m[1]), None, None, QueryDate(None, None, None))


def _before(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(None, None, None, QueryDate(int(m[1]) - 1, None, None))


def _day_month(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(None, MONTHS[m[2]], int(m[1]))


def _month_day(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(None, MONTHS[m[1]], int(m[2]))


def _bare_year(m: re.Match[str], years: range | None) -> QueryDate | None:
    return QueryDate(int(m[1]), None, None)


def _short_year(m: re.Match[str], years: range | None) -> QueryDate | None:
    year = 1900 + int(m[1])
    return QueryDate(year, None, None) if years is not None and year in years else None


#: Most precise first: the first pattern that reads a plausible date wins.
_PATTERNS: tuple[tuple[re.Pattern[str], Reader], ...] = (
    (re.compile(rf"\b{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b"), _ymd),
    (re.compile(rf"\b(\d{{1,2}})[/.-](\d{{1,2}})[/.-]{_ANY_YEAR}\b"), _numeric),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s*{_ANY_YEAR}\b"), _day_month_year),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\s*,?\s*{_YEAR}()()\b"), _month_day_year),
    (re.compile(rf"\b{_MONTH}\s*,?\s*(?:of\s+)?{_ANY_YEAR}\b"), _month_year),
    (re.compile(rf"\b{_YEAR}\s*(?:-|–|to|until|till|and)\s*(\d{{4}}|\d{{2}})\b"), _range),
    (re.compile(r"\b(early|mid|middle|late)?[\s-]*(1[0-9]|20)?([0-9])0s\b"), _decade),
    (re.compile(rf"\b(?:after|post)[\s-]+{_YEAR}\b"), _after),
    (re.compile(rf"\b(?:since|from)\s+{_YEAR}(?:\s+on|\s+onwards?)\b"), _since),
    (re.compile(rf"\b(?:before|pre|prior to)[\s-]+{_YEAR}\b"), _before),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)"), _day_month),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\b"), _month_day),
    (re.compile(rf"\b{_YEAR}s?\b"), _bare_year),
    (re.compile(r"(?:'|\b(?:in|of|during)\s+)(\d{2})\b(?!\s*(?:%|percent|per|years?|days?|"
                r"months?|weeks?|people|officers|men|of)\b)"), _short_year),
)


def find_date(folded: str, years: range | None = None) -> tuple[QueryDate | None, str]:
    """The most precise date in a folded question, and the question without it.

    ``years`` is the span two-digit years are read in (the packs' years); without it only
    four-digit years are dates.
    """
    for pattern, reader in _PATTERNS:
        for match in pattern.finditer(folded):
            found = reader(match, years)
            if found is not None and _plausible(found):
                return found, folded[: match.start()] + " " + folded[match.end():]
    return None, folded


def _plausible(found: QueryDate) -> bool:
    if found.month is not None and not 1 <= found.month <= 12:
        return False
    if found.day is not None and not 1 <= found.day <= 31:
        return False
    return found.until is None or found.bounds[0] <= found.bounds[1]


def parse_iso(value: str) -> tuple[int, int | None, int | None]:
    parts = [int(p) for p in value.split("-")]
    return parts[0], (parts[1] if len(parts) > 1 else None), (parts[2] if len(parts) > 2 else None)


def entry_bounds(start: str, end: str | None) -> tuple[Day, Day]:
    """The first and last day an entry's date (or range) covers."""
    year, month, day = parse_iso(start)
    end_y, end_m, end_d = parse_iso(end) if end else (year, month, day)
    return (year, month or 1, day or 1), (end_y, end_m or 12, end_d or 31)


def overlaps(asked: QueryDate, start: str, end: str | None) -> bool:
    """Whether an entry's date or range shares a day with the asked date or span."""
    if asked.year is None and asked.until is None:
        return False  # "23 august", any year: not a period
    low, high = asked.bounds
    first, last = entry_bounds(start, end)
    return first <= high and low <= last


def date_match(asked: QueryDate, start: str, end: str | None) -> float:
    """How well an entry's date fits the question's: 1 exact, less for partial fits, 0 none.

    A range (``end``) counts as containing every day in it; an asked span fits the entries
    that overlap it.
    """
    if asked.until is not None:
        return 0.5 if overlaps(asked, start, end) else 0.0
    year, month, day = parse_iso(start)
    if asked.year is None:
        if asked.month == month and asked.day is not None and asked.day == day:
            return 0.9
        return 0.4 if asked.month == month and asked.day is None else 0.0
    exact = _same(asked, year, month, day)
    if exact:
        return exact
    if end is not None and overlaps(asked, start, end):
        return 0.5
    return 0.0


def _same(asked: QueryDate, year: int, month: int | None, day: int | None) -> float:
    if asked.year != year:
        return 0.0
    if asked.month is None:
        return 0.6
    if month is None:
        return 0.5
    if asked.month != month:
        return 0.0
    if asked.day is None:
        return 0.8
    if day is None:
        return 0.7
    return 1.0 if asked.day == day else 0.0


def readable(value: str) -> str:
    """``1939-08-23`` -> "23 August 1939"; ``1923-10`` -> "October 1923"; ``1968`` -> "1968"."""
    year, month, day = parse_iso(value)
    if month is None:
        return str(year)
    if day is None:
        return f"{calendar.month_name[month]} {year}"
    return f"{day} {calendar.month_name[month]} {year}"


def readable_span(start: str, end: str | None) -> str:
    """A date or a range, said the short way: "3-8 May 1937", "January to February 1937",
    "1917 to 1922"."""
    if end is None or end == start:
        return readable(start)
    (y1, m1, d1), (y2, m2, d2) = parse_iso(start), parse_iso(end)
    if y1 == y2 and m1 == m2 and m1 is not None and d1 is not None and d2 is not None:
        return f"{d1}-{d2} {calendar.month_name[m1]} {y1}"
    if y1 == y2 and m1 is not None and m2 is not None and d1 is None and d2 is None:
        return f"{calendar.month_name[m1]} to {calendar.month_name[m2]} {y1}"
    return f"{readable(start)} to {readable(end)}"


def readable_query(asked: QueryDate) -> str:
    """How the bot names an asked date or period: "1937", "August 1939", "1936 to 1938"."""
    if asked.until is not None:
        low, high = asked.bounds
        if asked.year is None:
            return f"before {high[0] + 1}"
        if asked.until.year is None:
            return f"after {low[0] - 1}"
        return f"{low[0]} to {high[0]}" if low[0] != high[0] else str(low[0])
    if asked.year is None:
        month = calendar.month_name[asked.month] if asked.month else ""
        return f"{asked.day} {month}" if asked.day else month or "that date"
    return readable(_iso(asked))
