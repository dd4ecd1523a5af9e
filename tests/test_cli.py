"""The command line as a newcomer meets it: its version, and exports that need no flag."""

from __future__ import annotations

import json
from importlib.metadata import version

import pytest

from bot.cli import main


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"studybot {version('studybot')}\n"


@pytest.mark.parametrize("command", [["kb", "export"], ["quiz", "export", "--count", "3"]])
def test_exports_print_json_without_being_asked(command: list[str],
                                                capsys: pytest.CaptureFixture[str]) -> None:
    assert main(command) == 0
    plain = json.loads(capsys.readouterr().out)
    assert isinstance(plain, list) and plain and all("id" in item for item in plain)
    assert main([*command, "--json"]) == 0  # still accepted, as the README used to ask
    assert json.loads(capsys.readouterr().out) == plain
