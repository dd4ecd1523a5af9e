"""Starting real bot processes from tests and benchmarks: ``studybot run`` and the core worker
(:mod:`tests.fakes.core_worker`), with free ports and clean stops."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import Mapping
from typing import Any

from tests.adapters.process import ROOT, free_port

__all__ = ["ROOT", "BotProcess", "Worker", "clean_env", "free_port"]



def clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    """This environment without any platform or database settings, plus ``extra``."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLACK_", "DISCORD_")) and k != "DATABASE_URL"}
    return env | dict(extra)


class BotProcess:
    """``studybot run`` in its own process, its output kept for when a test fails."""

    def __init__(self, env: Mapping[str, str], *args: str) -> None:
        self.env = dict(env)
        self.args = args
        self.output: list[str] = []
        self.process: asyncio.subprocess.Process | None = None
        self._drainer: asyncio.Task[None] | None = None

    async def start(self, ready: str, timeout: float = 60) -> BotProcess:
        """Start, and return once a line of output contains ``ready``."""
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", *self.args, cwd=ROOT, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        await asyncio.wait_for(self._read_until(ready), timeout)
        return self

    async def _read_until(self, ready: str) -> None:
        assert self.process is not None and self.process.stdout is not None
        while not any(ready in line for line in self.output):
            line = await self.process.stdout.readline()
            assert line, "the bot exited:\n" + "".join(self.output)
            self.output.append(line.decode(errors="replace"))
        self._drainer = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        assert self.process is not None and self.process.stdout is not None
        while line := await self.process.stdout.readline():
            self.output.append(line.decode(errors="replace"))

    async def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then the exit status."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        return await asyncio.wait_for(self.process.wait(), timeout)

    def kill(self) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()


class Worker:
    """A :mod:`tests.fakes.core_worker` process driven line by line (fake clock)."""

    def __init__(self, database_url: str, post_ms: float = 0.0) -> None:
        self.database_url = database_url
        self.post_ms = post_ms
        self.process: asyncio.subprocess.Process | None = None

    async def start(self, timeout: float = 60) -> Worker:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "tests.fakes.core_worker", "--database-url",
            self.database_url, "--post-ms", str(self.post_ms), cwd=ROOT, env=clean_env({}),
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 24)
        ready = await asyncio.wait_for(self._line(), timeout)
        assert ready.get("ready"), ready
        return self

    async def _line(self) -> dict[str, Any]:
        assert self.process is not None and self.process.stdout is not None
        line = await self.process.stdout.readline()
        assert line, "the worker exited"
        answer: dict[str, Any] = json.loads(line)
        return answer

    async def send(self, **order: Any) -> dict[str, Any]:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write((json.dumps(order) + "\n").encode())
        await self.process.stdin.drain()
        return await asyncio.wait_for(self._line(), 600)

    async def stop(self) -> int:
        assert self.process is not None and self.process.stdin is not None
        self.process.stdin.write(b'{"op": "quit"}\n')
        await self.process.stdin.drain()
        return await asyncio.wait_for(self.process.wait(), 30)
