"""A question's answer buttons, shared by personal revision cards and channel questions.

Options too long for a button are spelled out in the text and the buttons carry letters, the
same way quiz questions read (``bot.quiz.render``).
"""

from __future__ import annotations

from bot.quiz.bank import LETTERS, MAX_LABEL, Question
from bot.replies import Choice


def answer_buttons(question: Question, action_prefix: str) -> tuple[list[str], tuple[Choice, ...]]:
    """(lines to add to the text, buttons with ids ``<action_prefix>:<option index>``)."""
    labels, _right = question.options()
    lettered = any(len(label) > MAX_LABEL for label in labels)
    lines = [f"{LETTERS[i]}) {label}" for i, label in enumerate(labels)] if lettered else []
    shown = list(LETTERS[: len(labels)]) if lettered else list(labels)
    return lines, tuple(Choice(label, f"{action_prefix}:{i}") for i, label in enumerate(shown))
