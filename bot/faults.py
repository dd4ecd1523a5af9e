"""Faults the bot lives through: an unreachable database, a ticker that keeps failing.

While the database is down the bot keeps answering what needs no storage (questions from the
knowledge base), tells people to try again in a moment for the rest, and logs one line per
fault and minute instead of a traceback per request or per tick.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

if TYPE_CHECKING:
    from bot.app import StudyBot

log = logging.getLogger("bot.faults")

TRY_AGAIN = ("I can't reach my storage just now, so I couldn't do that. Nothing was lost; "
             "please try again in a moment.")
#: How often one fault is logged while it lasts.
EVERY = timedelta(minutes=1)
#: Faults remembered at once (where x kind): far more than the bot's code has places.
MAX_FAULTS = 200


def storage_unreachable(exc: BaseException) -> bool:
    """Whether ``exc`` means the database cannot be reached (rather than a bug): down, or so
    busy that no connection came free in time."""
    if isinstance(exc, OSError | TimeoutError | PoolTimeout | OperationalError | InterfaceError):
        return True
    return isinstance(exc, DBAPIError) and bool(exc.connection_invalidated)


def describe(exc: BaseException) -> str:
    """One line: the exception's kind and the first line of its message, short."""
    cause = getattr(exc, "orig", None) or exc
    text = str(cause).strip().splitlines()[0][:160] if str(cause).strip() else ""
    return f"{type(cause).__name__}: {text}" if text else type(cause).__name__


@dataclass(slots=True)
class _Fault:
    logged_at: datetime
    since_logged: int = 0
    total: int = 1


class FaultLog:
    """Per bot (``bot.service(FaultLog)``): rate-limited logging of repeated failures.

    A fault is a place (``"ticker quiz_timer"``) and a kind (the exception's class). The first
    occurrence is logged, a bug's with its traceback once; repeats are counted and summed up
    in one line a minute; the first success afterwards says the place works again.
    """

    def __init__(self, bot: StudyBot) -> None:
        self.clock = bot.clock
        self._faults: OrderedDict[tuple[str, str], _Fault] = OrderedDict()

    def report(self, where: str, exc: BaseException) -> None:
        """``where`` failed with ``exc``: an outage is one line, a bug's traceback is logged
        the first time only."""
        outage = storage_unreachable(exc)
        what = "database unreachable" if outage else "failed"
        self._count(where, type(exc).__name__, f"{what} ({describe(exc)})", logging.ERROR,
                    None if outage else exc)

    def refuse(self, where: str, reason: str) -> None:
        """A request turned away (malformed, unsigned, too fast): worth a line, not a flood,
        since anyone can send them."""
        self._count(where, reason, reason, logging.WARNING, None)

    def _count(self, where: str, kind: str, text: str, level: int,
               exc: BaseException | None) -> None:
        now = self.clock.now()
        key = (where, kind)
        fault = self._faults.get(key)
        if fault is None:
            self._faults[key] = _Fault(now)
            while len(self._faults) > MAX_FAULTS:
                self._faults.popitem(last=False)
            log.log(level, "%s: %s", where, text, exc_info=exc)
            return
        fault.total += 1
        fault.since_logged += 1
        if now - fault.logged_at >= EVERY:
            log.log(level, "%s: still %s; %d times in the last %d s", where, text,
                    fault.since_logged, (now - fault.logged_at).seconds)
            fault.logged_at, fault.since_logged = now, 0

    def recovered(self, where: str) -> None:
        """``where`` worked: forget its faults, saying so once if it had any."""
        gone = [key for key in self._faults if key[0] == where]
        for key in gone:
            fault = self._faults.pop(key)
            log.warning("%s: working again after %d failure(s)", where, fault.total)
