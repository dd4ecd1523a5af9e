"""What an English word is like: how common (wordfreq) and what it can be (lemminflect).

A question's words that the packs never use are judged by these: a very common word
("hate", "people") says little about the topic, and a word that names a thing (a proper
name, a noun and nothing else: "mexico", "cocktail") says the question is about something
else, where a verb or an adjective ("deliberately", "weaken") only describes. Both
libraries carry their data and are loaded on first use (about 0.2 s), so a question whose
words the packs all know never pays for them.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

#: Zipf frequency (log10 of uses per billion words): 7 is "the", 3 is rare.
COMMON, RARE = 5.5, 3.0


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    return get_frequency_dict("en", wordlist="small")


def zipf(word: str) -> float:
    """The word's Zipf frequency in English, 0 for a word wordfreq does not list."""
    frequency = _frequencies().get(word)
    return math.log10(frequency) + 9 if frequency else 0.0


def topicality(word: str) -> float:
    """From 0 (as common as "people") to 1 (rare or unknown): how much a word names a topic."""
    return min(1.0, max(0.0, (COMMON - zipf(word)) / (COMMON - RARE)))


@lru_cache(maxsize=1)
def _lemmas() -> Callable[[str], dict[str, tuple[str, ...]]]:
    from lemminflect import getAllLemmas

    return getAllLemmas  # type: ignore[no-any-return]


@lru_cache(maxsize=20_000)
def names_a_thing(word: str) -> bool:
    """Whether a word names something rather than describing or doing: a proper name (no
    dictionary entry: "mexico", "putin") or a noun that is never a verb or an adverb
    ("cocktail", "theorem", "capital"). Verbs, adjectives and adverbs ("deliberately",
    "weaken", "genuine") describe what the question asks about; very common nouns ("man",
    "day") name nothing in particular.
    """
    if zipf(word) >= COMMON:
        return False
    readings = set(_lemmas()(word))
    return not readings or ("NOUN" in readings and readings <= {"NOUN", "PROPN", "ADJ"})
