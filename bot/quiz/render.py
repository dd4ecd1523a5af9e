"""How quiz messages read: questions with buttons, countdowns, reveals and leaderboards.

Only text and buttons here; what is stored and when lives in ``group`` and ``solo``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.quiz.bank import LETTERS, MAX_LABEL
from bot.replies import Choice, Reply

MEDALS = ("🥇", "🥈", "🥉")


def option_labels(data: dict[str, Any]) -> list[str]:
    """The stored question's button texts (its ``options``, see :meth:`Question.options`)."""
    return list(data["options"])


def question_reply(data: dict[str, Any], position: int, total: int, prefix: str,
                   session_id: int, seconds_left: int | None = None, *,
                   private: bool = False, closed: bool = False) -> Reply:
    """A question with one button per option; action ids ``<prefix>:<session>:<q>:<option>``.

    Options too long for a button are listed in the text and the buttons carry letters.
    """
    labels = option_labels(data)
    lines = [data["prompt"]]
    lettered = any(len(label) > MAX_LABEL for label in labels)
    if lettered:
        lines += [f"{LETTERS[i]}) {label}" for i, label in enumerate(labels)]
        labels = list(LETTERS[: len(labels)])
    if seconds_left is not None and not closed:
        lines.append(f"⏱ {seconds_left} s left")
    if closed:
        lines.append("Closed.")
    choices = () if closed else tuple(
        Choice(label, f"{prefix}:{session_id}:{position}:{i}") for i, label in enumerate(labels))
    return Reply("\n".join(lines), choices=choices, private=private,
                 title=f"Question {position + 1} of {total}")


def share_lines(labels: Sequence[str], counts: Sequence[int], correct: int) -> list[str]:
    """One line per option: how many chose it, as a share of those who answered."""
    answered = sum(counts)
    lines = []
    for i, label in enumerate(labels):
        share = round(100 * counts[i] / answered) if answered else 0
        mark = "✅" if i == correct else "▫️"
        lines.append(f"{mark} {label}: {share}% ({counts[i]})")
    return lines


def standings_lines(rows: Sequence[tuple[str, int]], limit: int = 5) -> list[str]:
    """``1. Ana: 1850`` lines; medals for the first three."""
    lines = []
    for i, (name, score) in enumerate(rows[:limit]):
        rank = MEDALS[i] if i < len(MEDALS) else f"{i + 1}."
        lines.append(f"{rank} {name}: {score}")
    return lines


def reveal_reply(data: dict[str, Any], position: int, total: int, counts: Sequence[int],
                 correct: int, top: Sequence[tuple[str, int]]) -> Reply:
    labels = option_labels(data)
    answered = sum(counts)
    right = counts[correct] if answered else 0
    lines = [f"Answer: **{labels[correct]}**"]
    if data["type"] == "order":
        lines[0] += f" ({' → '.join(data['answer'])})"
    lines += share_lines(labels, counts, correct)
    lines.append(f"{right} of {answered} right." if answered else "Nobody answered this one.")
    lines += ["", data["explanation"]]
    if top:
        lines += ["", "Top five:", *standings_lines(top)]
    return Reply("\n".join(lines), title=f"Question {position + 1} of {total}: the answer")


def final_reply(session_id: int, asked: int, total: int, stopped: bool,
                board: Sequence[tuple[str, int, int, int]]) -> Reply:
    """The closing leaderboard: score, then right answers out of those answered."""
    head = f"Quiz #{session_id} is over"
    if stopped and asked < total:
        head += f" (stopped after {asked} of {total} questions)"
    lines = [head + "."]
    if not board:
        lines.append("Nobody answered, so there is no leaderboard this time. "
                     "The quiz is saved all the same.")
    for i, (name, score, right, answered) in enumerate(board[:10]):
        rank = MEDALS[i] if i < len(MEDALS) else f"{i + 1}."
        lines.append(f"{rank} {name}: {score} points ({right}/{answered} right)")
    lines.append(f"Teachers: `/report {session_id}` for accuracy per question and student.")
    return Reply("\n".join(lines), title="Final leaderboard")
