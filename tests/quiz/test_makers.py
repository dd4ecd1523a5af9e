"""The question makers: each kind has one right answer, false distractors and no giveaway.

The giveaway check here is the test's own (a plain word match), not the makers' ``reveals``,
so a fault in the makers' check cannot hide itself.
"""

from __future__ import annotations

import re

import pytest

from bot.quiz.bank import Question, QuestionBank
from bot.quiz.makers.common import bare_title, person_label, surname
from bot.quiz.makers.dates import years_of
from bot.quiz.makers.essay import VERDICTS
from bot.quiz.makers.terms import masked_definition
from knowledge.loader import KnowledgeBase, collapse
from knowledge.models import ArgumentEntry, EventEntry, PersonEntry, TermEntry

#: Words that say nothing about an answer: "Treaty of ..." does not give away a treaty.
COMMON = {"the", "and", "with", "from", "that", "this", "soviet", "ussr", "stalin's"}
#: Prompts whose first line is fixed wording; what follows it comes from an entry.
STEMMED = ("which_term", "who_argued", "consistency", "essay_gap", "term_meaning")


@pytest.fixture(scope="module")
def shipped(kb: KnowledgeBase) -> QuestionBank:
    return QuestionBank.build(kb)


def of_type(bank: QuestionBank, kind: str) -> list[Question]:
    found = [q for q in bank.questions.values() if q.type == kind]
    assert found, f"no {kind} questions"
    return found


def clue(q: Question) -> str:
    """The part of the prompt taken from an entry (fixed wording left out)."""
    if q.type in STEMMED:
        return q.prompt.split("\n", 1)[1]
    if q.type == "who_was":
        return q.prompt.removeprefix("Who was this: ")
    if q.type == "who_wrote":
        return q.prompt.removeprefix("Who wrote ")
    return q.prompt


def answer_words(answer: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9'-]+", answer.lower())
            if len(w) >= 4 and w not in COMMON}


def says(text: str, word: str) -> bool:
    """``word`` as a whole word in ``text``, allowing a plural or possessive ending."""
    return re.search(rf"(?<![\w-]){re.escape(word)}(?:s|es|'s)?(?![\w-])", text.lower()) is not None


# --- Giveaways and readable prompts ---------------------------------------------------------

def test_no_prompt_contains_a_word_of_its_answer(any_bank: QuestionBank) -> None:
    for q in any_bank.questions.values():
        if q.type not in ("who_was", "who_wrote", "which_term", "who_argued", "essay_gap",
                          "role_of", "term_meaning"):
            continue
        shown = clue(q) if q.type != "term_meaning" else q.answer
        asked = q.answer if q.type != "term_meaning" else q.prompt.split("\n", 1)[1]
        if q.type == "role_of":
            shown, asked = q.answer, q.prompt.removeprefix("Who was ").removesuffix("?")
        for word in answer_words(str(asked)):
            assert not says(str(shown), word), (q.id, word)


def test_the_giveaways_the_newcomer_found_are_gone(shipped: QuestionBank) -> None:
    drax = shipped.get("who_was:drax")
    assert drax is not None and "admiral" in drax.prompt and drax.answer == "Reginald Drax"
    assert not any("Admiral" in c for c in drax.choices)
    pact = shipped.get("which_term:non-aggression-pact")
    assert pact is not None and "Molotov-Ribbentrop" not in pact.prompt
    assert "Pact" not in clue(pact) and "pact" not in clue(pact).lower()


def test_prompts_read_cleanly(any_bank: QuestionBank) -> None:
    for q in any_bank.questions.values():
        text = "\n".join([q.prompt, q.explanation, *q.choices])
        for bad in ("___ ___", '""', "'___'", '"___"', "“___”", "(___)", "did this happen:"):
            assert bad not in text, (q.id, bad)
        for word in ("sheet", "verified-dates"):
            assert word not in text.lower(), (q.id, word)
        assert not re.search(r"\b(?:the|a|an) ___ ___", q.prompt)


def test_a_gap_is_never_an_alias_inside_a_longer_phrase(shipped: QuestionBank) -> None:
    prompts = "\n".join(q.prompt for q in shipped.questions.values())
    assert "buck the ___" not in prompts and "___ ___ and the POUM" not in prompts
    yes_men = shipped.get("which_term:yes-men")
    assert yes_men is not None and "buck the trend for ___" in yes_men.prompt


def test_a_definition_that_would_give_its_term_away_is_not_asked() -> None:
    term = TermEntry(id="x-scissors", title="Scissors Crisis", aliases=["price scissors"],
                     text="The Scissors Crisis opened price scissors between town and country.",
                     sources=["example.org"])
    assert masked_definition(term) is None  # "price scissors" would still name it
    kept = TermEntry(id="x-nep", title="New Economic Policy (NEP)", aliases=["NEP"],
                     text="The New Economic Policy (NEP) allowed private trade. The NEP ended "
                          "in 1928. It replaced grain requisitioning.",
                     sources=["example.org"])
    assert masked_definition(kept) == ("The ___ allowed private trade. The ___ ended in 1928. "
                                       "It replaced grain requisitioning.")


# --- Each new kind: one right answer, false distractors ------------------------------------

def test_which_first_answers_the_earlier_of_two_events_apart_in_time(
        any_bank: QuestionBank, any_kb: KnowledgeBase) -> None:
    by_title = {e.title: e for e in any_kb.events()}
    for q in of_type(any_bank, "which_first"):
        one, two = (by_title[c] for c in q.choices)
        first = by_title[str(q.answer)]
        later = two if first is one else one
        assert max(years_of(first)) < min(years_of(later)), q.id
        assert q.prompt == ("Which began first?" if one.end_date or two.end_date
                            else "Which came first?")


def _fill(gapped: str, words: str) -> str:
    return gapped.replace("___", words)


def _loose(text: str) -> str:
    return re.sub(r"[-\s]+", " ", text.lower())


def test_essay_gaps_are_filled_only_by_the_essays_own_words(
        any_bank: QuestionBank, any_kb: KnowledgeBase) -> None:
    essay = _loose(collapse(any_kb.packs[0].essay))
    noted = [collapse(q) for e in any_kb.entries.values() if e.note for q in e.quotes]
    for q in of_type(any_bank, "essay_gap"):
        gapped = q.prompt.split("\n", 1)[1].strip('"')
        assert gapped.count("___") == 1
        assert _loose(_fill(gapped, str(q.answer))) in essay, q.id
        for wrong in q.choices:
            if wrong != q.answer:
                assert _loose(_fill(gapped, wrong)) not in essay, (q.id, wrong)
        passage = _fill(gapped, str(q.answer))
        assert not any(n.lower() in passage.lower() or passage.lower() in n.lower()
                       for n in noted), f"{q.id} asks about a passage an entry corrects"


def test_essay_gaps_never_teach_a_corrected_claim(shipped: QuestionBank) -> None:
    for q in of_type(shipped, "essay_gap"):
        for wrong_claim in ("75%", "Litvoniv", "Rapello", "Trotskyite", "Marx Brothers",
                            "multilingual", "informed the British", "Kudryashov",
                            "permanent revolution", "Western European left"):
            assert wrong_claim not in q.prompt, (q.id, wrong_claim)


def test_term_meanings_come_from_each_terms_own_definition(
        any_bank: QuestionBank, any_kb: KnowledgeBase) -> None:
    terms = {bare_title(e.title): e for e in any_kb.entries.values() if isinstance(e, TermEntry)}
    for q in of_type(any_bank, "term_meaning"):
        label = q.prompt.split("\n", 1)[1]
        owner = {c: next(t for t in terms.values() if c[1:].rstrip(".") in collapse(t.text))
                 for c in q.choices}
        assert owner[str(q.answer)] is terms[label], q.id
        assert len({t.id for t in owner.values()}) == len(q.choices)
        for word in answer_words(label):
            assert not any(says(c, word) for c in q.choices), (q.id, word)


def test_essay_checks_give_the_entrys_verdict(any_bank: QuestionBank,
                                              any_kb: KnowledgeBase) -> None:
    essay = collapse(any_kb.packs[0].essay)
    for q in of_type(any_bank, "essay_check"):
        entry = any_kb.entries[q.entry_id]
        passage = q.prompt.split("\n", 1)[1].strip('"')
        assert passage in essay
        [check] = [c for c in entry.checks if collapse(c.essay) in passage
                   and (f'"{collapse(c.essay)}"' in q.prompt or collapse(c.essay) == passage)]
        assert q.answer == VERDICTS[check.verdict]
        assert list(q.choices) == list(VERDICTS.values())
        if check.verdict != "right":
            assert entry.note and collapse(entry.note) in q.explanation


def test_who_argued_from_the_essay_gaps_only_the_historians_name(
        any_bank: QuestionBank, any_kb: KnowledgeBase) -> None:
    essay = collapse(any_kb.packs[0].essay)
    quoted = [q for q in of_type(any_bank, "who_argued") if q.id.endswith(":quote")]
    assert quoted
    for q in quoted:
        arg = any_kb.entries[q.entry_id]
        assert isinstance(arg, ArgumentEntry) and arg.historian
        author = any_kb.entries[arg.historian]
        assert q.answer == author.title
        gapped = q.prompt.split("\n", 1)[1].strip('"')
        assert any(_fill(gapped, name) in essay for name in (author.title, surname(author.title)))


def test_consistency_is_asked_only_of_plain_foreign_policy_claims(
        any_bank: QuestionBank, any_kb: KnowledgeBase) -> None:
    for q in of_type(any_bank, "consistency"):
        arg = any_kb.entries[q.entry_id]
        assert isinstance(arg, ArgumentEntry) and arg.about == "foreign"
        assert arg.side != "qualified"
        assert not re.search(r"consisten", collapse(arg.claim), re.IGNORECASE)
        assert q.answer == ("Consistent" if arg.side == "consistent" else "Inconsistent")


def test_role_questions_offer_other_peoples_roles(any_bank: QuestionBank,
                                                  any_kb: KnowledgeBase) -> None:
    people = [e for e in any_kb.entries.values() if isinstance(e, PersonEntry)]
    for q in of_type(any_bank, "role_of"):
        person = any_kb.entries[q.entry_id]
        assert isinstance(person, PersonEntry)
        assert q.prompt == f"Who was {person_label(person)}?"
        holders = {c: [p.id for p in people if collapse(p.role) == c] for c in q.choices}
        assert holders[str(q.answer)] == [person.id]
        assert all(person.id not in ids for c, ids in holders.items() if c != q.answer)


# --- Pinned corrections ---------------------------------------------------------------------

def test_russias_war_is_never_asked_with_1997_as_a_wrong_year(shipped: QuestionBank) -> None:
    asked = [q for q in shipped.questions.values() if q.entry_id == "russias-war"]
    assert asked
    for q in asked:
        assert "1997" not in q.choices and "in 1997" not in q.prompt, q.id
        assert "first published" not in q.prompt  # a US edition may have come first


def test_domestic_and_hedged_arguments_get_no_consistency_question(
        shipped: QuestionBank) -> None:
    for arg in ("socialism-in-one-country-survival", "figes-revolution-of-countryside",
                "peasant-distrust", "hundred-year-gap-drives-policy",
                "talking-to-nazis-while-purging"):
        assert shipped.get(f"consistency:{arg}") is None, arg


def test_watson_is_never_the_answer_for_the_signal_view(shipped: QuestionBank) -> None:
    for q in shipped.questions.values():
        if "signal to Hitler" in q.prompt:
            assert q.answer != "Derek Watson" and "Resis" in q.explanation, q.id
    resis = shipped.get("hand:q-litvinov-signal-resis")
    assert resis is not None and resis.answer == "Albert Resis"


def test_order_questions_have_one_defensible_answer(shipped: QuestionBank,
                                                    kb: KnowledgeBase) -> None:
    """The old trade-talks event (dated 1936, "talks began in 1935") made the ordering with
    the Franco-Soviet treaty of 1935 arguable: no compared events share a year now."""
    talks = kb.entries["soviet-german-trade-talks"]
    assert isinstance(talks, EventEntry) and talks.date_note is None
    assert years_of(talks) == {1936}
    for q in shipped.questions.values():
        if q.id.startswith(("order:", "which_first:")):
            events = [kb.entries[i] for i in q.id.split(":", 1)[1].split("+")]
            years = [years_of(e) for e in events if isinstance(e, EventEntry)]
            assert sum(len(y) for y in years) == len(set().union(*years)), q.id
