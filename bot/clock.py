"""Time as a dependency, so quiz timers and schedules run in tests without sleeping."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock:
    """A clock that only moves when told to: ``advance`` walks quizzes and days forward."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs an aware datetime")

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float = 0, **kwargs: float) -> datetime:
        self._now += timedelta(seconds=seconds, **kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when


#: How far past a whole second a tick falls: enough that a due time on the second has passed.
TICK_OFFSET = 0.005


def until_next_tick(every: float, now: float | None = None) -> float:
    """Seconds to sleep so that ticks ``every`` seconds apart fall just after whole multiples
    of ``every`` (wall-clock). Schedules are due on whole minutes, so aligned ticks fire them
    within milliseconds of their time instead of up to ``every`` late."""
    now = time.time() if now is None else now
    if every <= 0:
        return 0.0
    return every - (now - TICK_OFFSET) % every
