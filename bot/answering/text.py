"""Turning any text (a student's question, an entry's title) into comparable search terms.

Questions and entries go through the same folding, tokenising and stemming, so "Stalin's",
"stalins" and "STALIN" meet, and "collectivization" meets "collectivisation".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

#: Questions are cut to this many characters before any matching work: a pasted essay
#: costs no more than a sentence.
MAX_QUESTION = 300

_MARKUP = re.compile(r"<[^>\n]{0,200}>|&[a-z]{2,8};|[*_~`|>#\[\](){}]")
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE_S = re.compile(r"(\w)['’]s\b")
_SPELLING = (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("ize", "ise"))

def word_set(text: str) -> frozenset[str]:
    """A set of words written as one block of text (long word lists stay readable)."""
    return frozenset(text.split())


#: Words that carry no topic: ignored for matching (some still hint at the kind of entry).
STOP_WORDS = word_set("""
a about above after again against all am an and any are aren as at be because been before
being below between both but by can could did didn do does doesn doing don down during each
explain explained few for from further had has have having he her here hers herself him
himself his how i if in into is isn it its itself just know let like me mean means meant
more most much my myself no nor not now of off on once only or other our ours out over own
please same she should so some such tell than that the their theirs them themselves then
there these they this those through to too under until up us very was wasn we were weren
what whats when where which while who whom whose why will with would you your yours yourself
define definition describe happen happened happens info information give talk summary
summarise summarize say said says did does role significance significant important
thing things stuff anything something someone somebody quick quickly briefly brief
ok okay hi hello hey thanks thank pls plz bot
""")

#: Question words and the kind of entry they ask for: a hint that breaks near ties.
KIND_HINTS: dict[str, str] = {
    "who": "person", "whom": "person", "whose": "person",
    "when": "event", "date": "event", "year": "event", "happened": "event", "happen": "event",
    "why": "argument", "argue": "argument", "argues": "argument", "argued": "argument",
    "argument": "argument", "arguments": "argument", "extent": "argument",
    "consistent": "argument", "inconsistent": "argument", "view": "argument",
    "define": "term", "definition": "term", "meaning": "term", "mean": "term", "means": "term",
    "term": "term",
    "book": "work", "wrote": "work", "written": "work", "write": "work",
    "many": "fact", "much": "fact", "figures": "fact", "number": "fact", "percent": "fact",
}


def clean(raw: str) -> str:
    """The question as safe, readable text: no control characters or markup, sane length."""
    text = unicodedata.normalize("NFKC", raw[: MAX_QUESTION * 4])
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    text = _MARKUP.sub(" ", text)
    return " ".join(text.split())[:MAX_QUESTION].strip()


def fold(text: str) -> str:
    """Lower case, accents and apostrophes folded, so spelling variants compare equal."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _APOSTROPHE_S.sub(r"\1", text).replace("'", "").replace("’", "")


def stem(word: str) -> str:
    """A light stemmer: plurals and -ed/-ing/-e endings, British spelling of -ize."""
    if word.isdigit() or len(word) <= 3:
        return word
    for american, british in _SPELLING:
        if word.endswith(american):
            word = word[: -len(american)] + british
            break
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith(("sses", "xes", "ches", "shes")):
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 4:
        word = word[:-1]
    if word.endswith("ing") and len(word) > 5:
        word = word[:-3]
    elif word.endswith("ed") and len(word) > 4:
        word = word[:-2]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def words(text: str) -> list[str]:
    """Folded words in order, stop words included (question words are hints)."""
    return _WORD.findall(fold(text))


def terms(text: str) -> list[str]:
    """The stemmed content words of a text: what the index stores and queries match."""
    return [stem(w) for w in words(text) if w not in STOP_WORDS]


@dataclass(frozen=True, slots=True)
class QueryWords:
    """A question split into content words to match and the kinds its wording hints at."""

    content: list[str]
    hints: frozenset[str]


def read_question(text: str) -> QueryWords:
    raw = words(text)
    hints = {KIND_HINTS[w] for w in raw if w in KIND_HINTS}
    if "how" in raw and ("many" in raw or "much" in raw):
        hints.add("fact")
    if raw[:2] in (["what", "is"], ["what", "was"], ["what", "were"], ["what", "are"]):
        hints.add("term")
    return QueryWords([w for w in raw if w not in STOP_WORDS], frozenset(hints))
