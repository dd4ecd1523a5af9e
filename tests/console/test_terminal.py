"""``studybot console`` in a real pseudo-terminal: what a person at a keyboard sees, and the
terminal it leaves behind."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("termios")

from tests.console.terminal import CTRL_C, CTRL_D, Terminal

BOLD, CYAN = "\x1b[1m", "\x1b[36m"


@pytest.fixture
def environment(tmp_path: Path) -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
            "USER": "ana", "TERM": "xterm", "STUDYBOT_DATA_DIR": str(tmp_path / "data"),
            "STUDYBOT_HISTORY": str(tmp_path / "history")}


@pytest.fixture
def console(environment: dict[str, str]) -> Iterator[Terminal]:
    terminal = Terminal(["console"], environment)
    yield terminal
    terminal.close()


@pytest.mark.parametrize(("typed", "leave", "status"), [
    ("", CTRL_C, 130), ("who was molo", CTRL_C, 130), ("", CTRL_D, 0), ("", "/quit\r", 0)])
def test_every_way_out_leaves_the_terminal_as_it_was(console: Terminal, typed: str, leave: str,
                                                     status: int) -> None:
    console.expect("you> ")
    assert console.echo_and_editing() == (False, False)  # readline is reading a line
    if typed:  # half a line typed, then Ctrl-C
        console.type(typed)
        console.expect(typed)
    console.type(leave)
    assert console.wait() == status
    assert console.echo_and_editing() == (True, True)
    assert console.settings_as_found()


def test_an_error_inside_leaves_the_terminal_as_it_was() -> None:
    import termios

    from adapters.console.chat import terminal_kept

    master, slave = os.openpty()
    try:
        with open(slave, closefd=False) as tty:
            initial = termios.tcgetattr(slave)
            with pytest.raises(RuntimeError), terminal_kept(tty):
                changed = termios.tcgetattr(slave)
                changed[3] &= ~(termios.ECHO | termios.ICANON)  # as readline leaves it
                termios.tcsetattr(slave, termios.TCSANOW, changed)
                raise RuntimeError("the chat failed")
            assert termios.tcgetattr(slave) == initial
    finally:
        os.close(master)
        os.close(slave)


def test_a_newcomers_first_lines(console: Terminal) -> None:
    """Help typed without the slash, styled text, and a mistyped number in a quiz."""
    console.expect("you> ")
    console.type("help\r")  # typed without the slash: still the command
    shown = console.expect("you> ")
    assert f"{CYAN}/quiz solo [topic] [questions]" in shown and "Republicans" not in shown
    console.type("/onthisday 08-23\r")
    shown = console.expect("you> ")
    assert f"{BOLD}Nazi-Soviet Pact" in shown and "**" not in shown and "`" not in shown
    console.type("/quiz solo spain 2\r")
    question = console.expect("you> ")
    options = len(re.findall(r"^  \d\. ", question, re.MULTILINE))
    assert "Question 1 of 2" in question and options >= 2
    console.type("9\r")
    assert f"There is no choice 9: choose 1-{options}." in console.expect("you> ")
    console.type("1\r")
    assert "Question 1 of 2: " in console.expect("you> ")  # the answer was taken
    console.type(CTRL_D)
    assert console.wait() == 0
