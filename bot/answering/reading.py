"""A question read once: cleaned text, its words, and the date it names."""

from __future__ import annotations

from dataclasses import dataclass

from bot.answering.dates import QueryDate, find_date
from bot.answering.text import QueryWords, clean, fold, read_question


@dataclass(frozen=True, slots=True)
class Reading:
    """What every judgement of a question (scope, intent, match) starts from."""

    text: str  # the question as shown back: cleaned, markup and control characters out
    words: QueryWords  # the words once the date is taken out
    date: QueryDate | None

    @property
    def empty(self) -> bool:
        return not self.text


def read(question: str, years: range | None = None) -> Reading:
    """``years``: where two-digit years ("17/9/39") are read (the packs' dated years)."""
    text = clean(question)
    date, rest = find_date(fold(text), years)
    return Reading(text, read_question(rest), date)
