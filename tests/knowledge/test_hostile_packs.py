"""Packs written to hurt: alias bombs, deep nesting, huge files, essays and entry files that
point elsewhere on the machine. Each is one clear ``file:line`` problem, never a traceback,
never a memory blow-up."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from knowledge.loader import MAX_DEPTH, MAX_FILE_BYTES, PackError, load_knowledge
from tests.knowledge.test_validation import GOOD, make_pack, problems_of

BILLION_LAUGHS = "\n".join([
    'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
    *(f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]"
      for i in range(8)),
    "- id: boom",
]) + "\n"


def test_an_alias_bomb_is_refused_at_its_first_anchor(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, **{"terms.yaml": BILLION_LAUGHS})
    assert problems_of(folder) == [
        f"{folder / 'terms.yaml'}:1: YAML aliases are not allowed: remove the anchor &a"]


def test_an_alias_is_refused_at_its_line(tmp_path: Path) -> None:
    events = GOOD["events.yaml"].rstrip(" ") + "          tags: *x\n"
    folder = make_pack(tmp_path, **{"events.yaml": events})
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'events.yaml'}:7: YAML aliases are not allowed")


def test_deep_nesting_is_refused_without_recursion(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, **{"facts.yaml": "[" * 100_000 + "]" * 100_000})
    assert problems_of(folder) == [
        f"{folder / 'facts.yaml'}:1: nested more than {MAX_DEPTH} levels deep"]


def test_a_file_over_the_size_cap_is_not_read(tmp_path: Path) -> None:
    folder = make_pack(tmp_path)
    with open(folder / "terms.yaml", "w", encoding="utf-8") as big:
        line = "- id: t\n  title: T\n  text: x\n"
        big.write(line * (MAX_FILE_BYTES // len(line) + 1))
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'terms.yaml'}:0: file is 2.0 MB")
    assert problem.endswith("a pack file may be at most 2 MB")


@pytest.mark.parametrize("essay", ["../../../etc/hostname", "/etc/hostname"])
def test_an_essay_outside_the_pack_folder_is_refused(tmp_path: Path, essay: str) -> None:
    pack_yaml = GOOD["pack.yaml"].replace("essay.txt", essay)
    folder = make_pack(tmp_path, **{"pack.yaml": pack_yaml})
    found = problems_of(folder)
    assert f"{folder / 'pack.yaml'}:4: essay {essay!r} is outside the pack folder; " \
           "put it inside" in found


def test_symlinks_out_of_the_pack_are_refused(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("The Great Purge of 1937 was radical. Litvinov was dismissed in 1939.\n")
    folder = make_pack(tmp_path, **{"people.yaml": None})
    (folder / "essay.txt").unlink()
    os.symlink(secret, folder / "essay.txt")
    os.symlink(secret, folder / "people.yaml")
    found = problems_of(folder)
    assert f"{folder / 'pack.yaml'}:4: essay 'essay.txt' is outside the pack folder; " \
           "put it inside" in found
    assert any(p.startswith(f"{folder / 'people.yaml'}:0: leads outside the pack folder")
               for p in found)


def test_a_bad_pack_yaml_does_not_hide_the_entry_files_problems(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, **{
        "pack.yaml": "name: tiny\ntitle: [unclosed\n",
        "facts.yaml": "- id: BAD ID\n  title: x\n  text: y\n  sources: [s]\n"})
    found = problems_of(folder)
    assert any(p.startswith(f"{folder / 'pack.yaml'}:") and "YAML syntax" in p for p in found)
    assert any(p.startswith(f"{folder / 'facts.yaml'}:1: id:") for p in found)


def test_start_up_refuses_an_alias_bomb_with_its_line(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, **{"terms.yaml": BILLION_LAUGHS})
    with pytest.raises(PackError, match=r"terms\.yaml:1: YAML aliases are not allowed"):
        load_knowledge([folder])


def _limit_memory() -> None:
    cap = 1024 * 1024 * 1024  # 1 GB of address space: the alias bomb used to take ~3 GB
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


@pytest.mark.parametrize("name,text", [
    ("terms.yaml", BILLION_LAUGHS),
    ("facts.yaml", "[" * 100_000 + "]" * 100_000),
    ("events.yaml", "- " * 50_000 + "x\n"),
])
def test_kb_validate_answers_hostile_files_in_one_line_each_within_1_gb(
        tmp_path: Path, name: str, text: str) -> None:
    folder = make_pack(tmp_path, **{name: text})
    result = subprocess.run([sys.executable, "-m", "bot", "kb", "validate", str(folder)],
                            capture_output=True, text=True, timeout=60,
                            preexec_fn=_limit_memory)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert result.stdout.startswith(f"{folder / name}:1: "), result.stdout
