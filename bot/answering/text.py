"""Turning any text (a student's question, an entry's title) into comparable search terms.

Questions and entries go through the same folding, tokenising and stemming, so "Stalin's",
"stalins" and "STALIN" meet, and "collectivization" meets "collectivisation".
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Questions are cut to this many characters before any matching work: a pasted essay
#: costs no more than a sentence.
MAX_QUESTION = 300

_MARKUP = re.compile(r"<[^>\n]{0,200}>|&[a-z]{2,8};|[*_~`|>#\[\](){}]")
_WORD = re.compile(r"[a-z0-9]+")
_APOSTROPHE_S = re.compile(r"(\w)['’]s\b")
_SPELLING = (("ization", "isation"), ("izing", "ising"), ("ized", "ised"), ("ize", "ise"))
#: "Franco-Soviet", "Anglo-French": a compound's first half names a country.
_COMBINING = {"anglo": "britain", "franco": "france", "russo": "russia", "sino": "china",
              "italo": "italy", "germano": "germany"}
_COMBINING_FORM = re.compile(r"\b(" + "|".join(_COMBINING) + r")-(?=[a-z])")
#: A nation's adjective and its name are one search term: "German" finds "Germany".
DEMONYMS = {"russian": "russia", "german": "germany", "spanish": "spain", "french": "france",
            "british": "britain", "english": "england", "american": "america", "polish": "poland",
            "finnish": "finland", "italian": "italy", "czechoslovak": "czechoslovakia",
            "czech": "czechoslovakia", "japanese": "japan", "chinese": "china", "uk": "britain",
            "usa": "america", "catalan": "catalonia", "moroccan": "morocco"}
#: Irregular verbs, so "built" meets "build" and "fought" meets "fight".
IRREGULAR = {"built": "build", "began": "begin", "begun": "begin", "fought": "fight",
             "led": "lead", "took": "take", "taken": "take", "won": "win", "wrote": "write",
             "written": "write", "made": "make", "brought": "bring", "gave": "give",
             "given": "give", "fell": "fall", "fallen": "fall", "met": "meet", "sent": "send",
             "shot": "shoot", "sought": "seek", "thought": "think", "threw": "throw",
             "thrown": "throw", "came": "come", "went": "go", "gone": "go", "saw": "see",
             "seen": "see", "became": "become", "broke": "break", "broken": "break",
             "chose": "choose", "chosen": "choose", "drove": "drive", "held": "hold",
             "kept": "keep", "left": "leave", "lost": "lose", "paid": "pay", "sold": "sell",
             "told": "tell", "understood": "understand", "spoke": "speak", "spoken": "speak"}

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
ok okay hi hello hey thanks thank pls plz bot date dates year years
""")

#: Question words and the kind of entry they ask for: a hint that breaks near ties.
KIND_HINTS: dict[str, str] = {
    "who": "person", "whom": "person", "whose": "person",
    "when": "event", "date": "event", "year": "event", "happened": "event", "happen": "event",
    "why": "argument", "argue": "argument", "argues": "argument", "argued": "argument",
    "argument": "argument", "arguments": "argument", "extent": "argument",
    "consistent": "argument", "inconsistent": "argument", "view": "argument",
    "say": "argument", "said": "argument", "says": "argument", "think": "argument",
    "thinks": "argument", "claim": "argument", "claims": "argument",
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
    text = text.lower()
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _COMBINING_FORM.sub(lambda m: _COMBINING[m.group(1)] + " ", text)
    return _APOSTROPHE_S.sub(r"\1", text).replace("'", "").replace("’", "")


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A light stemmer: plurals and -ed/-ing/-e endings, British spelling of -ize.

    Cached: an index repeats the same words, and sharing one string per term keeps it small.
    """
    word = DEMONYMS.get(word, word)
    word = IRREGULAR.get(word, word)
    if word.isdigit() or len(word) <= 3:
        return word
    for american, british in _SPELLING:
        if word.endswith(american):
            word = word[: -len(american)] + british
            break
    for noun, verb in (("usion", "ud"), ("asion", "ad"), ("ision", "id")):
        if word.endswith(noun) and len(word) > 6:
            return word[: -len(noun)] + verb  # "conclusion" meets "conclude"
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


#: Phrasings that mean one word the entries use: "who took over from Litvinov".
PHRASES = ((re.compile(r"\b(?:took|take|takes|taken|taking) over\b"), "replaced"),
           (re.compile(r"\b(?:kicked|thrown|threw|throw|kick) out\b"), "expelled"),
           (re.compile(r"\b(?:broke|break|breaks) out\b"), "began"),
           (re.compile(r"\bworld war (?:two|2|ii)\b"), "second world war"),
           (re.compile(r"\bsoviet (?:union|russia)\b"), "ussr"),
           (re.compile(r"\b(?:the )?united states(?: of america)?\b|\bu\.?s\.?a?\.? "), "america "),
           (re.compile(r"\bww ?(?:2|ii)\b"), "second world war"))


def read_question(text: str) -> QueryWords:
    folded = fold(text)
    for pattern, meaning in PHRASES:
        folded = pattern.sub(meaning, folded)
    raw = _WORD.findall(folded)
    hints = {KIND_HINTS[w] for w in raw if w in KIND_HINTS}
    if "how" in raw and ("many" in raw or "much" in raw):
        hints.add("fact")
    if raw[:2] in (["what", "is"], ["what", "was"], ["what", "were"], ["what", "are"]):
        hints.add("term")
    if raw[:1] in (["did"], ["was"], ["were"], ["is"], ["does"], ["could"], ["had"]):
        hints.add("fact")  # a yes/no question checks a claim
    return QueryWords([w for w in raw if w not in STOP_WORDS], frozenset(hints))
