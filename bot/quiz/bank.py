"""The question bank: quiz questions generated from the knowledge base, plus hand-written ones.

The questions themselves are made in :mod:`bot.quiz.makers`; the bank holds them by id and by
topic and picks a quiz's questions. Ids are deterministic (``<type>:<entry id>``; ordering
questions list their events), so the same knowledge base rebuilds the same bank in every
process and after a restart.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from bot.quiz.makers import generate
from bot.quiz.question import LETTERS, MAX_LABEL, Question, stable_rng
from knowledge.loader import KnowledgeBase

if TYPE_CHECKING:
    from bot.app import StudyBot

__all__ = ["LETTERS", "MAX_LABEL", "Question", "QuestionBank", "question_bank", "stable_rng"]


class QuestionBank:
    """All questions of a knowledge base, by id and by topic. Read-only once built."""

    def __init__(self, questions: Iterable[Question]) -> None:
        self.questions: dict[str, Question] = {}
        for question in questions:
            self.questions.setdefault(question.id, question)

    @classmethod
    def build(cls, kb: KnowledgeBase) -> QuestionBank:
        return cls(generate(kb))

    def __len__(self) -> int:
        return len(self.questions)

    def get(self, question_id: str) -> Question | None:
        return self.questions.get(question_id)

    def topics(self) -> list[str]:
        return sorted({t for q in self.questions.values() for t in q.tags})

    def match_topic(self, text: str) -> str | None:
        """The topic a typed word names ("Spain", "purge"), or None."""
        wanted = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
        topics = self.topics()
        for topic in topics:
            if topic == wanted or topic.rstrip("s") == wanted.rstrip("s"):
                return topic
        starts = [t for t in topics if t.startswith(wanted)] if len(wanted) >= 3 else []
        return starts[0] if len(starts) == 1 else None

    def pick(self, count: int, seed: object, topic: str | None = None,
             avoid: Iterable[str] = ()) -> list[Question]:
        """``count`` distinct questions, mixing types and entries; the same seed, the same list.

        Questions in ``avoid`` (asked before) come last, so a class rarely sees a repeat.
        """
        pool = sorted((q for q in self.questions.values() if topic is None or topic in q.tags),
                      key=lambda q: q.id)
        rng = stable_rng("pick", seed)
        rng.shuffle(pool)
        avoided = set(avoid)
        fresh = [q for q in pool if q.id not in avoided]
        stale = [q for q in pool if q.id in avoided]
        chosen = _interleave(fresh, count, rng)
        if len(chosen) < count:
            chosen += _interleave(stale, count - len(chosen), rng)
        return chosen


def _interleave(pool: list[Question], count: int, rng: random.Random) -> list[Question]:
    """Take questions type by type in turn, preferring entries not used yet."""
    by_type: dict[str, list[Question]] = {}
    for question in pool:
        by_type.setdefault(question.type, []).append(question)
    types = sorted(by_type)
    rng.shuffle(types)
    chosen: list[Question] = []
    used_entries: set[str] = set()
    for allow_repeat in (False, True):
        progress = True
        while len(chosen) < count and progress:
            progress = False
            for kind in types:
                bucket = by_type[kind]
                pick = next((q for q in bucket if allow_repeat or q.entry_id not in used_entries),
                            None)
                if pick is None or len(chosen) >= count:
                    continue
                bucket.remove(pick)
                chosen.append(pick)
                used_entries.add(pick.entry_id)
                progress = True
    return chosen


def question_bank(bot: StudyBot) -> QuestionBank:
    """The bot's service factory: ``bot.service(question_bank)`` builds the bank once."""
    return QuestionBank.build(bot.kb)
