"""Follow-up questions: "when did he die?", "why?", "who replaced him?" after a question
about Litvinov refer to Litvinov.

A conversation is one student in one channel (or thread) for a few minutes. A question that
leans on the last answer (a pronoun, or no topic of its own) is read with that answer's main
entry named in it; any other question starts afresh.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
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


@dataclass(frozen=True, slots=True)
class Turn:
    """An answer, and what a follow-up to it would be about (None: nothing)."""

    answer: Answer
    subject: Entry | None


def reply_to(engine: AnswerEngine, question: str, last: Entry | None) -> Turn:
    """Answer ``question`` said after a question about ``last`` (None: a fresh question).

    A follow-up keeps the subject ("when did he die?", then "who replaced him?"); a question
    of its own sets it to its answer's main entry; a list, an overview or a refusal leaves
    nothing for "he" or "it" to mean.
    """
    reading = engine.read(question)
    rewritten = follow_up(engine, reading, last) if last is not None else None
    if rewritten:
        return Turn(replace(answer(engine, rewritten), question=reading.text), last)
    result = answer(engine, reading)
    if result.answered and result.entries and result.kind in ("entry", "historian"):
        return Turn(result, _subject(result))
    return Turn(result, None)


def _subject(result: Answer) -> Entry:
    """What a follow-up's "he" or "it" refers to: a historian's answer is about the person."""
    if result.kind == "historian":
        return next((e for e in result.entries if isinstance(e, PersonEntry)), result.entries[0])
    return result.entries[0]


class Conversation:
    """One student's questions in one place, held in memory (``studybot ask --conversation``
    and tests; the bot keeps its conversations in the database)."""

    def __init__(self, engine: AnswerEngine, clock: Clock | None = None) -> None:
        self.engine = engine
        self.clock: Clock = clock or SystemClock()
        self.subject: Entry | None = None
        self.at: datetime | None = None

    def ask(self, question: str) -> Answer:
        now = self.clock.now()
        fresh = self.at is not None and now - self.at <= FOLLOW_UP_FOR
        turn = reply_to(self.engine, question, self.subject if fresh else None)
        self.subject, self.at = turn.subject, now
        return turn.answer
