"""Dates in questions ("23 august 1939", "in 1937") and dates in answers ("23 August 1939").

Entry dates are partial ISO strings (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``); an answer never
claims a day (or month) the entry does not give.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

MONTHS: dict[str, int] = {}
for _number in range(1, 13):
    MONTHS[calendar.month_name[_number].lower()] = _number
    MONTHS[calendar.month_abbr[_number].lower()] = _number
MONTHS["sept"] = 9

_MONTH = r"(" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(1[5-9]\d\d|20\d\d)"
_PATTERNS: tuple[tuple[re.Pattern[str], tuple[str, ...]], ...] = (
    (re.compile(rf"\b{_YEAR}-(\d{{1,2}})-(\d{{1,2}})\b"), ("y", "m", "d")),
    (re.compile(rf"\b(\d{{1,2}})[/.](\d{{1,2}})[/.]{_YEAR}\b"), ("d", "m", "y")),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}\s*,?\s*{_YEAR}\b"), ("d", "M", "y")),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\s*,?\s*{_YEAR}\b"), ("M", "d", "y")),
    (re.compile(rf"\b{_MONTH}\s*,?\s*(?:of\s+)?{_YEAR}\b"), ("M", "y")),
    (re.compile(rf"\b{_DAY}\s+(?:of\s+)?{_MONTH}(?!\w)"), ("d", "M")),
    (re.compile(rf"\b{_MONTH}\s+{_DAY}\b"), ("M", "d")),
    (re.compile(rf"\b{_YEAR}s?\b"), ("y",)),
)


@dataclass(frozen=True, slots=True)
class QueryDate:
    """A date named in a question; any part may be missing ("in 1937", "on 23 August")."""

    year: int | None
    month: int | None
    day: int | None


def find_date(folded: str) -> tuple[QueryDate | None, str]:
    """The most precise date in a folded question, and the question without it."""
    for pattern, parts in _PATTERNS:
        match = pattern.search(folded)
        if match is None:
            continue
        values: dict[str, int] = {}
        for part, group in zip(parts, match.groups(), strict=True):
            values[part.lower()] = MONTHS[group] if part == "M" else int(group)
        found = QueryDate(values.get("y"), values.get("m"), values.get("d"))
        if _plausible(found):
            rest = folded[: match.start()] + " " + folded[match.end():]
            return found, rest
    return None, folded


def _plausible(found: QueryDate) -> bool:
    if found.month is not None and not 1 <= found.month <= 12:
        return False
    return found.day is None or 1 <= found.day <= 31


def parse_iso(value: str) -> tuple[int, int | None, int | None]:
    parts = [int(p) for p in value.split("-")]
    return parts[0], (parts[1] if len(parts) > 1 else None), (parts[2] if len(parts) > 2 else None)


def date_match(asked: QueryDate, start: str, end: str | None) -> float:
    """How well an entry's date fits the question's: 1 exact, less for partial fits, 0 none.

    A range (``end``) counts as containing every day in it.
    """
    year, month, day = parse_iso(start)
    if asked.year is None:
        if asked.month == month and asked.day is not None and asked.day == day:
            return 0.9
        return 0.4 if asked.month == month and asked.day is None else 0.0
    exact = _same(asked, year, month, day)
    if exact:
        return exact
    if end is not None and asked.year is not None:
        key = (asked.year, asked.month or 0, asked.day or 0)
        low = (year, month or 0, day or 0)
        end_y, end_m, end_d = parse_iso(end)
        high = (end_y, end_m or 12, end_d or 31)
        if low <= key <= high:
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
    """A date or a range, said the short way: "3-8 May 1937", "1917 to 1922"."""
    if end is None or end == start:
        return readable(start)
    (y1, m1, d1), (y2, m2, d2) = parse_iso(start), parse_iso(end)
    if y1 == y2 and m1 == m2 and m1 is not None and d1 is not None and d2 is not None:
        return f"{d1}-{d2} {calendar.month_name[m1]} {y1}"
    return f"{readable(start)} to {readable(end)}"
