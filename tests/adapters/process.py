"""``studybot run`` as its own process: free ports, and a start that must fail in one line."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A local port nothing listens on (a connection to it is refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def failed_start(platform: str, env: Mapping[str, str]) -> str:
    """Run ``studybot run --platform <platform>``, which must fail with exit status 1 and no
    traceback; return the one line it says about why."""
    result = subprocess.run([sys.executable, "-m", "bot", "run", "--platform", platform],
                            cwd=ROOT, env=dict(env), capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    [said] = [line for line in result.stderr.splitlines() if line.startswith("studybot:")]
    return said
