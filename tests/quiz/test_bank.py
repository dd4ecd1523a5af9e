"""The question bank: every question is answerable, true to its entry, and rebuilt identically."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from bot.quiz.bank import Question, QuestionBank
from bot.quiz.makers.common import bare_title, person_label
from bot.quiz.makers.dates import years_of
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import EventEntry, PersonEntry, TermEntry, WorkEntry
from tests.quiz.conftest import write_pack

#: The bank the fact-check found (226 questions): a term of weekly quizzes saw repeats.
FIRST_BANK = 226


@pytest.fixture(scope="module")
def bank(quiz_kb: KnowledgeBase) -> QuestionBank:
    return QuestionBank.build(quiz_kb)


def test_the_shipped_pack_makes_a_bank_twice_the_first_one(kb: KnowledgeBase) -> None:
    bank = QuestionBank.build(kb)
    assert len(bank) >= 2 * FIRST_BANK
    assert {"spain", "purges", "diplomacy"} <= set(bank.topics())
    kinds = {q.type for q in bank.questions.values()}
    assert kinds >= {"which_first", "essay_gap", "term_meaning", "essay_check", "role_of",
                     "who_argued"}


def test_every_kind_of_question_is_generated(bank: QuestionBank) -> None:
    kinds = {q.type for q in bank.questions.values()}
    assert kinds >= {"which_year", "true_false", "who_argued", "who_wrote", "which_term",
                     "consistency", "order", "who_was", "multiple_choice", "which_first",
                     "essay_gap", "term_meaning", "essay_check", "role_of"}


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


def _quoted_window(text: str, quote: str, window: int = 40) -> bool:
    quote = collapse(quote)
    return any(quote[i:i + window] in text for i in range(max(1, len(quote) - window + 1)))


def test_every_question_explains_itself_from_its_entry(any_bank: QuestionBank,
                                                       any_kb: KnowledgeBase) -> None:
    for q in any_bank.questions.values():
        entry = any_kb.entries[q.entry_id]
        assert q.topic in q.tags or q.topic == "timeline"
        assert (any(s in q.explanation for s in entry.sources)
                or any(_quoted_window(q.explanation, quote) for quote in entry.quotes)), q.id


def test_no_essay_quote_is_printed_twice(any_bank: QuestionBank, any_kb: KnowledgeBase) -> None:
    for q in any_bank.questions.values():
        for quote in any_kb.entries[q.entry_id].quotes:
            start = collapse(quote)[:40]
            if len(start) == 40:  # a passage, not a phrase a correction note repeats
                assert q.explanation.count(start) <= 1, (q.id, start)


def _year_range(entry: EventEntry | WorkEntry) -> set[int]:
    if isinstance(entry, WorkEntry):
        return {entry.year} | {int(y) for y in re.findall(r"\b1\d{3}\b", entry.note or "")}
    return years_of(entry)


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
    assert q is not None and q.prompt == "In which year did this begin?\nRussian Civil War"
    assert not {int(c) for c in q.choices if c != q.answer} & set(range(1917, 1923))


def test_true_false_statements_are_true_or_false_as_marked(any_bank: QuestionBank,
                                                           any_kb: KnowledgeBase) -> None:
    for q in any_bank.questions.values():
        if q.type != "true_false" or not q.id.endswith(":year"):
            continue
        entry = any_kb.entries[q.entry_id]
        assert isinstance(entry, EventEntry | WorkEntry)
        match = re.search(r"\bin (\d{4})\.", q.prompt)
        assert match, q.prompt
        year = int(match.group(1))
        if q.answer == "True":
            assert year == (entry.year if isinstance(entry, WorkEntry) else int(entry.date[:4]))
        else:
            assert year not in _year_range(entry), q.id


def test_people_distractors_are_the_same_kind(any_bank: QuestionBank,
                                              any_kb: KnowledgeBase) -> None:
    people = [e for e in any_kb.entries.values() if isinstance(e, PersonEntry)]
    historians = {p.title for p in people if "historians" in p.tags}
    others = {person_label(p) for p in people if "historians" not in p.tags}
    roles = {collapse(p.role): p for p in people}
    terms = {bare_title(e.title) for e in any_kb.entries.values() if isinstance(e, TermEntry)}
    for q in any_bank.questions.values():
        entry = any_kb.entries[q.entry_id]
        if q.type in ("who_argued", "who_wrote"):
            assert set(q.choices) <= historians, q.id
        elif q.type == "who_was":
            assert set(q.choices) <= others, q.id
            asked = q.prompt.removeprefix("Who was this: ").removesuffix("?")
            assert asked == collapse(entry.role)  # type: ignore[attr-defined]
            assert all(collapse(p.role) != asked for p in people
                       if person_label(p) in q.choices and person_label(p) != q.answer)
        elif q.type == "role_of":
            assert isinstance(entry, PersonEntry) and q.answer == collapse(entry.role)
            assert set(q.choices) <= set(roles), q.id
        elif q.type == "which_term":
            assert set(q.choices) <= terms, q.id


def test_who_argued_names_the_entrys_historian(bank: QuestionBank) -> None:
    q = bank.get("who_argued:t-spain-self-serving")
    assert q is not None and q.answer == "Paul Preston"
    assert bank.get("consistency:t-machiavellian") is None  # a qualified argument: no clear side
    side = bank.get("consistency:t-west-courtship")
    assert side is not None and side.answer == "Inconsistent"


def test_ordering_uses_events_whose_years_are_apart(any_bank: QuestionBank,
                                                    any_kb: KnowledgeBase) -> None:
    by_title = {e.title: e for e in any_kb.events()}
    orders = [q for q in any_bank.questions.values() if q.id.startswith("order:")]
    assert orders
    for q in orders:
        events = [by_title[t] for t in q.answer]
        assert [e.date for e in events] == sorted(e.date for e in events)
        for i, one in enumerate(events):
            for other in events[i + 1:]:
                assert not years_of(one) & years_of(other), q.id
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
