"""Partial dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) as the packs write them.

An event dated only by month or year must never be presented as happening on a given day,
so every date keeps how precise it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from bot.commands.parse import is_count

Precision = Literal["day", "month", "year"]

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")


@dataclass(frozen=True, slots=True)
class PartialDate:
    year: int
    month: int | None = None
    day: int | None = None

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Read a date the pack loader has already checked (``knowledge.models``)."""
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)

    @property
    def precision(self) -> Precision:
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def spoken(self) -> str:
        """"23 August 1939", "October 1936" or "1936": never more precise than known."""
        if self.month is None:
            return str(self.year)
        if self.day is None:
            return f"{MONTHS[self.month - 1]} {self.year}"
        return f"{self.day} {MONTHS[self.month - 1]} {self.year}"

    def short(self) -> str:
        """"23 Aug 1939", "Oct 1936", "1936": for the timeline's narrow date column."""
        if self.month is None:
            return str(self.year)
        month = MONTHS[self.month - 1][:3]
        return f"{month} {self.year}" if self.day is None else f"{self.day} {month} {self.year}"

    def midpoint(self) -> date:
        """Where to draw it on a time axis: a month's middle, a year's middle."""
        if self.month is None:
            return date(self.year, 7, 1)
        return date(self.year, self.month, self.day if self.day is not None else 15)


def parse_month_day(text: str) -> tuple[int, int]:
    """``MM-DD`` (or ``M-D``) into a month and day that exist in some year (29 Feb allowed).

    Raises ValueError with a message fit to show the user.
    """
    month_text, sep, day_text = text.strip().partition("-")
    if not sep or not is_count(month_text) or not is_count(day_text):
        raise ValueError(f"`{text[:20]}` is not a date like 08-23 (month-day).")
    month, day = int(month_text), int(day_text)
    if not 1 <= month <= 12:
        raise ValueError(f"`{text[:20]}`: there is no month {month}.")
    try:
        date(2000, month, day)  # a leap year, so 02-29 is accepted
    except ValueError:
        raise ValueError(f"`{text[:20]}`: {MONTHS[month - 1]} has no day {day}.") from None
    return month, day
