"""``studybot ask`` as a person and a script use it: a real subprocess of ``python -m bot``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("discord", "slack_bolt", "slack_sdk", "sqlalchemy", "aiosqlite", "asyncpg")


def studybot(*args: str, stdin: str | None = None, tmp: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "STUDYBOT_DATA_DIR": str(tmp / "data"), "HOME": str(tmp)}
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin, cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


def test_ask_prints_the_answer_for_a_person(tmp_path: Path) -> None:
    done = studybot("ask", "when", "was", "the", "nazi", "soviet", "pact", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Nazi-Soviet Pact")
    assert "23 August 1939" in done.stdout and 'From the essay: "' in done.stdout
    assert not (tmp_path / "data").exists()  # no database was opened


def test_ask_json_prints_one_object(tmp_path: Path) -> None:
    done = studybot("ask", "--json", "who took over from litvinov", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    result = json.loads(lines[0])
    assert set(result) == {"question", "answered", "confidence", "kind", "text", "entry_id",
                           "entry_ids", "score", "suggestions", "elapsed_ms"}
    assert result["answered"] is True and result["confidence"] == "sure"
    assert result["entry_id"] in {"litvinov-dismissed", "molotov"}
    assert result["entry_ids"][0] == result["entry_id"]
    assert result["suggestions"] == [] and result["elapsed_ms"] >= 0


def test_a_composed_answer_names_every_entry_it_draws_on(tmp_path: Path) -> None:
    done = studybot("ask", "--json", "compare overy and preston", tmp=tmp_path)
    result = json.loads(done.stdout)
    assert result["kind"] == "compare" and result["answered"] is True
    assert {"overy", "preston"} <= set(result["entry_ids"])
    assert result["entry_id"] == result["entry_ids"][0]


def test_a_conversation_reads_follow_ups_as_in_chat(tmp_path: Path) -> None:
    turns = ["who was litvinov", "when did he get sacked", "who replaced him"]
    done = studybot("ask", "--json", "--conversation", "-", stdin="\n".join(turns) + "\n",
                    tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["question"] for r in results] == turns
    assert [r["entry_id"] for r in results] == ["litvinov", "litvinov-dismissed",
                                                "litvinov-dismissed"]
    asked = "what was the popular front\nwhy?\n"
    talk = studybot("ask", "--json", "--conversation", "-", stdin=asked, tmp=tmp_path)
    alone = studybot("ask", "--json", "-", stdin=asked, tmp=tmp_path)
    assert json.loads(talk.stdout.splitlines()[1])["answered"] is True
    assert json.loads(alone.stdout.splitlines()[1])["answered"] is False


def test_ask_json_reads_one_question_per_line(tmp_path: Path) -> None:
    questions = ["colectivisation", "what is the capital of france", "", "🙂 <b>munich</b>"]
    done = studybot("ask", "--json", "-", stdin="\n".join(questions) + "\n", tmp=tmp_path)
    assert done.returncode == 0, done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["answered"] for r in results] == [True, False, False, True]
    assert [r["confidence"] for r in results] == ["sure", "none", "none", "sure"]
    assert results[0]["entry_id"] == "collectivisation"
    assert results[1]["entry_id"] is None and results[1]["text"].startswith("I don't know")
    assert all(isinstance(s["title"], str) for r in results for s in r["suggestions"])


def test_ask_loads_no_platform_or_database_code(tmp_path: Path) -> None:
    code = ("import sys, json\nfrom bot.cli import main\nmain(['ask', '--json', 'munich'])\n"
            f"print(json.dumps(sorted({{m.split('.')[0] for m in sys.modules}} & {set(HEAVY)!r})))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          timeout=60, check=False, env={"PATH": "/usr/bin:/bin",
                                                        "STUDYBOT_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[-1]) == []
