"""Each class of pack problem is reported as one ``file:line: message`` line, all in one run."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from knowledge.loader import PackError, check_packs, load_knowledge, pack_folders

ESSAY = "The Great Purge of 1937 was\nradical. Litvinov was dismissed in 1939.\n"

GOOD = {
    "pack.yaml": """\
        name: tiny
        title: Tiny pack
        description: A pack for tests.
        essay: essay.txt
        """,
    "events.yaml": """\
        - id: purge
          title: Great Purge
          text: Stalin's purge of party, army and people.
          date: "1937"
          quotes:
            - The Great Purge of 1937 was radical.
        """,
    "people.yaml": """\
        - id: litvinov
          title: Maxim Litvinov
          role: Foreign Commissar
          text: Soviet foreign commissar, dismissed in 1939.
          quotes: ["Litvinov was dismissed in 1939."]
        """,
}


def make_pack(root: Path, name: str = "tiny", **files: str) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "essay.txt").write_text(ESSAY, encoding="utf-8")
    contents = {**GOOD, **files}
    if name != "tiny" and "pack.yaml" not in files:
        contents["pack.yaml"] = GOOD["pack.yaml"].replace("tiny", name)
    for filename, text in contents.items():
        if text is not None:
            (folder / filename).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder


def problems_of(*folders: Path) -> list[str]:
    kb, problems = check_packs(list(folders))
    assert (kb is None) == bool(problems)
    return [str(p) for p in problems]


def test_good_pack_loads(tmp_path: Path) -> None:
    kb = load_knowledge([make_pack(tmp_path)])
    assert set(kb.entries) == {"purge", "litvinov"}
    assert kb.pack_of["purge"] == "tiny"


def test_yaml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, **{"facts.yaml": "- id: a\n  title: [unclosed\n  text: x\n"})
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'facts.yaml'}:")
    assert "YAML syntax error" in problem


def test_unknown_key_is_reported_at_its_line(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "people.yaml": """\
        - id: litvinov
          title: Maxim Litvinov
          role: Foreign Commissar
          text: Soviet foreign commissar.
          quotes: ["Litvinov was dismissed in 1939."]
          nickname: Papasha
        """
        },
    )
    assert problems_of(folder) == [
        f"{folder / 'people.yaml'}:6: 'nickname' is not a key that can be specified here"
    ]


def test_missing_key_and_wrong_type_are_both_reported(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "people.yaml": """\
        - id: litvinov
          title: Maxim Litvinov
          text: Soviet foreign commissar.
          quotes: ["Litvinov was dismissed in 1939."]
        - id: molotov
          title: Molotov
          role: [not, a, string]
          text: Foreign commissar from 1939.
          sources: [a book]
        """
        },
    )
    found = problems_of(folder)
    assert f"{folder / 'people.yaml'}:1: missing required key 'role'" in found
    assert any(p.startswith(f"{folder / 'people.yaml'}:7: role:") for p in found)
    assert len(found) == 2


def test_real_calendar_dates_only(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "events.yaml": """\
        - id: purge
          title: Great Purge
          text: The purge.
          date: "1937-02-30"
          sources: [a sheet]
        - id: pact
          title: Pact
          text: The pact.
          date: 23 August 1939
          sources: [a sheet]
        """
        },
    )
    found = problems_of(folder)
    assert any(":4: date: '1937-02-30' is not a real date" in p for p in found)
    assert any(":9: date: '23 August 1939' is not a date of the form" in p for p in found)


def test_quote_must_be_verbatim_in_the_essay(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "events.yaml": """\
        - id: purge
          title: Great Purge
          text: The purge.
          date: "1937"
          quotes:
            - The Great Purge of 1937 was radical.
            - The Great Purge of 1938 was radical.
        """
        },
    )
    [problem] = problems_of(folder)
    assert problem.startswith(f"{folder / 'events.yaml'}:7: purge: quote not found verbatim")


def test_quotes_match_across_the_essays_line_breaks(tmp_path: Path) -> None:
    # ESSAY breaks "was\nradical": a quote with a single space still matches
    assert problems_of(make_pack(tmp_path)) == []


def test_entry_without_provenance(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "terms.yaml": """\
        - id: nep
          title: NEP
          text: The New Economic Policy.
        """
        },
    )
    [problem] = problems_of(folder)
    assert "at least one quote from the essay or one source" in problem
    assert problem.startswith(f"{folder / 'terms.yaml'}:1:")


def test_references_must_resolve_to_the_right_kind(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "arguments.yaml": """\
        - id: purge-argument
          title: The purge shows control
          side: consistent
          claim: Control at home and abroad.
          text: The purge shows total control.
          evidence: [purge, no-such-entry]
          historian: purge
          quotes: ["The Great Purge of 1937 was radical."]
        """
        },
    )
    found = problems_of(folder)
    assert any(":6: evidence.1: no entry with id 'no-such-entry'" in p for p in found)
    assert any(":7: historian: 'purge' is not a person but an event" in p for p in found)


def test_duplicate_ids_across_packs(tmp_path: Path) -> None:
    first = make_pack(tmp_path)
    second = make_pack(tmp_path, name="other")
    found = problems_of(first, second)
    assert any(p.startswith(f"{second / 'events.yaml'}:1: duplicate id 'purge'") for p in found)


def test_bad_pack_yaml_and_missing_essay(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path, **{"pack.yaml": "name: Not A Slug\ntitle: T\ndescription: D\nessay: e.txt\n"}
    )
    found = problems_of(folder)
    assert any(p.startswith(f"{folder / 'pack.yaml'}:1: name:") for p in found)
    folder2 = make_pack(
        tmp_path,
        name="other",
        **{"pack.yaml": "name: other\ntitle: T\ndescription: D\nessay: missing.txt\n"},
    )
    assert problems_of(folder2) == [
        f"{folder2 / 'pack.yaml'}:4: essay file 'missing.txt' not found"
    ]


def test_entry_file_must_be_a_list_and_stray_files_flagged(tmp_path: Path) -> None:
    folder = make_pack(tmp_path, **{"facts.yaml": "id: a\ntitle: b\n", "event.yaml": "[]\n"})
    found = problems_of(folder)
    assert any("facts.yaml:1: the file must be a list" in p for p in found)
    assert any("event.yaml:1: unknown file" in p for p in found)


def test_hand_written_question_answer_must_be_a_choice(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "questions.yaml": """\
        - id: q1
          type: multiple_choice
          prompt: When was the purge?
          choices: ["1936", "1937"]
          answer: "1938"
          explanation: The essay says 1937.
          entry: purge
        """
        },
    )
    [problem] = problems_of(folder)
    assert "answer '1938' is not one of the choices" in problem


def test_every_problem_reported_in_one_run(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "facts.yaml": "- id: BAD ID\n  title: x\n  text: y\n  sources: [s]\n",
            "terms.yaml": "- id: t\n  title: T\n  text: x\n  quotes: [not in the essay]\n",
        },
    )
    assert len(problems_of(folder)) == 2


def test_packs_from_env_are_loaded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    extra = make_pack(tmp_path, name="school-pack")
    monkeypatch.setenv("STUDYBOT_PACKS", str(tmp_path))
    assert extra in pack_folders()


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_cli_validate_prints_lines_and_exits_1_without_traceback(tmp_path: Path) -> None:
    folder = make_pack(
        tmp_path,
        **{
            "events.yaml": "- id: purge\n  title: x\n  text: y\n  date: '1937-13'\n"
            "  sources: [s]\n  colour: red\n"
        },
    )
    result = run_cli("kb", "validate", str(folder))
    assert result.returncode == 1
    lines = result.stdout.strip().splitlines()
    assert f"{folder / 'events.yaml'}:4: date: '1937-13' has no month 13" in lines
    assert f"{folder / 'events.yaml'}:6: 'colour' is not a key that can be specified here" in lines
    assert "Traceback" not in result.stderr


def test_bot_refuses_to_start_on_a_bad_pack(tmp_path: Path) -> None:
    make_pack(tmp_path, **{"terms.yaml": "- id: nep\n  title: NEP\n  text: x\n"})
    with pytest.raises(PackError) as caught:
        load_knowledge(pack_folders([tmp_path]))
    assert "terms.yaml:1:" in str(caught.value)


def test_cli_refuses_to_answer_from_a_bad_pack(tmp_path: Path) -> None:
    make_pack(tmp_path, **{"terms.yaml": "- id: nep\n  title: NEP\n  text: x\n"})
    result = run_cli("ask", "when was munich", env={"STUDYBOT_PACKS": str(tmp_path)})
    assert result.returncode == 1
    assert "knowledge base has problems" in result.stderr
    assert "terms.yaml:1: " in result.stderr and "one quote from the essay" in result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
