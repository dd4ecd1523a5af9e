"""Questions about the essay itself: its argument's direction, its words, and its errors.

A gap is only ever made in a passage no entry corrects: a quiz never has a student learn a
wrong figure or a misspelling as "what the essay says".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from bot.quiz.makers.common import (
    bare_title,
    make,
    names_of,
    person_label,
    reveals,
    sample_titles,
    surname,
)
from bot.quiz.makers.people import GAP
from bot.quiz.question import Question, stable_rng
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import ArgumentEntry, Entry, EventEntry, PersonEntry, TermEntry

CONSISTENT, INCONSISTENT = "Consistent", "Inconsistent"
_SIDE_WORDS = ("consistent", "inconsistent", "consistency", "inconsistency")
VERDICTS = {"right": "Right", "corrected": "Needs correcting",
            "unverified": "No source confirms it"}
#: Gap questions per answer: "Stalin" fills many gaps, and a quiz should not ask it ten times.
GAPS_PER_ANSWER = 4
#: Gaps made in one passage, each a question of its own.
GAPS_PER_PASSAGE = 2
_QUOTE_MARKS = "'\"‘’“”"
_JOINING = {"of", "the", "and", "in", "from", "with", "for", "to", "on", "a", "an"}


def consistency(arg: ArgumentEntry) -> Iterator[Question]:
    """Consistent or inconsistent, for claims about foreign policy with a plain side.

    Qualified claims have no plainly right answer; domestic ones cannot be judged from what
    they say; a claim that says "consistent" gives its answer away.
    """
    claim = collapse(arg.claim)
    if arg.side == "qualified" or arg.about != "foreign":
        return
    answer = CONSISTENT if arg.side == "consistent" else INCONSISTENT
    if reveals(claim, answer, _SIDE_WORDS):
        return
    yield make("consistency", arg,
               "Does this argument present Stalin's foreign policy as consistent or "
               f'inconsistent with his domestic ideology?\n"{claim}"',
               [CONSISTENT, INCONSISTENT], answer, shuffle=False)


def essay_checks(entry: Entry) -> Iterator[Question]:
    """Fact-check the essay: is it right in these words, does a source correct them, or has no
    source been found? The explanation gives the entry's answer, its source and its note."""
    for index, check in enumerate(entry.checks):
        words = collapse(check.essay)
        quote = next(collapse(q) for q in entry.quotes if words in collapse(q))
        answer = VERDICTS[check.verdict]
        if reveals(quote, answer):
            continue
        asked = "this" if words == quote else f'"{words}"'
        lead = collapse(entry.text)
        if check.verdict == "right":
            lead += f" Source: {collapse(entry.sources[0])}"
        yield make("essay_check", entry, f'Fact-check the essay: is {asked} right?\n"{quote}"',
                   list(VERDICTS.values()), answer, variant=str(index) if index else "",
                   lead=lead, quote=quote, shuffle=False)


# Fill the gap -------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Name:
    form: str    # as the essay writes it (case, hyphens and spaces aside)
    label: str   # as an option shows it
    entry: Entry
    kind: str    # options are only ever of one kind

    @property
    def pattern(self) -> re.Pattern[str]:
        return loose(self.form)


def essay_gaps(kb: KnowledgeBase, historians: set[str]) -> Iterator[Question]:
    """A sentence of the essay with a person's, a term's or an event's name made a gap.

    Historians are asked by :func:`bot.quiz.makers.people.who_argued` instead.
    """
    names = _vocabulary(kb, historians)
    flagged = _corrected_passages(kb)
    found: list[tuple[Entry, int, str, list[tuple[int, _Name]]]] = []
    seen: set[str] = set()
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        for index, raw in enumerate(entry.quotes):
            quote = collapse(raw)
            if quote in seen or not 50 <= len(quote) <= 400 or _touches(quote, flagged):
                continue
            seen.add(quote)
            matches = sorted(((m.start(), n) for n in names if (m := n.pattern.search(quote))),
                             key=lambda pair: (pair[0], -len(pair[1].form)))
            if matches:
                found.append((entry, index, quote, matches))
    stable_rng("gaps").shuffle(found)
    asked: dict[str, int] = {}
    for entry, index, quote, matches in found:
        made = 0
        for _, name in matches:
            if asked.get(name.label, 0) >= GAPS_PER_ANSWER or made >= GAPS_PER_PASSAGE:
                continue
            question = _gap_question(entry, index, quote, name, names)
            if question is not None:
                asked[name.label] = asked.get(name.label, 0) + 1
                made += 1
                yield question


def _gap_question(entry: Entry, index: int, quote: str, name: _Name,
                  names: Sequence[_Name]) -> Question | None:
    match = name.pattern.search(quote)
    assert match is not None
    before, after = quote[:match.start()], quote[match.end():]
    if before[-1:] in _QUOTE_MARKS and after[:1] in _QUOTE_MARKS:
        return None  # the gap would be a quotation of nothing
    gapped = before + GAP + after
    if reveals(gapped, name.label, names_of(name.entry)):
        return None
    pool: dict[str, str] = {}  # one label per entry: no two options name one thing
    for other in names:
        if other.kind == name.kind and other.entry.id not in pool \
                and other.entry.id != name.entry.id \
                and not reveals(gapped, other.label, [other.form]) \
                and not reveals(other.label, name.label, names_of(name.entry)) \
                and not reveals(name.label, other.label, names_of(other.entry)):
            pool[other.entry.id] = other.label
    variant = f"{index}:{slug(name.label)}"
    wrong = sample_titles(pool.values(), name.label, stable_rng("essay_gap", entry.id, variant))
    if len(wrong) < 2:
        return None
    return make("essay_gap", entry,
                f'Which words fill the gap in this passage of the essay?\n"{gapped}"',
                [name.label, *wrong], name.label, variant=variant, quote=quote)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def loose(form: str) -> re.Pattern[str]:
    """``form`` as a whole phrase, hyphens and spaces alike: "Five Year Plans" is
    "Five-Year Plans"."""
    body = r"[-\s]".join(re.escape(part) for part in re.split(r"[-\s]+", form))
    return re.compile(rf"(?<![\w-]){body}(?![\w-])", re.IGNORECASE)


def _vocabulary(kb: KnowledgeBase, historians: set[str]) -> list[_Name]:
    """Names a gap may stand for: people (by full name or surname), and terms and events
    whose title is a name ("Great Purge"), not a headline ("Tukhachevsky arrested")."""
    names: list[_Name] = []
    for entry in sorted(kb.entries.values(), key=lambda e: e.id):
        if isinstance(entry, PersonEntry) and entry.id not in historians:
            names.append(_Name(person_label(entry), person_label(entry), entry, "person"))
            names.append(_Name(surname(entry.title), surname(entry.title), entry, "surname"))
        elif isinstance(entry, TermEntry | EventEntry):
            label = re.sub(r"^The\s+", "", bare_title(entry.title))
            if _is_name(label):
                names.append(_Name(label, label, entry, "idea"))
            paren = re.search(r"\(([^)]*)\)\s*$", entry.title)
            if paren and paren.group(1).lower() in {a.lower() for a in entry.aliases}:
                names.append(_Name(paren.group(1), paren.group(1), entry, "idea"))
    return names


def _is_name(label: str) -> bool:
    """A name, not a headline: every word capitalised but short joining words."""
    return '"' not in label and all(w[:1].isupper() or w[:1].isdigit() or w in _JOINING
                                    for w in label.split())


def _corrected_passages(kb: KnowledgeBase) -> list[str]:
    """Essay passages an entry corrects or cannot confirm: never a gap's context."""
    passages = [collapse(q) for e in kb.entries.values() if e.note for q in e.quotes]
    passages += [collapse(c.essay) for e in kb.entries.values() for c in e.checks
                 if c.verdict != "right"]
    return passages


def _touches(quote: str, passages: Sequence[str], window: int = 40) -> bool:
    """Whether ``quote`` and a passage overlap: one inside the other, or a shared stretch."""
    for passage in passages:
        if passage in quote or quote in passage:
            return True
        if len(passage) > window and any(passage[i:i + window] in quote
                                         for i in range(0, len(passage) - window + 1, 10)):
            return True
    return False
