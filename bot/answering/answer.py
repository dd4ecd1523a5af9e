"""An answer as a student reads it: the entry's own fields, never words of the bot's own.

The entry's text; its date; the essay passage it rests on, in quotation marks; the historian
an argument cites; the correction note where the essay is wrong; one or two related entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.answering.dates import readable_span
from bot.answering.engine import AnswerEngine, Search
from knowledge.loader import collapse
from knowledge.models import ArgumentEntry, Entry, EventEntry, WorkEntry

MAX_ANSWER = 3900  # Discord's limit is 4,000 for an embed description, 2,000 for a message
QUOTE_CHARS = 320
MAX_LISTED = 8
DONT_KNOW = "I don't know that from this essay."
EXAMPLE = "when was the Nazi-Soviet Pact?"
_CLAUSE_END = re.compile(r"[.;:,!?–](?=\s)")


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    entry: Entry | None
    score: float
    suggestions: list[Entry]
    related: list[Entry]
    text: str

    @property
    def answered(self) -> bool:
        return self.entry is not None


def answer(engine: AnswerEngine, question: str) -> Answer:
    """Answer one question, or say honestly that the essay's knowledge base has no answer."""
    found = engine.search(question)
    if not found.question:
        text = f"Ask me a question about the essay, for example: {EXAMPLE}"
        return Answer("", None, 0.0, [], [], text)
    best = found.best
    on_the_day = found.same_date()
    if on_the_day:
        return Answer(found.question, None, best.confidence if best else 0.0, on_the_day[:3],
                      [], several_events(on_the_day))
    if best is None or not found.answered:
        suggestions = found.suggestions()
        return Answer(found.question, None, best.confidence if best else 0.0, suggestions, [],
                      dont_know(suggestions))
    entry = best.entry
    related = engine.related(entry)
    return Answer(found.question, entry, best.confidence, [], related,
                  render(entry, engine, related, found))


def answer_entry(engine: AnswerEngine, entry_id: str) -> Answer | None:
    """The answer for one entry by id: a pressed "did you mean" or "related" button."""
    entry = engine.by_id.get(entry_id)
    if entry is None:
        return None
    related = engine.related(entry)
    return Answer(entry.title, entry, 1.0, [], related, render(entry, engine, related))


def dont_know(suggestions: list[Entry]) -> str:
    if not suggestions:
        return (f"{DONT_KNOW} Try asking about a person, event or idea it covers, for example: "
                f"{EXAMPLE}")
    return "\n".join([f"{DONT_KNOW} Did you mean:", *(f"- {e.title}" for e in suggestions)])


def several_events(events: list[Entry]) -> str:
    """The events a bare date fits, in date order: the student picks the one they meant."""
    dated = sorted((e for e in events if isinstance(e, EventEntry)), key=lambda e: e.date)
    lines = ["Several events fit that date:"]
    lines += [f"- {readable_span(e.date, e.end_date)}: {e.title}" for e in dated[:MAX_LISTED]]
    if len(dated) > MAX_LISTED:
        lines.append(f"...and {len(dated) - MAX_LISTED} more. Add a day or a topic to narrow it.")
    return "\n".join(lines)


def render(entry: Entry, engine: AnswerEngine, related: list[Entry],
           found: Search | None = None) -> str:
    lines = [_heading(entry), entry.text]
    if isinstance(entry, EventEntry) and entry.date_note:
        lines.append(f"On the date: {entry.date_note}")
    historian = _historian(entry, engine)
    if historian:
        lines.append(historian)
    for quote in entry.quotes[:2]:
        lines.append(f'From the essay: "{shorten(quote)}"')
    if not entry.quotes and entry.sources:
        lines.append(f"Source: {'; '.join(entry.sources[:2])}")
    if entry.note:
        lines.append(f"Correction: {entry.note}")
    if related:
        lines.append("Related: " + "; ".join(e.title for e in related))
    if found is not None and found.corrected:
        fixes = ", ".join(f"{w} -> {t}" for w, t in list(found.corrected.items())[:3])
        lines.append(f"(I read your question with: {fixes})")
    return _fit("\n".join(lines))


def _heading(entry: Entry) -> str:
    if isinstance(entry, EventEntry):
        return f"{entry.title} ({readable_span(entry.date, entry.end_date)})"
    if isinstance(entry, WorkEntry):
        return f"{entry.title}, {entry.year}"
    return entry.title


def _historian(entry: Entry, engine: AnswerEngine) -> str | None:
    if isinstance(entry, ArgumentEntry) and entry.historian:
        person = engine.by_id.get(entry.historian)
        return f"Historian: {person.title if person else entry.historian}"
    if isinstance(entry, WorkEntry):
        author = engine.by_id.get(entry.author)
        return f"By {author.title if author else entry.author}, {entry.year}"
    return None


def shorten(quote: str, limit: int = QUOTE_CHARS) -> str:
    """The quote whitespace-collapsed, cut at a clause end (or a word) near ``limit``.

    What stays is verbatim essay text; a cut is marked with an ellipsis.
    """
    text = collapse(quote)
    if len(text) <= limit:
        return text
    head = text[:limit]
    ends = [m.end() for m in _CLAUSE_END.finditer(head) if m.end() > limit // 2]
    cut = ends[-1] if ends else head.rfind(" ")
    if cut <= 0:
        cut = limit
    return text[:cut].rstrip(" ,;:–") + " …"


def _fit(text: str) -> str:
    if len(text) <= MAX_ANSWER:
        return text
    return text[: MAX_ANSWER - 1].rsplit(" ", 1)[0] + "…"
