"""The answer engine: find the knowledge-base entry a student's question is about, or abstain.

Retrieval, never generation. A small BM25 index over each entry's names (title and aliases,
weighted up), text and essay quotes gives candidates; misspelled words are corrected against
the index vocabulary first. Candidates are reranked on how much of the question they cover,
how closely a name matches (rapidfuzz), dates, and the kind of entry the question words hint
at. Below a calibrated confidence the engine answers "I don't know" with its nearest entries.
"""

from __future__ import annotations

import heapq
import math
from array import array
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.answering.dates import QueryDate, date_match, entry_bounds, parse_iso
from bot.answering.english import names_a_thing, topicality, zipf
from bot.answering.reading import Reading, read
from bot.answering.text import DEMONYMS, GENERIC, META, fold, stem, terms, word_set
from knowledge.loader import collapse
from knowledge.models import ArgumentEntry, Entry, EventEntry, PersonEntry, WorkEntry

if TYPE_CHECKING:
    from knowledge.loader import KnowledgeBase

# Field weights of the BM25 pseudo-document: a word in a name says far more than one in text.
NAME_WEIGHT, TEXT_WEIGHT, QUOTE_WEIGHT = 3.0, 1.0, 0.5
K1, B = 1.2, 0.75
CANDIDATES = 20
RELATED_CACHE = 10_000
TERMS_REMEMBERED = 50_000  # question words read, kept for the next question
#: How many of a term's postings (strongest first) gathering reads.
POSTINGS_READ = 2000
#: Above this many index words, spelling correction looks only at words of the same first
#: letter: a first letter is rarely the one mistyped, and it keeps correction quick.
SAME_INITIAL_ABOVE = 20_000

#: Everyday verbs and fillers students use that say little about the topic: they weigh less
#: in how much of a question an entry covers, but are not ignored like stop words.
SOFT_WORDS = word_set("""
took take taken takes make made makes get got start started begin began end ended cause
caused causes result results lead led main key big new old first last overall over
role part effect effects impact happen work way ways use used idea ideas point aim aims
reason reasons purpose view views think thought believe know known called name named
""")

#: Words students use for what entries say otherwise: a query word also finds its group.
SYNONYM_GROUPS = (
    "expel expelled expulsion throw kicked kick",
    "dismiss dismissed dismissal sacked sack fired removed replaced replace replacement",
    "invade invaded invasion attack attacked",
    "begin beginning start started outbreak introduce introduced adopt adopted launch",
    "end ended finish finished",
    "execute executed execution shoot killed kill",
    "pact treaty agreement",
    "ussr soviet russia",
    "nazi germany",
    "minister commissar",
    "book write",
    "army military",
    "peasant peasantry farmer",
    "prolong longer drag extend lengthen",
    "roosevelt fdr",
    # how students paraphrase the language of argument
    "help aid assist intervene intervention backing",
    "weaken damage undermine harm cripple",
    "tactic tactical pragmatic expedient calculating",
    "shift change reversal reverse switch",
    "genuine sincere",
    "sacrifice cost price",
    "fear threat afraid",
    "trust distrust mistrust suspicion",
    "ally alliance allied allies",
    "enemy enemies foe foes",
    "win victory victorious",
    "fail failure failed collapse",
    "prepare preparation ready",
    "industry industrial industrialisation industrialise",
    "economy economic",
    "murder murdered assassinate",
)
BACKGROUND_SHARE = 0.45  # a word in more entries than this is about the whole essay
SOFT = 0.35  # the weight of a soft word: one that asks, or that the whole essay is about
SYNONYM_CREDIT = 0.85  # a synonym's match counts a little less than the word itself
CORRECTED_CREDIT = 0.75  # and a corrected word's less still: it may be a different word
TEXT_CREDIT = 0.75  # a word in the entry's text, against one in its title or aliases

# Rerank weights and the abstention threshold, calibrated on benchmarks/devset.yaml.
W_COVER, W_NAME, W_FUZZ, W_BM25, W_KIND, W_DATE = 0.45, 0.25, 0.15, 0.15, 0.1, 0.45
W_EXACT, EXACT_NAME = 0.1, 0.999  # the question is an entry's very name ("five year plans")
YEAR_ONLY = 0.5  # a year beside a topic weighs this much of a date asked for itself
KIND_PRIOR = {"event": 0.03, "term": 0.03, "person": 0.03, "work": 0.02}
C_COVER, C_NAME, C_FUZZ = 0.55, 0.3, 0.15
ANSWER_AT = 0.58
SUGGEST_AT = 0.3
MISSING_PENALTY = 0.5  # a known word the entry lacks counts this much again against it
UNKNOWN_WEIGHT = 0.5  # share of the largest idf an unknown word weighs in coverage
DESCRIBING_WEIGHT = 0.5  # and less for a verb or adjective: it describes, it names nothing
DESCRIBING_FLOOR = 0.4  # however common it is


@dataclass(frozen=True, slots=True)
class Match:
    entry: Entry
    score: float  # for ranking
    confidence: float  # for answering or abstaining
    cover: float
    name: float
    date: float
    distinct: float = 0.0  # the rarest question word the entry contains (its idf)


@dataclass(frozen=True, slots=True)
class Term:
    """One word of a question as the index knows it."""

    term: str
    weight: float  # its share of the question: idf, less for soft words
    variants: tuple[tuple[str, float], ...]  # (index term, credit): itself, synonyms
    idf: float = 0.0  # of the index term it is read as


@dataclass(frozen=True, slots=True)
class Search:
    """What the engine made of a question, and its ranked matches (best first)."""

    question: str
    matches: list[Match]
    corrected: dict[str, str] = field(default_factory=dict)
    date: QueryDate | None = None
    terms: tuple[str, ...] = ()
    unknown: tuple[str, ...] = ()  # question words the packs never use (nor a near spelling)

    @property
    def best(self) -> Match | None:
        return self.matches[0] if self.matches else None

    @property
    def answered(self) -> bool:
        return (self.best is not None and self.best.confidence >= ANSWER_AT
                and not self.same_date())

    def suggestions(self, limit: int = 3) -> list[Entry]:
        """Entries close enough to offer as "did you mean" when the engine abstains."""
        return [m.entry for m in self.matches[:limit] if m.confidence >= SUGGEST_AT]

    def same_date(self) -> list[Entry]:
        """For a question that only names a date ("what happened in 1937"): every event that
        fits it equally well, when there is more than one (then no single one is the answer).
        """
        if self.date is None or self.terms or self.best is None or self.best.date <= 0:
            return []
        tied = [m.entry for m in self.matches if m.date == self.best.date]
        return tied if len(tied) > 1 else []


@dataclass(frozen=True, slots=True)
class Outline:
    """What the packs say the essay asks and concludes (``pack.yaml``): an overview's start."""

    question: tuple[str, ...] = ()
    conclusion: tuple[str, ...] = ()
    title: str = ""  # what the packs are about, as a refusal says it
    essay: str = ""  # the essays' text, whitespace collapsed: where each quote comes


@dataclass(slots=True)
class _Doc:
    entry: Entry
    name_terms: tuple[str, ...]  # short tuples: as quick to search as sets, far smaller
    all_terms: tuple[str, ...]
    names: tuple[str, ...]  # each name's terms joined by spaces, for rapidfuzz


class AnswerEngine:
    """An in-memory index over entries; build once per process, then ``search`` is read-only."""

    def __init__(self, entries: Iterable[Entry], outline: Outline | None = None) -> None:
        self.outline = outline or Outline()
        self.docs: list[_Doc] = []
        self.by_id: dict[str, Entry] = {}
        self.numbers: dict[str, int] = {}  # entry id -> its place in ``docs``
        weighted: list[dict[str, float]] = []
        for entry in entries:
            doc, counts = _index_entry(entry)
            self.numbers[entry.id] = len(self.docs)
            self.docs.append(doc)
            self.by_id[entry.id] = entry
            weighted.append(counts)
        #: term -> (entry numbers, BM25 weights), as compact arrays: 8 bytes a posting.
        self.postings: dict[str, tuple[array[int], array[float]]] = {}
        self.idf: dict[str, float] = {}
        self._build_postings(weighted)
        self.max_idf = max(self.idf.values(), default=1.0)
        self._related: dict[str, list[Entry]] = {}
        self._terms: dict[str, tuple[Term, str | None]] = {}
        self.by_length: dict[tuple[int, str], list[str]] = defaultdict(list)
        initials = len(self.idf) > SAME_INITIAL_ABOVE
        for term in self.idf:
            self.by_length[len(term), term[0] if initials else ""].append(term)
        self.events_by_year: dict[int, list[int]] = defaultdict(list)
        for number, doc in enumerate(self.docs):
            if isinstance(doc.entry, EventEntry):
                first = parse_iso(doc.entry.date)[0]
                last = parse_iso(doc.entry.end_date)[0] if doc.entry.end_date else first
                for year in range(first, last + 1):
                    self.events_by_year[year].append(number)
        spans = [entry_bounds(d.entry.date, d.entry.end_date) for d in self.docs
                 if isinstance(d.entry, EventEntry)]
        #: The packs' story: from its first event's first day to its last event's last.
        self.story = (min((s[0] for s in spans), default=(1, 1, 1)),
                      max((s[1] for s in spans), default=(9999, 12, 31)))
        #: The years the packs' events cover: where a two-digit year ("17/9/39") is read.
        self.years = range(min(self.events_by_year, default=1900),
                           max(self.events_by_year, default=1999) + 1)
        self._links = _links(self.by_id)
        #: Each name (title or alias) as its index terms -> the entries it names.
        self.names: dict[tuple[str, ...], list[Entry]] = defaultdict(list)
        for doc in self.docs:
            for name in doc.names:
                if doc.entry not in self.names[tuple(name.split())]:
                    self.names[tuple(name.split())].append(doc.entry)
        self.longest_name = max((len(n) for n in self.names), default=1)
        #: Every word that is part of some entry's title or alias: the packs' names.
        self.name_vocabulary = frozenset(t for doc in self.docs for t in doc.name_terms)
        self.core = self._core_terms()
        #: The entries the essay's question names (its subject: Stalin).
        self.core_entries = frozenset(
            e.id for i in self.outline.question if i in self.by_id
            for quote in self.by_id[i].quotes[:1] for e in self.mentions(self.read(quote)))
        #: People's name words by their spelling with doubled letters made single.
        self._undoubled: dict[str, list[str]] = defaultdict(list)
        for doc in self.docs:
            if isinstance(doc.entry, PersonEntry):
                for term in doc.name_terms:
                    if len(term) >= 4 and term not in self._undoubled[_undouble(term)]:
                        self._undoubled[_undouble(term)].append(term)

    def _core_terms(self) -> frozenset[str]:
        """The essay question's own words ("stalin", "foreign", "policy", "consistent"): they
        say what the whole essay is about, so in a question they name no one topic."""
        found: set[str] = set()
        for entry_id in self.outline.question:
            entry = self.by_id.get(entry_id)
            for quote in entry.quotes[:1] if entry is not None else []:
                found.update(t for t in terms(quote) if not t.isdigit())
        if found:  # and the words nearly half the entries use ("soviet", "essay")
            found |= {t for t, (numbers, _) in self.postings.items()
                      if len(numbers) > BACKGROUND_SHARE * len(self.docs)}
        return frozenset(found | {s for t in found for s in _SYNONYMS.get(t, ())})

    @classmethod
    def for_knowledge(cls, kb: KnowledgeBase) -> AnswerEngine:
        """The engine over every loaded pack, with the packs' outline of the essay."""
        question = tuple(p.info.question for p in kb.packs if p.info.question)
        conclusion = tuple(c for p in kb.packs for c in p.info.conclusion)
        title = "; ".join(p.info.title for p in kb.packs)
        essay = " ".join(collapse(p.essay) for p in kb.packs)
        return cls(kb.entries.values(), Outline(question, conclusion, title, essay))

    def essay_position(self, entry: Entry) -> int:
        """Where the entry's first quote comes in the essay (entries quoting nothing last)."""
        found = self.outline.essay.find(collapse(entry.quotes[0])) if entry.quotes else -1
        return found if found >= 0 else len(self.outline.essay)

    def _build_postings(self, weighted: list[dict[str, float]]) -> None:
        """BM25 weights computed once per posting, so a question only adds them up."""
        count = max(len(weighted), 1)
        lengths = [sum(c.values()) for c in weighted]
        average = sum(lengths) / count or 1.0
        norms = [K1 * (1 - B + B * length / average) for length in lengths]
        found: dict[str, tuple[list[int], list[float]]] = {}
        for number, counts in enumerate(weighted):
            for term, tf in counts.items():
                pair = found.get(term)
                if pair is None:
                    pair = found[term] = ([], [])
                pair[0].append(number)
                pair[1].append(tf)
        for term, (numbers, tfs) in found.items():
            df = len(numbers)
            idf = self.idf[term] = math.log(1 + (count - df + 0.5) / (df + 0.5))
            weights = [idf * tf * (K1 + 1) / (tf + norms[n])
                       for n, tf in zip(numbers, tfs, strict=True)]
            if len(numbers) > POSTINGS_READ:  # strongest first: a long list is read in part
                order = sorted(range(len(numbers)), key=weights.__getitem__, reverse=True)
                numbers = [numbers[i] for i in order]
                weights = [weights[i] for i in order]
            self.postings[term] = (array("I", numbers), array("f", weights))

    # --- the question ---------------------------------------------------------------------

    def read(self, question: str) -> Reading:
        """The question read with two-digit years inside the packs' years."""
        return read(question, self.years)

    def knows(self, word: str) -> bool:
        """Whether a question word means something to the index (itself, a spelling fix or
        a synonym)."""
        return bool(self._read_term(word, {}).variants)

    def term_of(self, word: str) -> str:
        """The index term a question word is read as (stemmed, spelling corrected)."""
        term = self._read_term(word, {})
        return term.variants[0][0] if term.variants else term.term

    def spelled(self, word: str) -> str:
        """A misspelt word as the index word it was meant for ("consistant" -> "consistent");
        any other word as it is."""
        fixed: dict[str, str] = {}
        self._read_term(word, fixed)
        return fixed.get(word, word)

    def mentions(self, reading: Reading) -> list[Entry]:
        """The entries the question names (by a title or an alias), in the order named.

        Longest names first and without overlap, so "nazi soviet pact" is one name and not
        "soviet" too; a name several entries share goes to the one it is the title of, else
        to the likeliest kind (a person, an event, a term before the rest).
        """
        found = [self._read_term(w, {}) for w in reading.words.content]
        said = [t.term if not t.variants else t.variants[0][0] for t in found]
        taken = [False] * len(said)
        named: list[tuple[int, Entry]] = []
        for size in range(min(self.longest_name, len(said)), 0, -1):
            for start in range(len(said) - size + 1):
                if any(taken[start:start + size]):
                    continue
                entries = self.names.get(tuple(said[start:start + size]))
                if not entries:
                    continue
                taken[start:start + size] = [True] * size
                named.append((start, _likeliest(entries, said[start:start + size])))
        ordered = {e.id: e for _, e in sorted(named, key=lambda pair: pair[0])}
        return list(ordered.values())

    def lacks_a_name(self, reading: Reading, entry: Entry) -> bool:
        """Whether the question names something ("american", "league") the packs have a name
        for, but this entry never says: then it is not what the question is about."""
        doc = self.docs[self.numbers[entry.id]]
        for word in dict.fromkeys(reading.words.content):
            term = self._read_term(word, {})
            if not term.variants or term.term in self.core or word in GENERIC or word in META:
                continue
            said = any(v in doc.all_terms for v, _ in term.variants)
            if not said and term.variants[0][0] in self.name_vocabulary and names_a_thing(word):
                return True
        return False

    def search(self, question: str | Reading, also: Iterable[str] = ()) -> Search:
        """The question's ranked matches; ``also`` names entries to rank whether or not
        its words find them (the arguments that cite an entry, say)."""
        reading = question if isinstance(question, Reading) else self.read(question)
        asked, words = reading.date, reading.words
        corrected: dict[str, str] = {}
        query: list[Term] = []
        unknown: list[str] = []
        for word in dict.fromkeys(words.content):
            term = self._read_term(word, corrected)
            if not term.variants:
                if word in GENERIC:
                    continue  # "assess", "involvement": they ask, they do not name
                unknown.append(word)
            query.append(term)
        gathered = self._gather(query)
        if asked is not None:
            self._gather_dated(asked, gathered)
        top = heapq.nlargest(CANDIDATES, gathered.items(), key=lambda item: item[1])
        ranked = {number for number, _ in top}
        top += [(n, gathered.get(n, 0.0)) for n in map(self.numbers.get, also)
                if n is not None and n not in ranked]
        best_bm25 = max((score for _, score in top), default=0.0) or 1.0
        phrase = " ".join(t.term for t in query)
        said = {v: c for t in query for v, c in t.variants}
        total_asked = sum(t.weight for t in query)
        matches = [self._rank(number, score / best_bm25, query, phrase, asked, words.hints,
                              said, total_asked) for number, score in top]
        matches.sort(key=lambda m: m.score, reverse=True)
        return Search(reading.text, matches, corrected, asked, tuple(t.term for t in query),
                      tuple(unknown))

    def _read_term(self, word: str, corrected: dict[str, str]) -> Term:
        """The word's index term (spelling corrected if need be), weight and synonyms.

        Remembered per word: every judgement of a question reads its words again.
        """
        known = self._terms.get(word)
        if known is None:
            if len(self._terms) >= TERMS_REMEMBERED:
                self._terms.clear()
            known = self._terms[word] = self._new_term(word)
        if known[1] is not None:
            corrected[word] = known[1]
        return known[0]

    def _new_term(self, word: str) -> tuple[Term, str | None]:
        term, credit, fixed = stem(word), 1.0, None
        if term not in self.idf and not word.isdigit() and not zipf(word):
            # only a word English does not know is a misspelling: "litvonov", not "weather"
            fixed = self.correct(term)
            if fixed is not None:
                term, credit = fixed, CORRECTED_CREDIT
        soft = SOFT if (word in SOFT_WORDS or word in GENERIC or word in META
                        or term in self.core) else 1.0
        variants = [(term, credit)] if term in self.idf else []
        variants += [(other, credit * SYNONYM_CREDIT) for other in _SYNONYMS.get(term, ())
                     if other != term and other in self.idf]
        if term in self.idf:
            weight = self.idf[term]
        elif variants:
            weight = max(self.idf[v] for v, _ in variants)
        elif word.isdigit() or names_a_thing(word):  # never used by the packs, naming a thing
            weight = self.max_idf * UNKNOWN_WEIGHT
        else:  # one that describes: the rarer in English, the more it says
            weight = self.max_idf * UNKNOWN_WEIGHT * DESCRIBING_WEIGHT * max(
                DESCRIBING_FLOOR, topicality(word))
        main = self.idf.get(variants[0][0], 0.0) if variants else 0.0
        return Term(term, weight * soft, tuple(variants), main), fixed

    def correct(self, term: str) -> str | None:
        """The index word nearest a misspelt one (1 edit from 5 letters, 2 from 8), or None.

        Among equally near words the one in most entries wins (the likelier meaning).
        """
        if len(term) < 5:
            return None
        edits = 1 if len(term) < 8 else 2
        pool: list[str] = []
        initial = term[0] if len(self.idf) > SAME_INITIAL_ABOVE else ""
        for length in range(len(term) - edits, len(term) + edits + 1):
            pool += self.by_length.get((length, initial), [])
        found = process.extract(term, pool, scorer=OSA.distance, score_cutoff=edits, limit=8)
        if not found:  # "spansih": a misspelt nation's adjective
            nation = process.extractOne(term, list(DEMONYMS), scorer=OSA.distance,
                                        score_cutoff=edits)
            if nation is not None and stem(nation[0]) in self.idf:
                return stem(nation[0])
        if not found:  # "figgis" for Figes: a person's name heard, not read
            near = process.extract(_undouble(term), list(self._undoubled), scorer=OSA.distance,
                                   score_cutoff=edits + 1, limit=4)
            names = [w for key, _, _ in near for w in self._undoubled[key]]
            return min(names, key=lambda word: self.idf[word]) if names else None
        nearest = min(distance for _, distance, _ in found)
        choices = [word for word, distance, _ in found if distance == nearest]
        return min(choices, key=lambda word: self.idf[word])

    def _gather(self, query: list[Term]) -> dict[int, float]:
        """BM25 over the question's terms: the candidates worth reranking.

        A common term's postings are read only as far as its POSTINGS_READ strongest (they
        are stored strongest first: the entries naming it in a title or alias lead), so one
        question costs about the same in a pack of a hundred entries or a hundred thousand.
        """
        scores: dict[int, float] = defaultdict(float)
        for term in query:
            for variant, credit in term.variants:
                numbers, weights = self.postings[variant]
                if len(numbers) > POSTINGS_READ:
                    numbers, weights = numbers[:POSTINGS_READ], weights[:POSTINGS_READ]
                for number, weight in zip(numbers, weights, strict=True):
                    scores[number] += weight * credit
        return scores

    def _gather_dated(self, asked: QueryDate, scores: dict[int, float]) -> None:
        years = [asked.year] if asked.year is not None else list(self.events_by_year)
        for year in years:
            for number in self.events_by_year.get(year, []):
                scores.setdefault(number, 0.0)

    def _rank(self, number: int, bm25: float, query: list[Term], phrase: str,
              asked: QueryDate | None, hints: frozenset[str], said: dict[str, float],
              total_asked: float) -> Match:
        doc = self.docs[number]
        got = missing = total = distinct = 0.0
        for term in query:
            credit = _credit(term, doc)
            got += term.weight * credit
            total += term.weight
            if credit > 0:
                distinct = max(distinct, term.idf)  # the rarest word it has
            elif term.variants:  # a word the packs know but this entry lacks: against it
                missing += term.weight
        total += MISSING_PENALTY * missing
        cover = got / total if total else 0.0
        named = self._name_cover(doc, said, total_asked)
        fuzzy = max(fuzz.token_sort_ratio(phrase, n) for n in doc.names) / 100 if phrase else 0.0
        dated = 0.0
        if asked is not None and isinstance(doc.entry, EventEntry):
            dated = date_match(asked, doc.entry.date, doc.entry.end_date)
        kind = getattr(doc.entry, "kind", "")
        if asked is not None and asked.month is None and query:
            dated *= YEAR_ONLY  # "the role of Molotov from 1939": the year sets the scene
        score = (W_COVER * cover + W_NAME * named + W_FUZZ * fuzzy + W_BM25 * bm25
                 + W_DATE * dated + KIND_PRIOR.get(kind, 0.0) + (W_KIND if kind in hints else 0)
                 + (W_EXACT if named >= EXACT_NAME else 0.0))
        confidence = C_COVER * cover + C_NAME * named + C_FUZZ * fuzzy + W_DATE * dated
        if asked is not None and not query:
            score = confidence = dated  # a bare date: the event on it, if any
        return Match(doc.entry, round(score, 4), round(confidence, 4), cover, named, dated,
                     distinct)

    def _name_cover(self, doc: _Doc, said: dict[str, float], asked: float) -> float:
        """How closely the question and the entry's best name say the same words (Dice).

        idf-weighted on both sides, so "munich" is the Munich Agreement's name more than the
        name of a fact about Munich, and a name's generic word alone is not a match.
        """
        best = 0.0
        idf = self.idf
        for name in doc.names:
            own = shared = 0.0
            for term in name.split():
                weight = idf.get(term, 0.0)
                own += weight
                if term in said:
                    shared += weight * said[term]
            if shared and own + asked:
                best = max(best, 2 * shared / (own + asked))
        return min(best, 1.0)

    # --- around an answer ------------------------------------------------------------------

    def related(self, entry: Entry, limit: int = 2) -> list[Entry]:
        """Entries worth reading next: those it cites or that cite it, else its nearest kin."""
        if entry.id not in self._related:
            if len(self._related) > RELATED_CACHE:
                self._related.clear()
            self._related[entry.id] = self._find_related(entry, limit)
        return self._related[entry.id][:limit]

    def _find_related(self, entry: Entry, limit: int) -> list[Entry]:
        found = [self.by_id[i] for i in self._links.get(entry.id, []) if i in self.by_id]
        if len(found) < limit:  # the entries sharing a topic whose words its name shares most
            seen = {entry.id, *(e.id for e in found)}
            tags = set(entry.tags)
            words = [Term(t, self.idf[t], ((t, 1.0),), self.idf[t])
                     for t in dict.fromkeys(terms(entry.title)) if t in self.idf]
            scores = self._gather(words)
            for number, _ in heapq.nlargest(CANDIDATES, scores.items(), key=lambda i: i[1]):
                other = self.docs[number].entry
                if other.id not in seen and tags & set(other.tags):
                    found.append(other)
                    seen.add(other.id)
                if len(found) >= limit:
                    break
        return found[:limit]


def _index_entry(entry: Entry) -> tuple[_Doc, dict[str, float]]:
    names = [entry.title, *entry.aliases]
    name_terms = [terms(n) for n in names]
    body = [entry.text, " ".join(t.replace("-", " ") for t in entry.tags)]
    if isinstance(entry, ArgumentEntry):
        body.append(entry.claim)
    if isinstance(entry, PersonEntry):
        body.append(entry.role)
    if isinstance(entry, EventEntry):
        body.append(entry.date[:4] + (" " + entry.end_date[:4] if entry.end_date else ""))
    if isinstance(entry, WorkEntry):
        body.append(f"{entry.author} {entry.year}")
    counts: dict[str, float] = defaultdict(float)
    for group in name_terms:
        for term in group:
            counts[term] += NAME_WEIGHT / max(1, len(names)) ** 0.5
    body_terms = [t for part in body for t in terms(part)]
    quote_terms = [t for quote in entry.quotes for t in terms(quote)]
    for term in body_terms:
        counts[term] += TEXT_WEIGHT
    for term in quote_terms:
        counts[term] += QUOTE_WEIGHT
    flat_names = tuple(dict.fromkeys(t for group in name_terms for t in group))
    joined = tuple(" ".join(g) for g in name_terms if g) or (fold(entry.title),)
    return _Doc(entry, flat_names, tuple(counts), joined), counts


_KIND_ORDER = {"person": 0, "event": 1, "term": 2, "work": 3, "argument": 4, "fact": 5}


def _likeliest(entries: list[Entry], name: list[str]) -> Entry:
    """Of the entries sharing a name, the one it is the title of, else by kind."""
    def rank(entry: Entry) -> tuple[bool, int]:
        return terms(entry.title) != name, _KIND_ORDER.get(getattr(entry, "kind", ""), 9)
    return min(entries, key=rank)


def _undouble(word: str) -> str:
    """The word with doubled letters single ("figgis" -> "figis"): a common misspelling."""
    return "".join(ch for i, ch in enumerate(word) if i == 0 or ch != word[i - 1])


def _credit(term: Term, doc: _Doc) -> float:
    """How fully an entry contains a question word: in a name, in its text, or not at all."""
    best = 0.0
    for variant, credit in term.variants:
        if variant in doc.name_terms:
            best = max(best, credit)
        elif variant in doc.all_terms:
            best = max(best, credit * TEXT_CREDIT)
    return best


def _synonyms() -> dict[str, tuple[str, ...]]:
    table: dict[str, tuple[str, ...]] = {}
    for group in SYNONYM_GROUPS:
        stems = tuple(dict.fromkeys(stem(w) for w in group.split()))
        for one in stems:
            table[one] = stems
    return table


_SYNONYMS = _synonyms()


def _links(by_id: dict[str, Entry]) -> dict[str, list[str]]:
    """Cross-references both ways: evidence, historians, authors."""
    links: dict[str, list[str]] = defaultdict(list)

    def link(a: str, b: str) -> None:
        if b not in links[a]:
            links[a].append(b)
        if a not in links[b]:
            links[b].append(a)

    for entry in by_id.values():
        if isinstance(entry, ArgumentEntry):
            if entry.historian:
                link(entry.id, entry.historian)
            for ref in entry.evidence:
                link(entry.id, ref)
        if isinstance(entry, WorkEntry):
            link(entry.id, entry.author)
    return dict(links)
