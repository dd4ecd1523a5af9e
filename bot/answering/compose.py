"""Answers drawn from several entries: the essay's overview, one side's arguments, a
historian's view, the historians, a comparison, a period.

Built only from the entries' own fields (titles, claims, texts, dates, roles) joined by short
fixed labels: never prose of the bot's own. Each answer leads with what fits on a phone and
offers the rest ("More") and every entry it lists as a button.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz

from bot.answering.answer import Answer, entry_answer, entry_parts, heading, lead_sentences
from bot.answering.dates import QueryDate, entry_bounds, overlaps, readable_query, readable_span
from bot.answering.engine import AnswerEngine
from bot.answering.intent import historians_of
from bot.replies import Part
from knowledge.loader import collapse
from knowledge.models import ArgumentEntry, Entry, EventEntry, PersonEntry

SIDES = ("consistent", "inconsistent", "qualified")
#: How each side of the essay's question is named (the pack format's own three sides).
SIDE_LABELS = {
    "consistent": "Arguments that foreign policy was consistent with domestic ideology",
    "inconsistent": "Arguments that foreign policy was inconsistent with domestic ideology",
    "qualified": "Arguments that qualify the answer",
}
SIDE_BUTTONS = {"consistent": "Arguments for consistency",
                "inconsistent": "Arguments against", "qualified": "Qualifications"}
MAIN_PER_SIDE = 2  # arguments per side an overview leads with
MORE_PER_SIDE = 3  # and adds on request
LISTED = 6  # lines a list leads with before "More"
MAX_LINKS = 10
SURE = 1.0  # the score of a composed answer: what it lists is what was asked for
NEAREST_WITHIN = 60  # days: further than this, a day with no event gets no "nearest" list
SAME_NOTE = 70  # rapidfuzz token_set_ratio above which two notes make the same correction


def overview(engine: AnswerEngine, question: str = "") -> Answer:
    """The essay's question, its conclusion and the main arguments on each side."""
    asked = _entries(engine, engine.outline.question)
    concluded = _entries(engine, engine.outline.conclusion)
    lead: list[Part] = [Part("heading", lead_sentences(asked[0].text, most=1)[0])] if asked else []
    if concluded and isinstance(concluded[0], ArgumentEntry):
        lead.append(Part("text", f"Its conclusion: {concluded[0].claim.strip()}"))
    more: list[Part] = []
    shown: list[Entry] = []
    skip = {e.id for e in (*asked, *concluded)}
    for side in SIDES:
        arguments = [a for a in _arguments(engine, side) if a.id not in skip]
        if not arguments:
            continue
        main = _main(arguments)
        lead.append(Part("text", f"{SIDE_BUTTONS[side]} ({len(arguments)}), e.g.:"))
        lead += [Part("item", _line(engine, a)) for a in main[:MAIN_PER_SIDE]]
        shown += main[:MAIN_PER_SIDE]
        further = main[MAIN_PER_SIDE:MAIN_PER_SIDE + MORE_PER_SIDE]
        if further:
            more.append(Part("text", f"More {SIDE_BUTTONS[side].lower()}:"))
            more += [Part("item", _line(engine, a)) for a in further]
        if len(main) > MAIN_PER_SIDE + MORE_PER_SIDE:
            more.append(Part("context", f"(All {len(arguments)}: \"{SIDE_BUTTONS[side]}\")"))
    for entry in concluded[1:]:
        if isinstance(entry, ArgumentEntry):
            more.append(Part("text", f"Also in the conclusion: {entry.claim.strip()}"))
    views = tuple((SIDE_BUTTONS[s], f"side:{s}") for s in SIDES if _arguments(engine, s))
    return Answer(question or "overview", "overview", "sure", tuple(lead), tuple(more),
                  (*asked, *concluded, *shown), tuple((*concluded[:1], *shown))[:MAX_LINKS],
                  views, view="overview", score=SURE)


def side(engine: AnswerEngine, which: str, question: str = "") -> Answer:
    """The essay's arguments on one side, one line each with its historian."""
    arguments = _arguments(engine, which)
    lines = [Part("item", _line(engine, a)) for a in arguments]
    lead = (Part("heading", f"{SIDE_LABELS[which]} ({len(arguments)}):"), *lines[:LISTED])
    others = tuple((SIDE_BUTTONS[s], f"side:{s}") for s in SIDES if s != which)
    return Answer(question or SIDE_LABELS[which], "side", "sure", lead, tuple(lines[LISTED:]),
                  tuple(arguments), tuple(arguments[:MAX_LINKS]), others, view=f"side:{which}",
                  topic=which, score=SURE)


def historian(engine: AnswerEngine, person: Entry, question: str = "",
              first: Iterable[Entry] = ()) -> Answer:
    """One historian's view: their arguments (those the question names first) and works."""
    arguments = engine.argued_by.get(person.id, [])
    preferred = [e for e in first if e in arguments]
    arguments = [*preferred, *(a for a in arguments if a not in preferred)]
    works = engine.written_by.get(person.id, [])
    role = f" ({person.role})" if isinstance(person, PersonEntry) else ""
    lead = [Part("heading", f"{person.title}{role}")]
    if arguments:
        lead += [Part("item", f"{a.title}: {a.claim.strip()}") for a in arguments[:3]]
    else:
        lead.append(Part("text", lead_sentences(person.text)[0]))
    lead += [Part("context", f"Wrote: {heading(w)}") for w in works]
    more = [part for a in arguments[:3] for part in entry_parts(engine, a, ())[1]
            if not part.text.startswith("Historian:")]
    if arguments:
        more.append(Part("text", lead_sentences(person.text)[0]))
    entries = (*arguments, person, *works)
    return Answer(question or person.title, "historian", "sure", tuple(lead), tuple(more),
                  entries, entries[:MAX_LINKS],
                  view=f"historian:{person.id}", score=SURE)


def historians(engine: AnswerEngine, question: str = "") -> Answer:
    """What each historian the essay cites argues, one line each."""
    lines: list[Part] = []
    entries: list[Entry] = []
    for person in historians_of(engine):
        arguments = engine.argued_by.get(person.id, [])
        if arguments:
            lines.append(Part("item", f"{person.title}: {arguments[0].claim.strip()}"))
            entries += [arguments[0], person]
        else:
            lines.append(Part("item", f"{person.title}: {lead_sentences(person.text)[0]}"))
            entries.append(person)
    lead = (Part("heading", "The historians in the essay and its notes:"), *lines[:LISTED])
    return Answer(question or "historians", "historians", "sure", lead, tuple(lines[LISTED:]),
                  tuple(entries), tuple(entries[:MAX_LINKS]), view="historians", score=SURE)


def corrections(engine: AnswerEngine, question: str = "") -> Answer:
    """Where the essay is wrong or contested: each corrected entry's title and note, in the
    order the essay says it."""
    noted: list[Entry] = []
    for entry in sorted(engine.noted, key=engine.essay_position):
        if not any(_same_correction(entry, e) for e in noted):
            noted.append(entry)  # one line per correction, however many entries carry it
    lines = [Part("item", f"{e.title}: {lead_sentences(e.note or '')[0]}") for e in noted]
    lead = (Part("heading", f"Where the essay is wrong or contested ({len(noted)}):"),
            *lines[:LISTED])
    return Answer(question or "corrections", "corrections", "sure", lead,
                  tuple(lines[LISTED:]), tuple(noted), tuple(noted[:MAX_LINKS]),
                  view="corrections", score=SURE)


def _same_correction(one: Entry, other: Entry) -> bool:
    """Two entries correcting the same words of the essay, or saying the same thing."""
    quotes = [collapse(q) for q in one.quotes]
    if any(a in b or b in a for a in quotes for b in map(collapse, other.quotes)):
        return True
    return fuzz.token_set_ratio(one.note or "", other.note or "") >= SAME_NOTE


def compare(engine: AnswerEngine, things: tuple[Entry, ...], question: str = "") -> Answer:
    """Two (or three) entries side by side, with what their fields say about both."""
    title = " and ".join(t.title for t in things) + ":"
    lead = [Part("heading", title)]
    more: list[Part] = []
    drawn: list[Entry] = list(things)
    for thing in things:
        lead.append(Part("item", _summary(engine, thing)))
        if isinstance(thing, PersonEntry):
            drawn += engine.argued_by.get(thing.id, [])
        rest = lead_sentences(thing.text)[1]
        if rest:
            more.append(Part("text", f"{heading(thing)}: {rest}"))
    link = _link(engine, things)
    if link:
        lead.append(Part("text", link))
    ids = "+".join(t.id for t in things)
    return Answer(question or title, "compare", "sure", tuple(lead), tuple(more),
                  tuple(drawn), tuple(things), view=f"compare:{ids}" if len(ids) < 80 else "",
                  score=SURE)


def period(engine: AnswerEngine, asked: QueryDate, question: str = "") -> Answer | None:
    """The events of a date or span, spanning ones included; one event is its own answer.

    None when nothing the packs hold falls on or near it.
    """
    events = [e for e in engine.events if overlaps(asked, e.date, e.end_date)]
    if asked.day is not None and asked.until is None:  # a day: what began on it, if anything
        events = [e for e in events if e.date == _iso_day(asked)] or events
    if len(events) == 1 and asked.day is not None:
        return entry_answer(engine, events[0], question=question)
    if not events:
        return _nearest(engine, asked, question)
    lines = [Part("item", f"{readable_span(e.date, e.end_date)}: {e.title}") for e in events]
    lead = (Part("heading", f"In {readable_query(asked)}, {len(events)} events of the essay's "
                            "story:"), *lines[:LISTED + 2])
    return Answer(question or readable_query(asked), "period", "sure", lead,
                  tuple(lines[LISTED + 2:]), tuple(events), tuple(events[:MAX_LINKS]),
                  view=f"period:{asked.label}", topic=asked.label, score=SURE)


def _iso_day(asked: QueryDate) -> str:
    return f"{asked.year:04d}-{asked.month or 0:02d}-{asked.day or 0:02d}"


def _nearest(engine: AnswerEngine, asked: QueryDate, question: str) -> Answer | None:
    """A day (or month) with no event: the nearest events, said to be only the nearest."""
    if asked.year is None or asked.until is not None:
        return None
    low, _ = asked.bounds
    def away(event: EventEntry) -> int:
        return _distance(low, *entry_bounds(event.date, event.end_date))

    near = sorted(engine.events, key=away)[:3]
    if not near or away(near[0]) > NEAREST_WITHIN:
        return None
    lines = [Part("item", f"{readable_span(e.date, e.end_date)}: {e.title}") for e in near]
    lead = (Part("text", f"Nothing in the essay's story falls on {readable_query(asked)}. "
                         "The nearest events:"), *lines)
    return Answer(question, "period", "close", lead, (), tuple(near), tuple(near),
                  topic=asked.label)


def _distance(day: tuple[int, int, int], first: tuple[int, int, int],
              last: tuple[int, int, int]) -> int:
    """Roughly how many days ``day`` lies outside [first, last] (0 inside)."""
    def number(d: tuple[int, int, int]) -> int:
        return d[0] * 372 + d[1] * 31 + d[2]
    at = number(day)
    return max(0, number(first) - at, at - number(last))


def _summary(engine: AnswerEngine, thing: Entry) -> str:
    if isinstance(thing, PersonEntry):
        arguments = engine.argued_by.get(thing.id, [])
        said = f" Argues: {arguments[0].claim.strip()}" if arguments else ""
        return f"{thing.title} ({thing.role}).{said}"
    if isinstance(thing, ArgumentEntry):
        return f"{thing.title} ({thing.side}): {thing.claim.strip()}"
    return f"{heading(thing)}: {lead_sentences(thing.text)[0]}"


def _link(engine: AnswerEngine, things: tuple[Entry, ...]) -> str:
    """What the fields say about the things together: which came first, which side each is on."""
    events = [t for t in things if isinstance(t, EventEntry)]
    if len(events) == len(things) == 2:
        first, second = sorted(events, key=lambda e: e.date)
        if first.date[:4] == second.date[:4]:
            return f"{first.title} came first, the same year."
        years = int(second.date[:4]) - int(first.date[:4])
        return f"{first.title} came first, {years} year{'s' * (years > 1)} earlier."
    sides = [_side_of(engine, t) for t in things]
    if all(sides) and len(sides) == len(things):
        if len(set(sides)) == 1:
            return f"Both on the same side: {SIDE_LABELS[sides[0]].lower()}."
        return "On different sides: " + "; ".join(
            f"{t.title}: {s}" for t, s in zip(things, sides, strict=True)) + "."
    return ""


def _side_of(engine: AnswerEngine, thing: Entry) -> str:
    if isinstance(thing, ArgumentEntry):
        return thing.side
    arguments = engine.argued_by.get(thing.id, [])
    return arguments[0].side if arguments else ""


def _arguments(engine: AnswerEngine, which: str) -> list[ArgumentEntry]:
    return [a for a in engine.arguments if a.side == which]


def _main(arguments: list[ArgumentEntry]) -> list[ArgumentEntry]:
    """The arguments an overview names first: a historian's, then the best evidenced."""
    order = {a.id: i for i, a in enumerate(arguments)}
    return sorted(arguments, key=lambda a: (a.historian is None, -len(a.evidence), order[a.id]))


def _line(engine: AnswerEngine, argument: ArgumentEntry) -> str:
    person = engine.by_id.get(argument.historian) if argument.historian else None
    return f"{argument.claim.strip()}" + (f" ({person.title})" if person else "")


def _entries(engine: AnswerEngine, ids: Iterable[str]) -> list[Entry]:
    return [engine.by_id[i] for i in ids if i in engine.by_id]
