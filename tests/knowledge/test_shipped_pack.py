"""The shipped essay pack: valid, complete enough, and true to its sources.

Dates are checked against the verified sheet (shared/reference/verified-dates.md), copied
here so the test runs anywhere; corrections against the sheet's list of wrong essay claims.
"""

from __future__ import annotations

import hashlib
import re

import pytest

from knowledge.loader import BUILTIN_PACKS, KnowledgeBase, check_packs, collapse
from knowledge.models import ArgumentEntry, EventEntry

PACK = BUILTIN_PACKS / "stalin-foreign-policy"
ESSAY_SHA256 = "58838ae6f64bd8ded67ae8bc91df0d74bb660bff7edab89dd1344da568d82ec9"

#: id -> (date, end_date) exactly as the verified sheet gives them.
VERIFIED_DATES = {
    "treaty-of-rapallo": ("1922-04-16", None),
    "german-soviet-credit-agreement-1935": ("1935-04-09", None),
    "soviet-german-trade-talks": ("1936-05-13", None),  # Goering meets Kandelaki
    "kandelaki-approach-1937": ("1937-01", "1937-02"),
    "nep-adopted": ("1921-03-08", "1921-03-16"),
    "russian-civil-war": ("1917-11-07", "1922-10-25"),
    "sixth-comintern-congress": ("1928-07-17", "1928-09-01"),
    "great-break-article": ("1929-11-07", None),
    "dizzy-with-success": ("1930-03-02", None),
    "hundred-years-behind-speech": ("1931-02-04", None),
    "us-recognises-ussr": ("1933-11-16", None),
    "ussr-joins-league": ("1934-09-18", None),
    "franco-soviet-treaty": ("1935-05-02", None),
    "seventh-comintern-congress": ("1935-07-25", "1935-08-20"),
    "spanish-civil-war-begins": ("1936-07-17", None),
    "brigades-reach-albacete": ("1936-10", None),
    "xi-brigade-enters-madrid": ("1936-11-08", None),
    "barcelona-may-days": ("1937-05-03", "1937-05-08"),
    "tukhachevsky-arrested": ("1937-05-22", None),
    # shot on the night of the 11th; "11 or 12 June" is uncertainty, not a span: date_note
    "tukhachevsky-executed": ("1937-06-11", None),
    "nkvd-order-00447": ("1937-07-30", None),
    "great-purge": ("1936-08-19", "1938-11-17"),
    "munich-agreement": ("1938-09-30", None),
    "spanish-civil-war-ends": ("1939-04-01", None),
    "litvinov-dismissed": ("1939-05-03", None),
    "german-soviet-credit-agreement": ("1939-08-19", None),
    "nazi-soviet-pact": ("1939-08-23", None),
    "soviet-invasion-of-poland": ("1939-09-17", None),
    "winter-war": ("1939-11-30", "1940-03-13"),
    "german-soviet-commercial-agreement": ("1940-02-11", None),
    "operation-barbarossa": ("1941-06-22", None),
    "litvinov-ambassador-usa": ("1941-11-10", None),
}

#: Each wrong or contested essay claim -> words its correction note must contain.
CORRECTIONS = {
    "75% of his Red Army officers": ["officers", "%"],
    "Marx Brothers": ["Harpo"],
    "Rapello": ["Rapallo"],
    "Trotskyite left": ["POUM", "Trotsky"],
    "Hermann Goering": ["Schacht"],
    "overtake German military production": ["coal", "steel"],
    "A multilingual career diplomat": ["unverified", "not verified"],
    "Kudryashov": ["unverified", "not verified"],
    "The permanent revolution it sought": ["Trotsky"],
    "International Brigades from across the Western European left": ["Comintern"],
}

#: Events the essay never names: shown with their source, never with "The essay: ...".
UNNAMED_BY_THE_ESSAY = ("german-soviet-credit-agreement", "german-soviet-commercial-agreement",
                        "czechoslovak-soviet-treaty", "franco-soviet-treaty",
                        "xi-brigade-enters-madrid", "us-recognises-ussr", "ussr-joins-league",
                        "us-recognition-agreements", "german-soviet-credit-agreement-1935")


@pytest.fixture(scope="module")
def pack_kb() -> KnowledgeBase:
    kb, problems = check_packs([PACK])
    assert not problems, "\n".join(map(str, problems))
    assert kb is not None
    return kb


def test_the_essay_is_the_unchanged_original() -> None:
    assert hashlib.sha256((PACK / "essay.txt").read_bytes()).hexdigest() == ESSAY_SHA256


def test_pack_meets_the_minimum_coverage(pack_kb: KnowledgeBase) -> None:
    counts = {kind: len(pack_kb.of_kind(kind)) for kind in
              ("event", "argument", "person", "term", "fact", "work")}
    assert counts["event"] >= 25
    assert counts["argument"] >= 12
    assert counts["person"] >= 10
    assert counts["term"] >= 15
    assert counts["fact"] >= 30
    assert counts["work"] >= 3


def test_dates_match_the_verified_sheet(pack_kb: KnowledgeBase) -> None:
    for entry_id, (date, end) in VERIFIED_DATES.items():
        event = pack_kb.entries[entry_id]
        assert isinstance(event, EventEntry), entry_id
        assert (event.date, event.end_date) == (date, end), entry_id


def test_contested_dates_say_so(pack_kb: KnowledgeBase) -> None:
    for entry_id in ("tukhachevsky-executed", "brigades-reach-albacete", "munich-agreement"):
        event = pack_kb.entries[entry_id]
        assert isinstance(event, EventEntry) and event.date_note, entry_id


def test_every_wrong_essay_claim_carries_a_correction(pack_kb: KnowledgeBase) -> None:
    for claim, words in CORRECTIONS.items():
        quoting = [e for e in pack_kb.entries.values()
                   if any(claim in collapse(q) for q in e.quotes)]
        assert quoting, f"no entry quotes {claim!r}"
        for entry in quoting:
            note = entry.note or ""
            assert any(w.lower() in note.lower() for w in words), (
                f"{entry.id} quotes {claim!r} without a correction mentioning {words}")


def test_essay_misspellings_stay_inside_quotes(pack_kb: KnowledgeBase) -> None:
    typos = re.compile(r"\b(Litvoniv|Rapello|capabilites|targetting|incapsulated|decisons|"
                       r"possiblity|idiosyncracy)\b")
    for entry in pack_kb.entries.values():
        assert not typos.search(entry.text), f"{entry.id}: essay typo in the answer text"


def test_answers_are_one_to_four_sentences(pack_kb: KnowledgeBase) -> None:
    for entry in pack_kb.entries.values():
        # sentence ends: . ! ? followed by a space and a capital, not after an initial
        sentences = re.split(r"(?<=[a-z0-9)\"'”%][.!?])\s+(?=[A-Z\"“])", entry.text.strip())
        assert 1 <= len(sentences) <= 4, f"{entry.id} has {len(sentences)} sentences"


def test_every_argument_has_a_side_and_evidence_or_quote(pack_kb: KnowledgeBase) -> None:
    arguments = [e for e in pack_kb.entries.values() if isinstance(e, ArgumentEntry)]
    sides = {a.side for a in arguments}
    assert sides == {"consistent", "inconsistent", "qualified"}
    for argument in arguments:
        assert argument.quotes, f"{argument.id} does not quote the essay"


def test_every_historian_the_essay_names_has_an_entry(pack_kb: KnowledgeBase) -> None:
    for person in ("figes", "preston", "conquest", "overy", "kudryashov", "litvinov", "molotov"):
        assert pack_kb.entries[person].kind == "person"  # type: ignore[attr-defined]


def test_every_essay_paragraph_is_quoted_somewhere(pack_kb: KnowledgeBase) -> None:
    essay = (PACK / "essay.txt").read_text(encoding="utf-8")
    paragraphs = [collapse(p) for p in re.split(r"\n\s*\n", essay) if len(p.split()) > 40]
    quotes = [collapse(q) for e in pack_kb.entries.values() for q in e.quotes]
    for index, paragraph in enumerate(paragraphs):
        hits = sum(1 for q in quotes if q in paragraph)
        assert hits >= 3, f"paragraph {index + 1} is quoted only {hits} times"


def _said(entry: object) -> str:
    """Everything a student may read of an entry."""
    parts = [getattr(entry, f, None) or "" for f in ("title", "text", "note", "claim",
                                                      "date_note", "role")]
    return " ".join(collapse(p) for p in parts) + " " + " ".join(getattr(entry, "sources", []))


def test_nothing_a_student_reads_cites_the_reference_sheet(pack_kb: KnowledgeBase) -> None:
    for entry in pack_kb.entries.values():
        assert "sheet" not in _said(entry) and "verified-dates" not in _said(entry), entry.id
    for question in pack_kb.questions:
        assert "sheet" not in question.explanation, question.id


def test_social_fascism_in_the_1920s_is_not_called_an_error(pack_kb: KnowledgeBase) -> None:
    phrase = "'social fascist' cries of the 1920s Comintern"
    quoting = [e for e in pack_kb.entries.values() if any(phrase in collapse(q) for q in e.quotes)]
    assert len(quoting) >= 3
    for entry in quoting:
        said = _said(entry).lower()
        assert "in fact" not in said and "wrong" not in said and "only in 1928" not in said
    assert "1924" in pack_kb.entries["social-fascism"].text
    [check] = pack_kb.entries["social-fascism"].checks
    assert check.verdict == "right"


def test_the_signal_view_is_resiss_not_watsons(pack_kb: KnowledgeBase) -> None:
    for entry in pack_kb.entries.values():
        said = _said(entry)
        if "signal" in said and entry.id != "derek-watson":
            assert "Watson" not in said, entry.id
        if "signal to Hitler" in said and "Roberts" in said:
            assert "Resis" in said, entry.id
    resis = pack_kb.entries["albert-resis"]
    assert any("Harbinger" in s and "2000" in s for s in resis.sources)
    assert "not the source" in pack_kb.entries["derek-watson"].text


def test_goering_and_1937_keep_schacht_but_not_a_wrong_year(pack_kb: KnowledgeBase) -> None:
    for entry in pack_kb.entries.values():
        if any("Hermann Goering" in q for q in entry.quotes):
            note = collapse(entry.note or "")
            assert "Schacht" in note, entry.id
            assert not re.search(r"(places|dates) (them|the attempt) (in|to) 1937", note)
    talks = pack_kb.entries["soviet-german-trade-talks"]
    assert isinstance(talks, EventEntry) and talks.sources and "Goering" in talks.title
    approach = pack_kb.entries["kandelaki-approach-1937"]
    assert "Stalin and Molotov" in approach.text and "February 1937" in approach.text


def test_tukhachevskys_arrest_did_not_begin_the_purge(pack_kb: KnowledgeBase) -> None:
    for entry in pack_kb.entries.values():
        said = _said(entry)
        assert not re.search(r"(arrest|case) began the purge", said), entry.id
        assert "at the start of the military purge" not in said, entry.id
    assert "August 1936" in pack_kb.entries["tukhachevsky-arrested"].text


def test_permanent_revolution_is_trotskys_and_not_world_revolution(
        pack_kb: KnowledgeBase) -> None:
    permanent = pack_kb.entries["permanent-revolution"]
    assert not {"world revolution", "worldwide revolution"} & {a.lower() for a in permanent.aliases}
    assert "Trotsky" in permanent.text and permanent.note
    assert pack_kb.entries["world-revolution"].kind == "term"  # type: ignore[attr-defined]


def test_the_international_brigades_were_the_cominterns(pack_kb: KnowledgeBase) -> None:
    text = pack_kb.entries["international-brigades"].text
    assert "Comintern" in text and "50 countries" in text


def test_figes_is_credited_only_with_what_the_essay_says(pack_kb: KnowledgeBase) -> None:
    figes = pack_kb.entries["figes-revolution-of-countryside"]
    assert isinstance(figes, ArgumentEntry)
    assert "a-peoples-tragedy" not in figes.evidence
    assert "breaking" not in figes.claim and "reinvention" in figes.claim
    assert "1924" in pack_kb.entries["a-peoples-tragedy"].text


def test_events_the_essay_never_names_cite_their_source(pack_kb: KnowledgeBase) -> None:
    for entry_id in UNNAMED_BY_THE_ESSAY:
        entry = pack_kb.entries[entry_id]
        assert not entry.quotes and entry.sources, entry_id


def test_the_packs_reading_is_not_presented_as_the_essays(pack_kb: KnowledgeBase) -> None:
    for entry in pack_kb.entries.values():
        said = _said(entry)
        assert "only as long as it served" not in said and "not Soviet ideology" not in said
    conquest = pack_kb.entries["conquest-vindicated-by-archives"]
    assert conquest.title.startswith("The essay's claim")


def test_officer_figures_say_what_they_count(pack_kb: KnowledgeBase) -> None:
    voroshilov = pack_kb.entries["voroshilov-1938-purge-figures"].text
    assert "commissars" in voroshilov and "reinstated" in voroshilov
    for entry in pack_kb.entries.values():
        for part in (entry.text, entry.note or ""):
            if "3.7-7.7%" in part:
                assert "officer corps" in collapse(part), entry.id


def test_the_same_hand_argument_is_the_essays_own_inference(pack_kb: KnowledgeBase) -> None:
    same_hand = pack_kb.entries["purge-and-spain-same-hand"]
    assert isinstance(same_hand, ArgumentEntry) and same_hand.historian is None
    assert "own inference" in same_hand.text


def test_arguments_about_home_alone_or_hedged_are_marked(pack_kb: KnowledgeBase) -> None:
    arguments = {e.id: e for e in pack_kb.entries.values() if isinstance(e, ArgumentEntry)}
    for arg_id in ("socialism-in-one-country-survival", "figes-revolution-of-countryside",
                   "peasant-distrust", "hundred-year-gap-drives-policy"):
        assert arguments[arg_id].about == "domestic", arg_id
    assert arguments["talking-to-nazis-while-purging"].side == "qualified"
    for arg in arguments.values():
        if arg.side != "qualified":
            assert "consistent" not in arg.claim.lower(), arg.id


def test_russias_war_carries_the_1997_edition(pack_kb: KnowledgeBase) -> None:
    assert "1997" in (pack_kb.entries["russias-war"].note or "")
