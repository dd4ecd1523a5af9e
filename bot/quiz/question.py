"""One quiz question, as the bank builds it and a quiz stores it.

Its own module so the bank and the question makers (``bot.quiz.makers``) share it without
importing each other.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from itertools import permutations
from typing import Any

LETTERS = "ABCDE"
#: Buttons longer than this become letters, with the choices spelled out in the prompt.
MAX_LABEL = 70


def stable_rng(*parts: object) -> random.Random:
    """A generator seeded from text: the same parts give the same sequence in every process."""
    return random.Random(":".join(str(p) for p in parts))


@dataclass(frozen=True, slots=True)
class Question:
    """One quiz question. ``answer`` is one of ``choices``; for ``order`` the choices in order."""

    id: str
    type: str
    prompt: str
    choices: tuple[str, ...]
    answer: str | tuple[str, ...]
    explanation: str
    entry_id: str
    topic: str
    tags: tuple[str, ...] = field(default=())

    def options(self) -> tuple[tuple[str, ...], int]:
        """What the buttons offer, and the index of the right one.

        An ordering question is answered by choosing one of four orderings of the lettered
        events (buttons work the same on Discord, Slack and the terminal).
        """
        if self.type != "order":
            return self.choices, self.choices.index(str(self.answer))
        letter = {c: LETTERS[i] for i, c in enumerate(self.choices)}
        right = tuple(letter[c] for c in self.answer)
        others = [p for p in permutations(right) if p != right]
        rng = stable_rng("options", self.id)
        picked = [right, *rng.sample(others, min(3, len(others)))]
        rng.shuffle(picked)
        return tuple(" → ".join(p) for p in picked), picked.index(right)

    def choice_text(self, index: int) -> str:
        """The option at ``index`` as a student would read it."""
        labels, _ = self.options()
        return labels[index] if 0 <= index < len(labels) else "?"

    @property
    def answer_text(self) -> str:
        if isinstance(self.answer, tuple):
            return " → ".join(self.answer)
        return self.answer

    def to_json(self) -> dict[str, Any]:
        """The export form: id, type, prompt, choices, answer, explanation, entry_id, topic."""
        return {"id": self.id, "type": self.type, "prompt": self.prompt,
                "choices": list(self.choices),
                "answer": list(self.answer) if isinstance(self.answer, tuple) else self.answer,
                "explanation": self.explanation, "entry_id": self.entry_id, "topic": self.topic,
                "tags": list(self.tags)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Question:
        answer = data["answer"]
        return cls(id=data["id"], type=data["type"], prompt=data["prompt"],
                   choices=tuple(data["choices"]),
                   answer=tuple(answer) if isinstance(answer, list) else answer,
                   explanation=data["explanation"], entry_id=data["entry_id"],
                   topic=data["topic"], tags=tuple(data.get("tags", ())))
