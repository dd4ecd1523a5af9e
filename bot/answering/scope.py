"""Is a question about the essay at all? A judgement separate from which entry matches best.

One retrieval score cannot both answer in-scope questions and refuse off-topic ones: a
question about Stalin after 1945 matches the Stalin entry perfectly. So scope is judged on
its own evidence:

- **chat**: greetings, thanks and questions about the bot itself get a friendly word on
  what the bot covers, never an entry;
- **period**: a year the packs' story never reaches ("in 1953", "after 1945", "before 1917");
- **foreign words**: a word the packs never use (nor a near spelling of one) that names a
  thing: a proper name ("mexico") or a noun and nothing else ("cocktail"), not a generic
  word of asking ("assess", "thesis"). Verbs and adjectives ("deliberately", "weaken") only
  describe, so they weigh against the match but do not refuse it;
- **nothing known**: not one word the packs use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.answering.dates import QueryDate
from bot.answering.engine import AnswerEngine, Search
from bot.answering.english import names_a_thing
from bot.answering.intent import Intent, topical_words
from bot.answering.reading import Reading
from bot.answering.text import META, STOP_WORDS, word_set
from knowledge.models import WorkEntry

Reason = Literal["", "chat", "period", "foreign", "nothing"]

#: Greetings, thanks and talk to or about the bot: the words that make a question chit-chat.
CHAT_WORDS = word_set("""
hi hello hey hiya heya howdy sup morning evening afternoon gm gn thanks thank cheers ta bye
goodbye cya ttyl you your yourself youre yours bot robot ai chatbot chatgpt gpt alive human
sentient joke jokes riddle poem song sing dance bored
""")
#: Things one asks a person, not an essay: "can you speak french", "translate hello".
CHAT_VERBS = word_set("""
speak sing dance play cook code translate feel love eat sleep dream marry hate smell taste
swim drive joke rap draw paint
""")
_UTILITY = re.compile(r"\bwhat (?:time|day) is it\b|\bwhat(?: is|s) the (?:time|date|weather)\b|"
                      r"\bweather\b|\btoday'?s date\b")
#: Words that may join them without making the question about anything ("are you a bot").
CHAT_FILLER = word_set("""
good great cool nice awesome amazing lovely perfect brilliant welcome sorry night day there
name called real smart stupid dumb clever funny favourite favorite colour color food love
hate like age old made make created create built build doing going feel feeling story play
game fun boring can do does help cant work working think mean me my i im we us tell say
""")


@dataclass(frozen=True, slots=True)
class Scope:
    inside: bool
    reason: Reason = ""
    foreign: tuple[str, ...] = ()


INSIDE = Scope(True)
WHOLE_ESSAY = ("overview", "side", "historians")


def judge(reading: Reading, found: Search, engine: AnswerEngine, intent: Intent) -> Scope:
    words = reading.words.words
    known = [w for w in topical_words(reading, engine) if engine.knows(w)]
    if is_chat(words, known):
        return Scope(False, "chat")
    asked = intent.date or reading.date
    if asked is not None and not _covered(asked, engine):
        return Scope(False, "period")
    foreign = tuple(w for w in found.unknown
                    if not w.isdigit() and w not in META and names_a_thing(w))
    if foreign:
        return Scope(False, "foreign", foreign)
    if intent.kind in WHOLE_ESSAY:
        return INSIDE  # in the essay question's own words: about the essay, known or not
    core = [t for t in found.terms if t in engine.core]
    if not known and not core and asked is None:
        return Scope(False, "nothing")
    return INSIDE


def is_chat(words: list[str], known: list[str]) -> bool:
    """Chit-chat: talk to or about the bot, greetings, thanks, and no topic of the essay."""
    if _UTILITY.search(" ".join(words)) or (
            {"you", "your"} & set(words) and CHAT_VERBS.intersection(words)) or (
            CHAT_VERBS.intersection(words[:1])):
        return True
    if not any(w in CHAT_WORDS for w in words):
        return False
    return not known or all(w in CHAT_WORDS or w in CHAT_FILLER or w in STOP_WORDS
                            for w in words)


def _covered(asked: QueryDate, engine: AnswerEngine) -> bool:
    """Whether the asked date or span meets the packs' story (from its first event to its
    last), or is the year of a work they discuss ("The Great Terror", 1968)."""
    if asked.year is None and asked.until is None:
        return True  # "23 august": some year
    low, high = asked.bounds
    first, last = engine.story
    if first <= high and low <= last:
        return True
    return asked.until is None and any(
        isinstance(e, WorkEntry) and e.year == asked.year for e in engine.by_id.values())
