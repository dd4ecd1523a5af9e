"""The three judgements on a question (scope, intent, match) and the answers they compose."""

from __future__ import annotations

import re

import pytest

from bot.answering.answer import DONT_KNOW
from bot.answering.compose import SIDE_LABELS
from bot.answering.conversation import Conversation
from bot.answering.dates import QueryDate, find_date
from bot.answering.engine import AnswerEngine
from bot.answering.intent import detect
from bot.answering.respond import answer, open_view
from bot.clock import FakeClock
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import ArgumentEntry, EventEntry

YEARS = range(1917, 1946)
DISCORD_MESSAGE = 2000


@pytest.fixture(scope="module")
def engine(kb: KnowledgeBase) -> AnswerEngine:
    return AnswerEngine.for_knowledge(kb)


@pytest.mark.parametrize(("typed", "read"), [
    ("1/9/39", QueryDate(1939, 9, 1)),
    ("what happened 17/9/39", QueryDate(1939, 9, 17)),
    ("23/8/1939", QueryDate(1939, 8, 23)),
    ("june 41", QueryDate(1941, 6, None)),
    ("sept 38", QueryDate(1938, 9, None)),
    ("may 37 what happened", QueryDate(1937, 5, None)),
    ("aug '39", QueryDate(1939, 8, None)),
    ("3rd may 1939", QueryDate(1939, 5, 3)),
    ("what happened in 39", QueryDate(1939, None, None)),
    ("1936-38", QueryDate(1936, None, None, QueryDate(1938, None, None))),
    ("the 1930s", QueryDate(1930, None, None, QueryDate(1939, None, None))),
    ("stalin after 1945", QueryDate(1946, None, None, QueryDate(None, None, None))),
])
def test_dates_as_students_type_them(typed: str, read: QueryDate) -> None:
    assert find_date(typed, YEARS)[0] == read


@pytest.mark.parametrize("typed", ["in 20 years", "the 75 percent claim", "order 00447",
                                   "may 3 was a day", "june 53"])
def test_numbers_that_are_not_the_packs_dates_stay_numbers(typed: str) -> None:
    found = find_date(typed, YEARS)[0]
    assert found is None or (found.year is None and found.until is None)


@pytest.mark.parametrize("question", [
    "what did stalin do after 1945", "what happened in 1953", "stalin before 1917",
    "was stalin responsible for the cold war", "who won the irish civil war",
    "when did the first world war start", "what was trotsky's house in mexico like",
    "who was queen victoria", "what is the capital of france",
])
def test_questions_beyond_the_essay_are_refused_though_a_word_matches(
        engine: AnswerEngine, question: str) -> None:
    result = answer(engine, question)
    assert not result.answered and result.entries == ()
    assert result.lead.startswith(DONT_KNOW)
    assert "It is about Stalin's foreign policy" in result.lead or \
        "Its story runs from 1917 to 1945" in result.lead


@pytest.mark.parametrize("question", ["hi", "who are you?", "whats ur name", "tell me a joke",
                                      "thanks!", "are you a robot", "can you speak french",
                                      "whats the weather like today"])
def test_chit_chat_gets_a_friendly_word_on_what_the_bot_covers(
        engine: AnswerEngine, question: str) -> None:
    result = answer(engine, question)
    assert result.kind == "chat" and not result.answered
    assert "Stalin's foreign policy up to 1941" in result.lead


@pytest.mark.parametrize(("question", "expected"), [
    ("Assess the view that Soviet involvement in Spain was deliberately self-serving.",
     "preston-self-serving-spain"),
    ("Explain why Litvinov was dismissed in 1939.", "litvinov-western-sympathies-dismissal"),
    ("wat did figgis say", "figes-revolution-of-countryside"),
    ("explain munich like im 5", "munich-agreement"),
    ("why did stalin sign the pact with hitler", "pact-ends-search-for-security"),
    ("What error does the essay make about the Red Army purge?",
     "red-army-officers-75-percent-claim"),
    ("What was Yezhov's role in the Great Terror?", "yezhov"),
])
def test_exam_and_student_wording_find_the_entry(engine: AnswerEngine, question: str,
                                                 expected: str) -> None:
    result = answer(engine, question)
    assert result.answered and result.entry_ids[0] == expected


@pytest.mark.parametrize(("question", "kind", "topic"), [
    ("so was stalin consistent or not", "overview", ""),
    ("sum up the essay", "overview", ""),
    ("what's the conclusion", "overview", ""),
    ("To what extent was Stalin's foreign policy up to 1941 consistent with domestic ideology?",
     "overview", ""),
    ("tldr", "overview", ""),
    ("arguments against", "side", "inconsistent"),
    ("give me evidence that it was consistent", "side", "consistent"),
    ("what did the historians say", "historians", ""),
    ("what did preston argue", "historian", ""),
    ("compare overy and preston", "compare", ""),
    ("what happened in 1937", "period", "1937"),
    ("in august 1939", "period", "1939-08"),
    ("what does the essay get wrong", "corrections", ""),
])
def test_questions_about_several_entries_get_composed_answers(
        engine: AnswerEngine, question: str, kind: str, topic: str) -> None:
    result = answer(engine, question)
    assert (result.kind, result.topic) == (kind, topic), result.lead
    assert result.answered and len(result.entries) >= 2
    assert len(result.lead) < DISCORD_MESSAGE
    again = open_view(engine, result.view)
    assert again is not None and again.kind == kind  # "More" rebuilds it from its id alone


def test_composed_answers_use_the_entries_own_words(engine: AnswerEngine) -> None:
    """Every listed line is an entry's claim, title or text: nothing of the bot's own."""
    overview = answer(engine, "so was stalin consistent or not")
    said = " ".join(collapse(f"{e.title} {e.text} {getattr(e, 'claim', '')}")
                    for e in engine.by_id.values())
    for line in overview.text.splitlines():
        if line.startswith("- "):
            claim = re.sub(r" \([^)]*\)$", "", line[2:])
            assert claim in said, line
    side = answer(engine, "arguments against")
    against = [e for e in engine.by_id.values()
               if isinstance(e, ArgumentEntry) and e.side == "inconsistent"]
    assert side.lead.startswith(SIDE_LABELS["inconsistent"])
    assert {e.id for e in against} == set(side.entry_ids)


def test_a_period_includes_what_spans_it(engine: AnswerEngine) -> None:
    result = answer(engine, "what happened in 1937")
    assert "great-purge" in result.entry_ids  # 1936-38
    assert all(isinstance(e, EventEntry) for e in result.entries)
    dates = [e.date for e in result.entries if isinstance(e, EventEntry)]
    assert dates == sorted(dates)


def test_a_day_with_one_event_is_that_events_answer(engine: AnswerEngine) -> None:
    assert answer(engine, "17/9/39").entry_ids == ["soviet-invasion-of-poland"]
    nearest = answer(engine, "1/9/39")
    assert nearest.confidence == "close" and "Nothing in the essay's story" in nearest.lead


def test_a_comparison_of_events_says_which_came_first(engine: AnswerEngine) -> None:
    result = answer(engine, "compare the munich agreement and the nazi soviet pact")
    assert result.kind == "compare"
    assert "Munich Agreement came first, 1 year earlier." in result.lead


def test_a_close_answer_says_so_and_offers_the_others(engine: AnswerEngine) -> None:
    result = answer(engine, "how did collective security fit socialism in one country")
    if result.confidence == "close":
        assert result.lead.startswith("The closest the essay has to that:")
        assert result.links and result.entry_ids[0] not in {e.id for e in result.links}


def test_a_correction_is_never_dropped_and_never_repeats_the_text(engine: AnswerEngine) -> None:
    for entry in engine.by_id.values():
        if not entry.note:
            continue
        result = open_view(engine, f"entry:{entry.id}")
        assert result is not None and "Correction: " in result.lead, entry.id
        correction = result.lead.split("Correction: ", 1)[1]
        assert collapse(entry.text) not in correction


def test_text_speak_is_read_not_matched(engine: AnswerEngine) -> None:
    plain = answer(engine, "what was the popular front")
    slang = answer(engine, "yo wat was the popular front lol pls")
    assert plain.entry_ids[:1] == slang.entry_ids[:1] == ["popular-front"]
    assert detect(engine.read("tldr"), engine).kind == "overview"


def test_follow_ups_refer_to_the_last_entry_until_the_talk_moves_on(
        engine: AnswerEngine) -> None:
    clock = FakeClock()
    talk = Conversation(engine, clock)
    assert talk.ask("who was litvinov").entry_ids[0] == "litvinov"
    assert talk.ask("when was he sacked").entry_ids[0] == "litvinov-dismissed"
    assert talk.ask("who replaced him").entry_ids[0] in {"litvinov-dismissed", "molotov"}
    assert talk.ask("hi").kind == "chat"  # chit-chat is never read as a follow-up
    talk.ask("what did preston argue")
    compared = talk.ask("does overy agree")
    assert compared.kind == "compare" and {"overy", "preston"} <= set(compared.entry_ids)
    talk.ask("tell me about munich")
    clock.advance(minutes=11)
    assert not talk.ask("what year").answered
