"""From a question to an answer: three judgements, each on its own evidence.

1. **Scope** (:mod:`bot.answering.scope`): is the question about the essay at all?
2. **Intent** (:mod:`bot.answering.intent`): one entry, or several composed
   (:mod:`bot.answering.compose`)?
3. **Match and confidence** (:mod:`bot.answering.engine`): which entry, and how sure:
   *sure* answers, *close* answers the best entry introduced as the closest the essay has
   (other candidates offered), *none* says "I don't know that from this essay".
"""

from __future__ import annotations

from dataclasses import replace

from bot.answering import compose
from bot.answering.answer import DONT_KNOW, EXAMPLE, Answer, dont_know, entry_answer, said
from bot.answering.dates import QueryDate
from bot.answering.engine import AnswerEngine, Match, Search
from bot.answering.intent import Intent, detect
from bot.answering.reading import Reading
from bot.answering.scope import Scope, judge
from knowledge.models import ArgumentEntry, PersonEntry, TermEntry

#: Confidence bands, calibrated on benchmarks/blind-dev.yaml (never on the test set).
SURE_AT = 0.58
CLOSE_AT = 0.45
SUGGEST_AT = 0.3
#: A close answer must contain a word of the question this rare (idf: in about one entry in
#: ten or fewer) and every name the question gives, or it is a guess.
DISTINCT_AT = 2.0
#: Words that ask for reasons: answered by the argument that explains what they name.
WHY = frozenset({"why", "reason", "reasons", "motive", "motives", "motivation", "extent",
                 "link", "links", "linked", "connect", "connection", "relationship", "justify",
                 "justified", "justification", "purpose"})
SIDE_DEPTH = 8  # how far down the ranking an argument on the asked side is looked for
DOUBT_SLACK = 0.1  # how much less of the question a corrected entry may cover than the best


def answer(engine: AnswerEngine, question: str | Reading) -> Answer:
    """Answer one question, or say honestly that the essay's knowledge base has no answer."""
    reading = question if isinstance(question, Reading) else engine.read(question)
    if reading.empty:
        return Answer("", "empty", "none",
                      said(f"Ask me a question about the essay, for example: {EXAMPLE}"))
    found = engine.search(reading)
    intent = detect(reading, engine)
    scope = judge(reading, found, engine, intent)
    if not scope.inside:
        return refusal(engine, reading.text, scope)
    return _answer(engine, reading, found, intent)


def _answer(engine: AnswerEngine, reading: Reading, found: Search, intent: Intent) -> Answer:
    text = reading.text
    if intent.kind == "overview":
        return compose.overview(engine, text)
    if intent.kind == "side":
        return compose.side(engine, intent.side, text)
    if intent.kind == "historians":
        return compose.historians(engine, text)
    if intent.kind == "corrections":
        return compose.corrections(engine, text)
    if intent.kind == "historian":
        return compose.historian(engine, intent.entries[0], text,
                                 [m.entry for m in found.matches[:3]])
    if intent.kind == "compare":
        joined = _joining(engine, reading, intent) if intent.linking else None
        if joined is not None:
            return entry_answer(engine, joined.entry, question=text, found=found)
        return compose.compare(engine, intent.entries, text)
    if intent.kind == "period" and intent.date is not None:
        listed = compose.period(engine, intent.date, text)
        if listed is not None:
            return listed
    return _best_entry(engine, reading, found, intent)


def _best_entry(engine: AnswerEngine, reading: Reading, found: Search,
                intent: Intent) -> Answer:
    text, words = reading.text, reading.words.words
    best = (_on_side(found, intent.side) or _corrected(found, intent.doubt)
            or _role(engine, reading, found) or found.best)
    if best is None:
        return dont_know(text, ())
    if WHY.intersection(words) and not isinstance(best.entry, ArgumentEntry):
        best = _argued(engine, reading, best)
    if found.same_date() and found.date is not None:
        listed = compose.period(engine, found.date, text)
        if listed is not None:
            return listed
    others = tuple(m.entry for m in found.matches[:4]
                   if m.confidence >= SUGGEST_AT and m.entry.id != best.entry.id)[:2]
    if best.confidence >= SURE_AT:
        return entry_answer(engine, best.entry, question=text, found=found)
    if best.confidence >= CLOSE_AT and best.distinct >= DISTINCT_AT \
            and not engine.lacks_a_name(reading, best.entry):
        return entry_answer(engine, best.entry, question=text, confidence="close", found=found,
                            others=others)
    suggestions = tuple(m.entry for m in found.matches[:3] if m.confidence >= SUGGEST_AT)
    return dont_know(text, suggestions, best.confidence)


def _on_side(found: Search, side: str) -> Match | None:
    """For "how does spain show consistency": the best argument on that side."""
    if not side:
        return None
    return next((m for m in found.matches[:SIDE_DEPTH] if isinstance(m.entry, ArgumentEntry)
                 and m.entry.side == side and m.confidence >= SUGGEST_AT), None)


def _joining(engine: AnswerEngine, reading: Reading, intent: Intent) -> Match | None:
    """For "the link between the purge and Spain": the argument citing both, if one does."""
    ids = {e.id for e in intent.entries}
    citing = [e.id for e in engine.by_id.values() if isinstance(e, ArgumentEntry)
              and (ids <= {*e.evidence, e.id} or len(ids & set(e.evidence)) >= 2)]
    if not citing:
        return None
    ranked = engine.search(reading, also=citing).matches
    return next(m for m in ranked if m.entry.id in citing)


def _role(engine: AnswerEngine, reading: Reading, found: Search) -> Match | None:
    """For "Yezhov's role in the Great Terror": the person (or body) whose role it is."""
    if "role" not in reading.words.words:
        return None
    named = [e for e in engine.mentions(reading) if e.id not in engine.core_entries]
    subject = next((e for e in named if isinstance(e, PersonEntry)), None) or next(
        (e for e in named if isinstance(e, TermEntry)), None)
    if subject is None:
        return None
    ranked = engine.search(reading, also=[subject.id]).matches
    found_it = next(m for m in ranked if m.entry.id == subject.id)
    return replace(found_it, confidence=max(found_it.confidence, SURE_AT))  # named outright


def _corrected(found: Search, doubt: bool) -> Match | None:
    """For "is 75% of officers right": the best entry with a correction note, if any."""
    if not doubt:
        return None
    best = found.best
    noted = [m for m in found.matches[:SIDE_DEPTH] if m.entry.note and m.confidence >= CLOSE_AT
             and best is not None and m.cover >= best.cover - DOUBT_SLACK]
    return max(noted, key=lambda m: m.cover, default=None)


def _argued(engine: AnswerEngine, reading: Reading, best: Match) -> Match:
    """For "why ...": the argument that cites the best entry as evidence, the one the
    question's other words fit best ("why did stalin sign the pact" -> the search for
    security). The answer is as sure as the entry it explains was matched."""
    citing = [e.id for e in engine.by_id.values()
              if isinstance(e, ArgumentEntry) and best.entry.id in e.evidence]
    if not citing:
        return best
    ranked = engine.search(reading, also=citing).matches
    chosen = next(m for m in ranked if m.entry.id in citing)
    return replace(chosen, confidence=max(chosen.confidence, best.confidence))


def refusal(engine: AnswerEngine, text: str, scope: Scope) -> Answer:
    """A friendly no for a question outside the essay, saying what the bot does cover."""
    covers = engine.outline.title or "the essay"
    if scope.reason == "chat":
        lead = (f"Hi! I'm the study bot for the essay on {covers}. Ask me about its people, "
                f"events, terms and arguments, for example: {EXAMPLE}")
        return Answer(text, "chat", "none", said(lead))
    if scope.reason == "period":
        first, last = engine.years.start, engine.years.stop - 1
        lead = (f"{DONT_KNOW} Its story runs from {first} to {last}: ask about something in "
                f"those years, for example: {EXAMPLE}")
    else:
        lead = (f"{DONT_KNOW} It is about {covers}: ask about a person, event or argument "
                f"it covers, for example: {EXAMPLE}")
    return Answer(text, "none", "none", said(lead))


def open_view(engine: AnswerEngine, view: str) -> Answer | None:
    """A composed or entry answer again, from its view id alone (a "More" button)."""
    kind, _, arg = view.partition(":")
    if kind == "entry" and arg in engine.by_id:
        return entry_answer(engine, engine.by_id[arg])
    if kind == "overview":
        return compose.overview(engine)
    if kind == "side" and arg in compose.SIDES:
        return compose.side(engine, arg)
    if kind == "historians":
        return compose.historians(engine)
    if kind == "corrections":
        return compose.corrections(engine)
    if kind == "historian" and arg in engine.by_id:
        return compose.historian(engine, engine.by_id[arg])
    if kind == "compare":
        things = tuple(engine.by_id[i] for i in arg.split("+") if i in engine.by_id)
        return compose.compare(engine, things) if len(things) >= 2 else None
    if kind == "period":
        asked = _period(arg)
        return compose.period(engine, asked) if asked is not None else None
    return None


def _period(label: str) -> QueryDate | None:
    """The date or span a period view names ("1937", "1939-08", "1936/1938")."""
    def one(part: str) -> QueryDate | None:
        bits: list[int | None] = [int(b) for b in part.split("-") if b.isdigit()]
        if not bits:
            return None
        year, month, day = [*bits, None, None][:3]
        return QueryDate(year, month, day)
    low, _, high = label.partition("/")
    start = one(low)
    if start is None:
        return None
    if high:
        end = one(high)
        return QueryDate(start.year, start.month, start.day, end) if end is not None else None
    return start
