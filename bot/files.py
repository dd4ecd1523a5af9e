"""Files written for the person at the keyboard (``studybot timeline --out``, ``report --csv``,
the terminal chat's saved pictures): checked before any work, and a picture's pages kept as
one set.

A picture of several pages is written as ``NAME.png``, ``NAME-2.png``, ``NAME-3.png``...;
pages left from an earlier, longer set are removed, so what is in the folder is one set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path


class OutputError(Exception):
    """A file that cannot be written, with a one-line reason fit to show as it is."""


def check_output(path: Path, suffixes: Sequence[str]) -> None:
    """Refuse, before any drawing, a path that is a folder, in a folder that does not exist,
    or whose name does not end in one of ``suffixes`` (".png", ".csv")."""
    if path.is_dir():
        raise OutputError(f"{path} is a folder; give a file name in it, such as "
                          f"{path / ('name' + suffixes[0])}")
    if not path.parent.is_dir():
        raise OutputError(f"there is no folder {path.parent}")
    if path.suffix.lower() not in suffixes:
        endings = ", ".join(suffixes[:-1]) + " or " + suffixes[-1] if len(suffixes) > 1 else (
            suffixes[0])
        raise OutputError(f"{path.name}: the file name must end in {endings}")


def write_file(path: Path, data: bytes) -> Path:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from error
    return path


def page_path(first: Path, number: int) -> Path:
    """The path of page ``number`` (from 1) of the set whose first page is ``first``."""
    return first if number == 1 else first.with_name(f"{first.stem}-{number}{first.suffix}")


def write_pages(first: Path, pages: Sequence[bytes]) -> list[Path]:
    """Write the pages as one set; remove pages an earlier, longer set left after them."""
    written = [write_file(page_path(first, n), data) for n, data in enumerate(pages, 1)]
    remove_pages_after(first, len(pages))
    return written


def remove_pages_after(first: Path, count: int) -> None:
    """Remove ``NAME-N.ext`` beside ``first`` for every N past ``count``."""
    later = re.compile(rf"{re.escape(first.stem)}-(\d+){re.escape(first.suffix)}")
    if not first.parent.is_dir():
        return
    for path in first.parent.iterdir():
        match = later.fullmatch(path.name)
        if match and int(match.group(1)) > count and path.is_file():
            path.unlink(missing_ok=True)
