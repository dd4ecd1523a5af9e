"""The core's Markdown as a terminal shows it: ANSI styles on a terminal, plain text elsewhere.

A pipe, a file, ``NO_COLOR`` or ``TERM=dumb`` get the text with its markup taken out, so
``**Robert Conquest**`` never shows with its asterisks.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import TextIO

from bot.replies import BOLD, CODE, HEADING, STRIKE, UNDERLINE, plain_text

_BOLD_ON, _BOLD_OFF = "\x1b[1m", "\x1b[22m"
_UNDERLINE_ON, _UNDERLINE_OFF = "\x1b[4m", "\x1b[24m"
_STRIKE_ON, _STRIKE_OFF = "\x1b[9m", "\x1b[29m"
_CODE_ON, _CODE_OFF = "\x1b[36m", "\x1b[39m"  # commands and typed values in cyan

_STYLES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (HEADING, _BOLD_ON, _BOLD_OFF),
    (BOLD, _BOLD_ON, _BOLD_OFF),
    (UNDERLINE, _UNDERLINE_ON, _UNDERLINE_OFF),
    (STRIKE, _STRIKE_ON, _STRIKE_OFF),
    (CODE, _CODE_ON, _CODE_OFF),
)


def wants_styles(out: TextIO, env: Mapping[str, str] | None = None) -> bool:
    """ANSI styles only on a terminal that has not asked for none (``NO_COLOR``, dumb)."""
    env = os.environ if env is None else env
    try:
        tty = out.isatty()
    except ValueError:  # a closed stream
        return False
    return tty and not env.get("NO_COLOR") and env.get("TERM", "") != "dumb"


def terminal_text(text: str, styled: bool) -> str:
    """``text`` in ANSI styles, or plain when ``styled`` is False."""
    if not styled:
        return plain_text(text)
    for pattern, on, off in _STYLES:
        text = pattern.sub(f"{on}\\1{off}", text)
    return text


def bold(text: str, styled: bool) -> str:
    return f"{_BOLD_ON}{text}{_BOLD_OFF}" if styled and text else text
