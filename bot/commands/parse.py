"""Typed command lines ("quiz start spain 10 30", "quiz start topic=spain") into commands.

Slack's ``/study ...`` and the terminal chat share this; Discord gets options structured.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from bot.commands.registry import COMMANDS, CommandSpec, Option

#: What a topic option may say to mean no one topic: every question.
EVERY_TOPIC = frozenset({"all", "any", "every", "everything"})


def is_count(text: str) -> bool:
    """ASCII digits only: ``"²"`` and ``"٣"`` pass ``str.isdigit`` but are not typed counts
    (and ``int("²")`` raises)."""
    return text.isascii() and text.isdigit()


def is_whole_number(text: str) -> bool:
    """A count, or a count with a minus sign."""
    return is_count(text[1:] if text.startswith("-") else text)


def id_numbers(parts: list[str], count: int) -> tuple[int, ...] | None:
    """The ``count`` numbers of a button id's parts (``quiz:<session>:<q>:<option>``), or
    None for a forged or stale id: ASCII digits, short enough for any database integer."""
    if len(parts) != count or not all(is_count(p) and len(p) < 10 for p in parts):
        return None
    return tuple(int(p) for p in parts)


@dataclass(frozen=True, slots=True)
class Parsed:
    spec: CommandSpec
    args: dict[str, str]


class ParseError(ValueError):
    """A typed command that cannot be understood; ``spec`` names the command when known."""

    def __init__(self, message: str, spec: CommandSpec | None = None) -> None:
        super().__init__(message)
        self.spec = spec


def find_spec(words: list[str]) -> tuple[CommandSpec | None, int]:
    """The longest registered command name the words start with, and its length in words."""
    for size in range(min(3, len(words)), 0, -1):
        spec = COMMANDS.get(" ".join(w.lower() for w in words[:size]))
        if spec is not None:
            return spec, size
    return None, 0


def parse_command_line(line: str) -> Parsed:
    line = line.strip().lstrip("/")
    if not line:
        raise ParseError("Type a command, or `/help` for the list.")
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    spec, size = find_spec(words)
    if spec is None:
        group = [n for n in COMMANDS if n.split()[0] == words[0].lower()]
        if group:
            names = ", ".join(f"`/{name}`" for name in sorted(group))
            raise ParseError(f"`/{words[0].lower()}` needs one of: {names}.")
        raise ParseError(f"Unknown command `{words[0][:40]}`. Type `/help` for the list.")
    if spec.options and spec.options[0].rest:
        # a question is free text: keep its quotes and apostrophes exactly as typed
        remainder = line.split(None, size)[size:] if len(line.split()) > size else []
        return Parsed(spec, {spec.options[0].name: remainder[0].strip()} if remainder else {})
    rest_words = words[size:]
    args: dict[str, str] = {}
    positional = list(spec.options)
    index = 0
    for i, word in enumerate(rest_words):
        key, eq, value = word.partition("=")
        named = next((o for o in spec.options if o.name == key.lower()), None) if eq else None
        if named is not None:
            args[named.name] = value
            continue
        while index < len(positional) and (positional[index].name in args or (
                _skips(positional[index], word) and index + 1 < len(positional))):
            index += 1
        if index >= len(positional):
            raise ParseError(f"Too many values for `/{spec.name}`. Usage: `/{spec.usage}`", spec)
        option = positional[index]
        if option.rest:
            args[option.name] = " ".join(rest_words[i:])
            break
        args[option.name] = word
        index += 1
    return Parsed(spec, args)


def _skips(option: Option, word: str) -> bool:
    """A number where an optional topic could go is the count after it ("quiz solo 5")."""
    return option.kind == "topic" and not option.required and is_count(word)
