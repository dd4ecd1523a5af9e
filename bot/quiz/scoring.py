"""Kahoot-style points: everyone who is right scores, faster scores more, streaks add a bonus."""

from __future__ import annotations

MAX_POINTS = 1000
STREAK_STEP = 100
STREAK_CAP = 500


def points(correct: bool, elapsed: float, limit: float, streak_before: int) -> int:
    """Points for one answer: ``round((1 - t/T/2) * 1000)`` if right, plus the streak bonus.

    ``streak_before`` is how many right answers in a row the student had before this one; the
    bonus is +100 for each, capped at +500. A wrong answer scores nothing.
    """
    if not correct:
        return 0
    share = min(max(elapsed / limit, 0.0), 1.0) if limit > 0 else 0.0
    return round((1 - share / 2) * MAX_POINTS) + streak_bonus(streak_before)


def streak_bonus(streak_before: int) -> int:
    return min(STREAK_STEP * max(streak_before, 0), STREAK_CAP)
