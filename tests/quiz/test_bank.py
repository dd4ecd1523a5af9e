"""The question bank: every question is answerable, true to its entry, and rebuilt identically."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.quiz.bank import Question, QuestionBank, bare_title
from knowledge.loader import KnowledgeBase
from knowledge.models import EventEntry, PersonEntry, TermEntry, WorkEntry
from tests.quiz.conftest import write_pack


@pytest.fixture(scope="module")
def bank(quiz_kb: KnowledgeBase) -> QuestionBank:
    return QuestionBank.build(quiz_kb)


@pytest.fixture(scope="module", params=["test-pack", "shipped-pack"])
def any_kb(request: pytest.FixtureRequest, quiz_kb: KnowledgeBase,
           kb: KnowledgeBase) -> KnowledgeBase:
    """The properties below hold for the small test pack and for the pack the bot ships."""
    return quiz_kb if request.param == "test-pack" else kb


@pytest.fixture(scope="module")
def any_bank(any_kb: KnowledgeBase) -> QuestionBank:
    return QuestionBank.build(any_kb)


def test_the_shipped_pack_makes_a_real_bank(kb: KnowledgeBase) -> None:
    bank = QuestionBank.build(kb)
    assert len(bank) >= 150 and {"spain", "purges", "diplomacy"} <= set(bank.topics())


def test_every_kind_of_question_is_generated(bank: QuestionBank) -> None:
    kinds = {q.type for q in bank.questions.values()}
    assert kinds >= {"which_year", "true_false", "who_argued", "who_wrote", "which_term",
                     "consistency", "order", "who_was", "multiple_choice"}


def test_answers_are_among_the_choices(any_bank: QuestionBank) -> None:
    for q in any_bank.questions.values():
        assert len(set(q.choices)) == len(q.choices) >= 2, q.id
        if q.type == "order":
            assert sorted(q.answer) == sorted(q.choices) and 3 <= len(q.choices) <= 5
            lettered = zip("ABCDE", q.choices, strict=False)
            assert all(f"{letter}. {c}" in q.prompt for letter, c in lettered)
        else:
            assert q.answer in q.choices, q.id
        labels, right = q.options()
        assert len(set(labels)) == len(labels)
        if q.type != "order":
            assert labels[right] == q.answer


def test_every_question_explains_itself_from_its_entry(any_bank: QuestionBank,
                                                       any_kb: KnowledgeBase) -> None:
    for q in any_bank.questions.values():
        entry = any_kb.entries[q.entry_id]
        assert q.topic in q.tags or q.topic == "timeline"
        evidence = [f'"{quote}"' for quote in entry.quotes] + list(entry.sources)
        assert any(e in q.explanation for e in evidence), q.id


def _year_range(entry: EventEntry | WorkEntry) -> set[int]:
    if isinstance(entry, WorkEntry):
        return {entry.year}
    end = int(entry.end_date[:4]) if entry.end_date else int(entry.date[:4])
    return set(range(int(entry.date[:4]), end + 1))


def test_year_distractors_are_nearby_and_wrong(any_bank: QuestionBank,
                                               any_kb: KnowledgeBase) -> None:
    for q in any_bank.questions.values():
        if q.type != "which_year":
            continue
        entry = any_kb.entries[q.entry_id]
        assert isinstance(entry, EventEntry | WorkEntry)
        right = _year_range(entry)
        for choice in q.choices:
            if choice != q.answer:
                assert int(choice) not in right and abs(int(choice) - int(q.answer)) <= 6


def test_civil_war_year_distractors_avoid_every_year_it_lasted(bank: QuestionBank) -> None:
    munich = bank.get("which_year:t-munich")
    assert munich is not None and munich.answer == "1938"
    q = bank.get("which_year:t-civil-war")
    assert q is not None and "begin" in q.prompt
    assert not {int(c) for c in q.choices if c != q.answer} & set(range(1917, 1923))


def test_true_false_statements_are_true_or_false_as_marked(any_bank: QuestionBank,
                                                           any_kb: KnowledgeBase) -> None:
    for q in any_bank.questions.values():
        if q.type != "true_false" or not q.id.endswith(":year"):
            continue
        entry = any_kb.entries[q.entry_id]
        assert isinstance(entry, EventEntry | WorkEntry)
        year = int(q.prompt.rstrip(".").split()[-1])
        assert (year in _year_range(entry)) == (q.answer == "True"), q.id


def test_people_distractors_are_the_same_kind(any_bank: QuestionBank,
                                              any_kb: KnowledgeBase) -> None:
    people = {e.title: e for e in any_kb.entries.values() if isinstance(e, PersonEntry)}
    historians = {t for t, p in people.items() if "historians" in p.tags}
    terms = {bare_title(e.title) for e in any_kb.entries.values() if isinstance(e, TermEntry)}
    for q in any_bank.questions.values():
        if q.type in ("who_argued", "who_wrote"):
            assert set(q.choices) <= historians, q.id
        elif q.type == "who_was":
            assert set(q.choices) <= set(people) - historians, q.id
            assert all(people[c].role not in q.prompt for c in q.choices if c != q.answer)
        elif q.type == "which_term":
            assert set(q.choices) <= terms and q.answer.lower() not in q.prompt.lower()


def test_who_argued_names_the_entrys_historian(bank: QuestionBank) -> None:
    q = bank.get("who_argued:t-spain-self-serving")
    assert q is not None and q.answer == "Paul Preston"
    assert bank.get("consistency:t-machiavellian") is None  # a qualified argument: no clear side
    side = bank.get("consistency:t-west-courtship")
    assert side is not None and side.answer == "Inconsistent"


def test_ordering_uses_distinct_years_in_date_order(any_bank: QuestionBank,
                                                    any_kb: KnowledgeBase) -> None:
    by_title = {e.title: e for e in any_kb.events()}
    orders = [q for q in any_bank.questions.values() if q.id.startswith("order:")]
    assert orders
    for q in orders:
        dates = [by_title[t].date for t in q.answer]
        assert dates == sorted(dates) and len({d[:4] for d in dates}) == len(dates)
        assert list(q.choices) != list(q.answer)


def test_hand_written_questions_join_the_bank(bank: QuestionBank) -> None:
    q = bank.get("hand:t-litvinov-fate")
    assert q is not None and q.entry_id == "t-litvinov" and q.topic == "diplomacy"
    assert "ambassador to the United States" in q.explanation


def test_pick_is_deterministic_distinct_and_on_topic(bank: QuestionBank) -> None:
    first = bank.pick(12, seed=7)
    assert [q.id for q in first] == [q.id for q in bank.pick(12, seed=7)]
    assert len({q.id for q in first}) == 12
    assert [q.id for q in first] != [q.id for q in bank.pick(12, seed=8)]
    spain = bank.pick(50, seed=1, topic="spain")
    assert spain and all("spain" in q.tags for q in spain)
    assert bank.match_topic("Spain") == "spain" and bank.match_topic("nothing") is None


def test_pick_puts_questions_asked_before_last(bank: QuestionBank) -> None:
    asked = {q.id for q in bank.pick(10, seed=3)}
    again = bank.pick(10, seed=3, avoid=asked)
    assert not asked & {q.id for q in again}


def test_a_question_survives_a_round_trip_through_json(any_bank: QuestionBank) -> None:
    for q in any_bank.questions.values():
        assert Question.from_json(json.loads(json.dumps(q.to_json()))) == q


def test_export_is_the_same_in_every_process(tmp_path: Path) -> None:
    write_pack(tmp_path / "quiz-test")
    outputs = []
    for hash_seed in ("1", "2"):
        env = {**os.environ, "STUDYBOT_PACKS": str(tmp_path), "PYTHONHASHSEED": hash_seed}
        done = subprocess.run([sys.executable, "-m", "bot", "quiz", "export", "--json",
                               "--count", "8", "--seed", "4", "--topic", "diplomacy"],
                              capture_output=True, text=True, env=env, check=True)
        outputs.append(done.stdout)
    assert outputs[0] == outputs[1]
    rows = json.loads(outputs[0])
    assert len(rows) == 8 and len({r["id"] for r in rows}) == 8
    for row in rows:
        assert set(row) >= {"id", "type", "prompt", "choices", "answer", "explanation",
                            "entry_id", "topic"}
        assert row["topic"] == "diplomacy"
