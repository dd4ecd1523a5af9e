"""A real pseudo-terminal for driving ``studybot`` as a person at a keyboard would.

The child gets the terminal as its controlling terminal, so Ctrl-C typed into it raises
SIGINT the way a shell's does. The test keeps its own handle on the terminal's far side, so
the terminal's settings (echo, line editing) can be read after the child has gone.
"""

from __future__ import annotations

import fcntl
import os
import select
import subprocess
import sys
import termios
import time
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CTRL_C, CTRL_D = "\x03", "\x04"


class Terminal:
    def __init__(self, args: list[str], env: Mapping[str, str]) -> None:
        self.master, self.slave = os.openpty()
        self.initial = termios.tcgetattr(self.slave)
        self.output = b""
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", *args], cwd=ROOT, env=dict(env),
            stdin=self.slave, stdout=self.slave, stderr=self.slave,
            preexec_fn=_take_terminal)

    def expect(self, text: str, timeout: float = 60.0) -> str:
        """Read until ``text`` appears; return everything read up to and including it."""
        wanted = text.encode()
        deadline = time.monotonic() + timeout
        while wanted not in self.output:
            left = deadline - time.monotonic()
            if left <= 0 or not self._read(left):
                raise AssertionError(f"{text!r} never came; the screen ended with "
                                     f"{self.output[-800:].decode(errors='replace')!r}")
        end = self.output.index(wanted) + len(wanted)
        seen, self.output = self.output[:end], self.output[end:]
        return seen.decode(errors="replace")

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self, timeout: float = 30.0) -> int:
        """The exit status, once the child has gone (its last output read first)."""
        code = self.process.wait(timeout)
        while self._read(0.05):
            pass
        return code

    def echo_and_editing(self) -> tuple[bool, bool]:
        """Whether the terminal shows what is typed, and gives it line by line."""
        lflag = termios.tcgetattr(self.slave)[3]
        return bool(lflag & termios.ECHO), bool(lflag & termios.ICANON)

    def settings_as_found(self) -> bool:
        return termios.tcgetattr(self.slave) == self.initial

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)
        os.close(self.master)
        os.close(self.slave)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.master], [], [], timeout)
        if not ready:
            return False
        try:
            chunk = os.read(self.master, 65536)
        except OSError:  # the child has gone and closed its side
            return False
        self.output += chunk
        return bool(chunk)


def _take_terminal() -> None:
    """In the child: a session of its own, with the pseudo-terminal as its terminal."""
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
