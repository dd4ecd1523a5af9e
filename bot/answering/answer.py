"""An answer as a student reads it: the entries' own fields, never words of the bot's own.

Short first: one to three sentences of the entry (and its correction, which is never
dropped) lead; the rest of the text, the essay passage it rests on, the historian an argument
cites and the related entries follow on request ("More"). Composed answers
(:mod:`bot.answering.compose`) are built the same way from several entries.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.answering.dates import readable_span
from bot.answering.engine import AnswerEngine, Search
from bot.replies import Part, plain_parts
from knowledge.loader import collapse
from knowledge.models import ArgumentEntry, Entry, EventEntry, WorkEntry

MAX_ANSWER = 3900  # Discord's limit is 4,000 for an embed description, 2,000 for a message
QUOTE_CHARS = 320
LEAD_CHARS = 240  # a lead stops adding sentences once it is this long
LEAD_SENTENCES = 3
DONT_KNOW = "I don't know that from this essay."
EXAMPLE = "when was the Nazi-Soviet Pact?"
CLOSEST = "The closest the essay has to that:"
_CLAUSE_END = re.compile(r"[.;:,!?–](?=\s)")
_SENTENCE_END = re.compile(r"[.!?][\"”')\]]*(?=\s+[A-Z\"“(])")

Confidence = Literal["sure", "close", "none"]
AnswerKind = Literal["entry", "overview", "side", "historian", "historians", "compare",
                     "period", "corrections", "none", "chat", "empty"]


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer. ``lead`` is what a student reads first; ``more`` the rest, on request.

    ``entries`` are every entry the answer draws on, the main one first. ``links`` are
    entries offered as buttons (related entries, other candidates, or "did you mean"), and
    ``views`` composed answers offered as buttons (label, view id). ``view`` names this
    answer so that "More" can show it whole again from its id alone.
    """

    question: str
    kind: AnswerKind
    confidence: Confidence
    lead_parts: tuple[Part, ...]
    more_parts: tuple[Part, ...] = ()
    entries: tuple[Entry, ...] = ()
    links: tuple[Entry, ...] = ()
    views: tuple[tuple[str, str], ...] = ()
    view: str = ""
    topic: str = ""  # a side ("consistent") or a period ("1937", "1936/1938")
    score: float = 0.0

    @property
    def answered(self) -> bool:
        return self.confidence != "none"

    @property
    def entry(self) -> Entry | None:
        """The main entry (``None`` when nothing was answered)."""
        return self.entries[0] if self.entries and self.answered else None

    @property
    def entry_ids(self) -> list[str]:
        return [e.id for e in self.entries] if self.answered else []

    @property
    def suggestions(self) -> tuple[Entry, ...]:
        return () if self.answered else self.links

    @property
    def related(self) -> tuple[Entry, ...]:
        return self.links if self.answered else ()

    @property
    def lead(self) -> str:
        return plain_parts(self.lead_parts)

    @property
    def more(self) -> str:
        return plain_parts(self.more_parts)

    @property
    def parts(self) -> tuple[Part, ...]:
        """The whole answer, structured."""
        return self.lead_parts + self.more_parts

    @property
    def text(self) -> str:
        """The whole answer as plain text: the lead and everything "More" would add."""
        return _fit(plain_parts(self.parts))


def entry_answer(engine: AnswerEngine, entry: Entry, *, question: str = "",
                 confidence: Confidence = "sure", found: Search | None = None,
                 others: tuple[Entry, ...] = ()) -> Answer:
    """One entry's answer; a ``close`` one says it is only the closest and offers ``others``."""
    related = tuple(engine.related(entry))
    lead, more = entry_parts(engine, entry, related, found)
    if confidence == "close":
        lead = (Part("context", CLOSEST), *lead)
    score = found.best.confidence if found is not None and found.best is not None else 1.0
    return Answer(question or entry.title, "entry", confidence, lead, more, (entry,),
                  others if confidence == "close" else related, view=f"entry:{entry.id}",
                  score=score)


def entry_parts(engine: AnswerEngine, entry: Entry, related: tuple[Entry, ...],
                found: Search | None = None) -> tuple[tuple[Part, ...], tuple[Part, ...]]:
    """The lead (heading, first sentences, correction) and the rest of one entry."""
    first, rest = lead_sentences(entry.text)
    lead = [Part("heading", _heading(entry)), Part("text", first)]
    note = correction(entry)
    if note:
        lead.append(Part("correction", note))
    more = [Part("text", rest)] if rest else []
    if isinstance(entry, EventEntry) and entry.date_note:
        more.append(Part("context", f"On the date: {entry.date_note}"))
    historian = _historian(entry, engine)
    if historian:
        more.append(Part("context", historian))
    more += [Part("quote", shorten(quote)) for quote in entry.quotes[:2]]
    if not entry.quotes and entry.sources:
        more.append(Part("context", f"Source: {'; '.join(entry.sources[:2])}"))
    if related:
        more.append(Part("context", "Related: " + "; ".join(e.title for e in related)))
    if found is not None and found.corrected:
        fixes = ", ".join(f"{w} -> {t}" for w, t in list(found.corrected.items())[:3])
        more.append(Part("context", f"(I read your question with: {fixes})"))
    return tuple(lead), tuple(more)


def sentences(text: str) -> list[str]:
    """A text's sentences, closing quotation marks kept with the sentence they end."""
    text = collapse(text)
    found: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(text):
        found.append(text[start:end.end()].strip())
        start = end.end()
    found.append(text[start:].strip())
    return [s for s in found if s]


def lead_sentences(text: str, most: int = LEAD_SENTENCES) -> tuple[str, str]:
    """The first one to ``most`` sentences of a text (stopping once long enough), and the
    rest."""
    sentences_ = sentences(text)
    taken = 0
    length = 0
    while taken < min(most, len(sentences_)) and (taken == 0 or length < LEAD_CHARS):
        length += len(sentences_[taken]) + 1
        taken += 1
    return " ".join(sentences_[:taken]), " ".join(sentences_[taken:])


def correction(entry: Entry) -> str:
    """The entry's correction note, less any sentence its text already says."""
    if not entry.note:
        return ""
    said = collapse(entry.text).lower()
    return " ".join(s for s in sentences(entry.note) if s.lower() not in said)


def heading(entry: Entry) -> str:
    return _heading(entry)


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


def dont_know(question: str, suggestions: tuple[Entry, ...], score: float = 0.0) -> Answer:
    """Honest abstention, with the nearest entries as "did you mean"."""
    if suggestions:
        lead = (Part("text", f"{DONT_KNOW} Did you mean:"),
                *(Part("item", e.title) for e in suggestions))
    else:
        lead = (Part("text", f"{DONT_KNOW} Try asking about a person, event or idea it covers, "
                             f"for example: {EXAMPLE}"),)
    return Answer(question, "none", "none", lead, links=suggestions, score=score)


def said(text: str) -> tuple[Part, ...]:
    """A one-part answer: a refusal, a greeting."""
    return (Part("text", text),)


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
