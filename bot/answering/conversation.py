"""Follow-up questions: "when did he die?", "why?", "who replaced him?" after a question
about Litvinov refer to Litvinov.

A conversation is one student in one channel (or thread) for a few minutes. A question that
leans on the last answer (a pronoun, or no topic of its own) is read with that answer's main
entry named in it; any other question starts afresh.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.answering.answer import Answer
from bot.answering.engine import AnswerEngine
from bot.answering.reading import Reading
from bot.answering.respond import answer
from bot.answering.scope import is_chat
from bot.answering.text import GENERIC, META, word_set
from bot.clock import Clock, SystemClock
from knowledge.models import Entry, PersonEntry

FOLLOW_UP_FOR = timedelta(minutes=10)
REMEMBERED = 10_000  # conversations kept at once; the oldest are forgotten first

PRONOUNS = word_set("he him his she her hers it its they them their theirs that this these "
                    "those there then")
_COMPARING = re.compile(r"\b(?:agree\w*|disagree\w*|compare\w*|differ\w*|same|similar\w*)\b")
_BRACKETS = re.compile(r"\s*\([^)]*\)")


def follow_up(engine: AnswerEngine, reading: Reading, last: Entry) -> str | None:
    """The question with ``last`` named in it, when it leans on it; else None."""
    words = reading.words.words
    topical = [w for w in reading.words.content
               if w not in GENERIC and w not in META and engine.knows(w)]
    if is_chat(words, topical):
        return None
    name = short_name(last)
    pronoun = next((i for i, w in enumerate(words) if w in PRONOUNS), None)
    if pronoun is not None and len(topical) <= 2:
        return " ".join([*words[:pronoun], name, *words[pronoun + 1:]])
    if _COMPARING.search(" ".join(words)) and len(engine.mentions(reading)) == 1:
        return f"{' '.join(words)} {name}"
    if not topical and reading.date is None:
        return f"{' '.join(words)} {name}"
    return None


def short_name(entry: Entry) -> str:
    """How a student would name the entry: "Litvinov", "Nazi-Soviet Pact"."""
    if isinstance(entry, PersonEntry):
        single = [a for a in entry.aliases if " " not in a.strip()]
        return single[0] if single else entry.title.split()[-1]
    return _BRACKETS.sub("", entry.title).strip('" ')


@dataclass
class _Turn:
    entry: Entry
    at: datetime


class Conversation:
    """One student's questions in one place, answered with follow-ups understood."""

    def __init__(self, engine: AnswerEngine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.last: _Turn | None = None

    def ask(self, question: str) -> Answer:
        now = self.clock.now()
        reading = self.engine.read(question)
        last = self.last.entry if self.last and now - self.last.at <= FOLLOW_UP_FOR else None
        rewritten = follow_up(self.engine, reading, last) if last is not None else None
        result = answer(self.engine, rewritten if rewritten else reading)
        if rewritten and self.last is not None:
            result = _as_asked(result, reading.text)
            self.last = _Turn(self.last.entry, now)  # still talking about the same thing
        elif result.answered and result.entries and result.kind in ("entry", "historian"):
            self.last = _Turn(_subject(result), now)
        else:  # a list, an overview, a refusal: nothing for "he" or "it" to mean
            self.last = None
        return result


def _subject(result: Answer) -> Entry:
    """What a follow-up's "he" or "it" refers to: a historian's answer is about the person."""
    if result.kind == "historian":
        return next((e for e in result.entries if isinstance(e, PersonEntry)), result.entries[0])
    return result.entries[0]


def _as_asked(result: Answer, question: str) -> Answer:
    from dataclasses import replace

    return replace(result, question=question)


class Conversations:
    """Every place's and student's conversation, the least recently used forgotten first."""

    def __init__(self, engine: AnswerEngine, clock: Clock | None = None,
                 limit: int = REMEMBERED) -> None:
        self.engine = engine
        self.clock = clock
        self.limit = limit
        self._open: OrderedDict[tuple[str, str], Conversation] = OrderedDict()

    def of(self, place: str, user: str) -> Conversation:
        key = (place, user)
        conversation = self._open.pop(key, None) or Conversation(self.engine, self.clock)
        self._open[key] = conversation
        while len(self._open) > self.limit:
            self._open.popitem(last=False)
        return conversation
