"""Abuse limits: how fast one person may ask, and bounded memory for everything kept per user.

A student pasting a question fifty times a second, or a script pressing buttons, must not slow
the bot for the class. Each user has a token bucket per kind of request; an empty bucket gets
a short "slow down" saying when to try again. The limits are per process (a second process
gives a determined abuser twice the rate, which is still harmless). Teachers are not limited.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:
    from bot.app import StudyBot

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

#: Users remembered by each per-user table; the least recently seen are dropped first.
MAX_USERS = 50_000


class Bounded(OrderedDict[K, V], Generic[K, V]):
    """A dict that forgets its least recently written keys beyond ``limit``: a per-user cache
    that cannot grow with the number of people who ever wrote to the bot."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: K, value: V) -> None:
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Rate:
    """``burst`` requests at once, then one every ``every`` seconds."""

    burst: int
    every: float


#: Questions and commands: a burst of 15, then one every 3 s (20 a minute) for as long as you
#: like. Presses: a class quiz needs one a question; 20 at once, then 2 a second. Teachers,
#: who run the class and answer for it, are not limited.
RATES = {"command": Rate(burst=15, every=3.0), "press": Rate(burst=20, every=0.5)}


@dataclass(slots=True)
class _Bucket:
    tokens: float
    at: datetime


class RateLimits:
    """Per bot (``bot.service(RateLimits)``): token buckets per user and kind of request."""

    def __init__(self, bot: StudyBot) -> None:
        self.clock = bot.clock
        self._buckets: Bounded[tuple[str, str, str], _Bucket] = Bounded(MAX_USERS * 2)

    def wait(self, kind: str, tenant_key: str, user_id: str) -> float:
        """0 if the request may go ahead (and count it), else the seconds until it may."""
        rate = RATES[kind]
        now = self.clock.now()
        key = (kind, tenant_key, user_id)
        bucket = self._buckets.get(key) or _Bucket(float(rate.burst), now)
        self._buckets[key] = bucket  # written: the last to be forgotten
        elapsed = max((now - bucket.at).total_seconds(), 0.0)
        bucket.tokens = min(float(rate.burst), bucket.tokens + elapsed / rate.every)
        bucket.at = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) * rate.every


def slow_down(seconds: float) -> str:
    """The reply to a request over the limit: what happened and when to try again."""
    wait = max(1, math.ceil(seconds))
    return (f"Slow down a little: that's a lot of requests in a short time. "
            f"Try again in {wait} second{'s' if wait != 1 else ''}.")
