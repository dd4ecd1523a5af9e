"""What every question maker shares: ids, explanations, names, and the giveaway check.

Every question explains itself with its entry's text, the essay's words (else the entry's
source) and any correction note, so a quiz never teaches what the knowledge base does not say.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from rapidfuzz import fuzz

from bot.answering.text import STOP_WORDS, stem, words
from bot.calendar.dates import PartialDate
from bot.quiz.question import Question, stable_rng
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import ArgumentEntry, Entry, PersonEntry

TRUE, FALSE = "True", "False"
_YEAR = re.compile(r"\b(1[5-9]\d\d|20\d\d)\b")
_PAREN = re.compile(r"\s*\(([^)]*)\)\s*$")
#: Endings that make one word of a family: "Trotskyism" gives away "Trotsky", "Republicans"
#: gives away "Republic".
_DERIVED = ("isation", "ization", "ism", "ist", "ite", "ian", "an")


# --- Explanations ---------------------------------------------------------------------------

def explain(entry: Entry, lead: str | None = None, quote: str | None = None) -> str:
    """The lead (else the entry's text), its evidence and any correction.

    The evidence is left out when the lead already quotes the same essay passage: a student
    never reads one quotation twice.
    """
    text = collapse(lead or entry.text)
    parts = [text]
    if not quotes_entry(text, entry):
        parts.append(evidence(entry, quote))
    if entry.note:
        parts.append(f"Note: {collapse(entry.note)}")
    return "\n".join(parts)


def evidence(entry: Entry, quote: str | None = None, *, source_first: bool = False) -> str:
    """Where the entry's claim comes from: the essay's words, else its source.

    ``source_first`` for a date: the source it was checked against, not the essay's words.
    """
    if entry.sources and (source_first or not (quote or entry.quotes)):
        return f"Source: {collapse(entry.sources[0])}"
    return f'The essay: "{collapse(quote or entry.quotes[0])}"'


def quotes_entry(text: str, entry: Entry, window: int = 60) -> bool:
    """Whether ``text`` already contains a stretch of ``window`` characters of a quote."""
    for quote in entry.quotes:
        quote = collapse(quote)
        if quote in text or any(quote[i:i + window] in text
                                for i in range(0, len(quote) - window + 1, 8)):
            return True
    return False


def make(qtype: str, entry: Entry, prompt: str, choices: Sequence[str], answer: str, *,
         variant: str = "", lead: str | None = None, quote: str | None = None,
         shuffle: bool = True) -> Question:
    """A question on one entry; its id is ``<type>:<entry id>[:<variant>]``."""
    qid = f"{qtype}:{entry.id}" + (f":{variant}" if variant else "")
    ordered = list(choices)
    if shuffle:
        stable_rng("choices", qid).shuffle(ordered)
    return Question(id=qid, type=qtype, prompt=prompt, choices=tuple(ordered), answer=answer,
                    explanation=explain(entry, lead, quote), entry_id=entry.id,
                    topic=topic_of(entry.tags), tags=tuple(entry.tags))


def topic_of(tags: Sequence[str]) -> str:
    return tags[0] if tags else "general"


def spoken(date: str) -> str:
    """"1939-08-23" -> "23 August 1939"; partial dates stay partial."""
    return PartialDate.parse(date).spoken()


# --- Names ----------------------------------------------------------------------------------

def bare_title(title: str) -> str:
    """"The Great Terror (Conquest)" -> "The Great Terror": no answer hidden in the prompt."""
    return _PAREN.sub("", title).strip()


def surname(title: str) -> str:
    return bare_title(title).split()[-1]


def person_label(person: PersonEntry) -> str:
    """The name an option shows: the title without a rank its role already states.

    "Admiral Reginald Drax" is "Reginald Drax" when the question says "British admiral".
    """
    return _label(person.title, person.role)


@lru_cache(maxsize=4096)
def _label(title: str, role: str) -> str:
    said = set(words(role))
    parts = bare_title(title).split()
    while len(parts) > 2 and words(parts[0]) and words(parts[0])[0] in said:
        parts = parts[1:]
    return " ".join(parts)


def names_of(entry: Entry) -> list[str]:
    """The entry's own names: its title, bare title, a person's surname and each alias that
    shares a word with the bare title (another name for it, not a description)."""
    role = entry.role if isinstance(entry, PersonEntry) else None
    return list(_names(entry.title, tuple(entry.aliases), role))


@lru_cache(maxsize=4096)
def _names(title: str, aliases: tuple[str, ...], role: str | None) -> tuple[str, ...]:
    bare = bare_title(title)
    own = {root(w) for w in words(bare)} - _stop_roots()
    names = [title, bare, *_forms(title, aliases)]
    if role is not None:
        names += [surname(title), _label(title, role)]
    names += [a for a in aliases if own & {root(w) for w in words(a)}]
    return tuple(dict.fromkeys(names))


@lru_cache(maxsize=1)
def _stop_roots() -> frozenset[str]:
    return frozenset(root(w) for w in STOP_WORDS)


def title_forms(entry: Entry) -> list[str]:
    """What a definition calls the entry: the title, the bare title, a parenthetical that is
    also an alias ("Comintern (Communist International)") and spelling variants of those
    (an alias as many words long, nearly the same letters: "collectivization")."""
    return list(_forms(entry.title, tuple(entry.aliases)))


@lru_cache(maxsize=4096)
def _forms(title: str, aliases: tuple[str, ...]) -> tuple[str, ...]:
    base = [title, bare_title(title)]
    paren = _PAREN.search(title)
    if paren and paren.group(1).lower() in {a.lower() for a in aliases}:
        base.append(paren.group(1))
    variants = [a for a in aliases
                if any(fuzz.ratio(_plain(a), _plain(f)) >= 85
                       and len(_plain(a).split()) == len(_plain(f).split()) for f in base)]
    return tuple(dict.fromkeys([*base, *variants]))


def _plain(name: str) -> str:
    """Lower case, without a leading article: "The civil war ..." is "civil war ..."."""
    return re.sub(r"^(?:the|a|an)\s+", "", name.lower())


@lru_cache(maxsize=65536)
def root(word: str) -> str:
    """A word's stem with derivational endings folded: "Trotskyist" -> "trotsky"."""
    word = stem(word)
    for ending in _DERIVED:
        if word.endswith(ending) and len(word) - len(ending) >= 5:
            return word[: -len(ending)]
    return word


def reveals(text: str, answer: str, names: Iterable[str] = ()) -> bool:
    """Whether ``text`` gives ``answer`` away: one of its content words, or one of its names.

    Words are compared by root ("Trotsky" gives away "Trotskyism", "plans" gives away
    "Five-Year Plans"); names as whole phrases ("Molotov-Ribbentrop Pact").
    """
    found = roots(text)
    if _content(answer) & frozenset(found):
        return True
    spaced = f" {' '.join(found)} "
    for name in names:
        phrase = roots(name)
        if len("".join(phrase)) >= 3 and f" {' '.join(phrase)} " in spaced:
            return True
    return False


@lru_cache(maxsize=65536)
def roots(text: str) -> tuple[str, ...]:
    """The roots of a text's words, in order."""
    return tuple(root(w) for w in words(text))


@lru_cache(maxsize=4096)
def _content(answer: str) -> frozenset[str]:
    return frozenset(root(w) for w in words(answer) if w not in STOP_WORDS and len(w) >= 3)


def sample_titles(pool: Iterable[str], answer: str, rng: random.Random,
                  count: int = 3) -> list[str]:
    """Up to ``count`` other labels, none equal to the answer or to each other."""
    labels = sorted({t for t in pool if t.lower() != answer.lower()})
    return rng.sample(labels, min(count, len(labels)))


def historian_ids(kb: KnowledgeBase) -> set[str]:
    """People who are historians: tagged or described so, or cited as arguing a claim.

    Authors of works are not all historians (a memoir's author is not), so they do not count.
    """
    ids = {e.id for e in kb.entries.values()
           if isinstance(e, PersonEntry) and ("historians" in e.tags or "historian" in e.tags
                                              or "historian" in e.role.lower())}
    ids |= {e.historian for e in kb.entries.values()
            if isinstance(e, ArgumentEntry) and e.historian}
    return {i for i in ids if isinstance(kb.entries.get(i), PersonEntry)}


# --- Years ----------------------------------------------------------------------------------

def true_years(start: int, end: int, note: str | None) -> set[int]:
    """Years that would be right, or arguably right (another source's year in the note)."""
    years = set(range(start, end + 1))
    years |= {int(y) for y in _YEAR.findall(note or "")}
    return years


def near_years(year: int, right: set[int], rng: random.Random, count: int = 3) -> list[int]:
    """Wrong years close to ``year``: the nearest few, picked at random."""
    candidates = sorted((y for y in range(year - 6, year + 7) if y not in right),
                        key=lambda y: (abs(y - year), y))
    return sorted(rng.sample(candidates[:6], count))
