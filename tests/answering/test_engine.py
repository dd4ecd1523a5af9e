"""The answer engine on the shipped pack: the right entry, its sources, honest abstention."""

from __future__ import annotations

import re

import pytest

from bot.answering.answer import DONT_KNOW, MAX_ANSWER, Answer, sentences
from bot.answering.dates import QueryDate, find_date, readable, readable_span
from bot.answering.engine import AnswerEngine
from bot.answering.respond import answer, open_view
from bot.answering.text import MAX_QUESTION, clean
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import EventEntry


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine.for_knowledge(kb)


def answer_entry(engine: AnswerEngine, entry_id: str) -> Answer | None:
    return open_view(engine, f"entry:{entry_id}")


@pytest.mark.parametrize(("question", "expected"), [
    ("who took over from litvinov", {"litvinov-dismissed", "molotov"}),
    ("when was the nazi soviet pact", {"nazi-soviet-pact"}),
    ("what did preston say about spain", {"preston-self-serving-spain"}),
    ("colectivisation", {"collectivisation"}),
    ("Who was Tukachevsky?", {"tukhachevsky"}),
    ("what happened on 23 august 1939", {"nazi-soviet-pact"}),
    ("what happened on august 19th, 1939", {"german-soviet-credit-agreement"}),
    ("the purge in 1937", {"great-purge"}),
])
def test_the_issues_questions_find_their_entry(engine: AnswerEngine, question: str,
                                               expected: set[str]) -> None:
    result = answer(engine, question)
    assert result.answered
    assert result.entry is not None and result.entry.id in expected


def test_an_event_answer_gives_its_date_readably(engine: AnswerEngine) -> None:
    result = answer(engine, "when was the nazi soviet pact")
    assert "23 August 1939" in result.text.splitlines()[0]


def test_a_partial_date_never_claims_a_day(kb: KnowledgeBase, engine: AnswerEngine) -> None:
    monthly = [e for e in kb.events() if len(e.date) == 7]
    assert monthly, "the pack has events dated to the month"
    for event in monthly:
        heading = answer_entry(engine, event.id).text.splitlines()[0]  # type: ignore[union-attr]
        assert re.search(r"\([A-Z][a-z]+ (to [A-Z][a-z]+ )?\d{4}", heading), heading
        assert not re.search(r"\(\d{1,2} ", heading), heading
    noted = next(e for e in kb.events() if e.date_note)
    assert noted.date_note in answer_entry(engine, noted.id).text  # type: ignore[union-attr]


def test_date_reading_and_writing() -> None:
    assert find_date("what happened on 23 august 1939")[0] == QueryDate(1939, 8, 23)
    assert find_date("in 1937 what")[0] == QueryDate(1937, None, None)
    assert find_date("events of 30/07/1937")[0] == QueryDate(1937, 7, 30)
    assert find_date("what was in sept 1939")[0] == QueryDate(1939, 9, None)
    assert find_date("the 75 percent claim")[0] is None
    assert readable("1939-08-23") == "23 August 1939"
    assert readable("1923-10") == "October 1923"
    assert readable("1968") == "1968"
    assert readable_span("1937-05-03", "1937-05-08") == "3-8 May 1937"
    assert readable_span("1937-01", "1937-02") == "January to February 1937"
    assert readable_span("1917-11-07", "1922-10-25") == "7 November 1917 to 25 October 1922"


def test_an_argument_names_its_historian(engine: AnswerEngine) -> None:
    result = answer_entry(engine, "preston-self-serving-spain")
    assert result is not None and "Historian: Paul Preston" in result.text


def test_a_correction_note_is_shown(kb: KnowledgeBase, engine: AnswerEngine) -> None:
    result = answer(engine, "were 75% of red army officers purged")
    assert result.entry is not None and result.entry.note
    assert "Correction: " in result.lead  # never behind "More"
    assert result.entry.note.split(".")[0] in result.lead


def test_every_answer_quotes_the_essay_verbatim_and_stays_short(
        kb: KnowledgeBase, engine: AnswerEngine) -> None:
    for entry in kb.entries.values():
        result = answer_entry(engine, entry.id)
        assert result is not None
        assert len(result.text) < 4000 and len(result.text) <= MAX_ANSWER
        essay = collapse(kb.essay_for(entry.id))
        quoted = re.findall(r'^From the essay: "(.*)"$', result.text, flags=re.M)
        assert len(quoted) == min(2, len(entry.quotes))
        for passage in quoted:
            assert passage.removesuffix(" …") in essay
        assert all(part in collapse(result.text) for part in sentences(entry.text))


def test_related_entries_are_others_and_few(kb: KnowledgeBase, engine: AnswerEngine) -> None:
    for entry in kb.entries.values():
        related = engine.related(entry)
        assert 1 <= len(related) <= 2, entry.id
        assert entry.id not in {e.id for e in related}


@pytest.mark.parametrize("question", [
    "capital of France", "who was Napoleon", "what caused the First World War",
    "what is photosynthesis", "how do I solve a quadratic equation",
])
def test_off_topic_questions_get_an_honest_dont_know(engine: AnswerEngine, question: str) -> None:
    result = answer(engine, question)
    assert not result.answered and result.entry is None
    assert result.text.startswith(DONT_KNOW)
    assert len(result.suggestions) <= 3


def test_a_near_miss_offers_did_you_mean(engine: AnswerEngine) -> None:
    result = answer(engine, "could litvinov speak several languages")
    if result.answered:  # a better engine may answer it outright: then it must be right
        assert result.entry is not None and result.entry.id == "litvinov-multilingual"
        return
    assert "litvinov-multilingual" in {e.id for e in result.suggestions}
    assert "Did you mean" in result.text and "Was Litvinov multilingual?" in result.text


@pytest.mark.parametrize("question", [
    "", "   ", "\x00\x01\x1b[31m", "🙂🙂🙂", "<script>alert(1)</script>", "a" * 100_000,
    "when was **munich**? 🙂\x00", "' OR 1=1; DROP TABLE entries; --", "\u202ewhen was munich",
    "1939 " * 5000, "?" * 3000,
])
def test_any_input_is_safe(engine: AnswerEngine, question: str) -> None:
    result = answer(engine, question)
    assert len(result.text) < 4000
    assert len(result.question) <= MAX_QUESTION
    assert all(ch.isprintable() for ch in result.question)


def test_markup_and_emoji_around_a_question_do_not_stop_an_answer(engine: AnswerEngine) -> None:
    result = answer(engine, "<b>when</b> was **munich**?? 🙂\x00")
    assert result.entry is not None and result.entry.id == "munich-agreement"
    assert clean("<i>hi</i>\tthere\n") == "hi there"


def test_an_empty_question_asks_for_one(engine: AnswerEngine) -> None:
    result = answer(engine, "  ")
    assert not result.answered and "Ask me a question" in result.text


def test_a_small_pack_of_its_own(kb: KnowledgeBase) -> None:
    """The engine only knows the entries it is given: a one-event index answers that event."""
    event = next(e for e in kb.events() if e.id == "winter-war")
    small = AnswerEngine([event])
    assert answer(small, "winter war").entry == event
    assert not answer(small, "who was molotov").answered
    assert isinstance(answer(small, "what happened on 30 november 1939").entry, EventEntry)


def test_a_bare_year_lists_the_events_in_it_rather_than_picking_one(
        engine: AnswerEngine) -> None:
    result = answer(engine, "what happened in 1937")
    assert result.answered and result.kind == "period" and result.topic == "1937"
    assert "- 22 May 1937: Tukhachevsky arrested" in result.text
    assert "Great Purge" in result.lead  # 1936-38 spans the year: it belongs to it
    assert {"great-purge", "tukhachevsky-arrested"} <= set(result.entry_ids)
    assert answer(engine, "what happened on 23 august 1939").entry_ids == ["nazi-soviet-pact"]
