"""Stopping gracefully: on SIGTERM take no new work, let the work under way finish (or hand it
to the database), then close the connections. Another process, or this one restarted,
carries on from what is stored."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable, Iterator

log = logging.getLogger(__name__)

#: Seconds a stopping process waits for the work under way before cancelling it.
SHUTDOWN_GRACE = 10.0


def stop_on_signals(stop: Callable[[], None]) -> None:
    """SIGTERM (a service manager, ``docker stop``) and SIGINT (Ctrl-C) both call ``stop``."""
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):  # no signal handlers on Windows
            loop.add_signal_handler(signum, stop)


class InFlight:
    """The tasks handling someone's request right now, so shutdown can wait for them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[object]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        task = asyncio.current_task()
        if task is None:
            yield
            return
        self._tasks.add(task)
        try:
            yield
        finally:
            self._tasks.discard(task)

    async def wait(self, grace: float = SHUTDOWN_GRACE) -> None:
        """Wait up to ``grace`` seconds for the tracked work; cancel what is still running."""
        pending = {t for t in self._tasks if not t.done() and t is not asyncio.current_task()}
        if not pending:
            return
        _, late = await asyncio.wait(pending, timeout=grace)
        for task in late:
            log.warning("still busy after %.0f s at shutdown, cancelling: %s", grace,
                        task.get_name())
            task.cancel()
